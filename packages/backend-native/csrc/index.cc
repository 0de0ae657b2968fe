// Kernels with data-dependent addressing (gather, scatter), scans and sort.
// They do not vectorize, so they are built once. Every index value is checked
// before it is used: an out-of-range index is an IndexError, never a stray access.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <string>
#include <type_traits>
#include <vector>

#include "args.h"
#include "kernels.h"
#include "pool.h"

namespace tn {

namespace {

// Walks every position of `shape` (row-major), keeping for each operand k an
// element offset that moves by strides[k][d] along d; `skip` (>= 0) is a dim
// along which operand 0 does not move (the gathered/scattered dim).
template <int K, class Visit>
void walk(const int64_t* shape, int nd, const int64_t (&strides)[K][MAX_DIMS], int64_t (&off)[K], int skip, Visit visit) {
  int64_t n = 1;
  for (int d = 0; d < nd; d++) n *= shape[d];
  if (n == 0) return;
  int64_t idx[MAX_DIMS] = {0};
  for (int64_t t = 0; t < n; t++) {
    visit(off);
    for (int d = nd - 1; d >= 0; d--) {
      idx[d]++;
      for (int k = 0; k < K; k++)
        if (!(k == 0 && d == skip)) off[k] += strides[k][d];
      if (idx[d] < shape[d]) break;
      for (int k = 0; k < K; k++)
        if (!(k == 0 && d == skip)) off[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }
}

[[noreturn]] void out_of_range(const char* op, int32_t v, int dim, int64_t size) {
  fail(E_INDEX, std::string(op) + ": index " + std::to_string(v) + " is out of bounds for dimension " + std::to_string(dim) + " with size " +
                    std::to_string(size));
}

template <class T>
void gather_typed(const View& x, const View& index, int dim, const View& out) {
  const int64_t size = x.nd == 0 ? 1 : x.shape[dim];
  // Operands: 0 = x (its dim is addressed by the index value), 1 = index, 2 = out.
  int64_t st[3][MAX_DIMS];
  for (int d = 0; d < index.nd; d++) {
    st[0][d] = d < x.nd ? x.strides[d] : 0;
    st[1][d] = index.strides[d];
    st[2][d] = out.strides[d];
  }
  const int64_t step = x.nd == 0 ? 0 : x.strides[dim];
  int64_t off[3] = {x.offset, index.offset, out.offset};
  const T* X = reinterpret_cast<const T*>(x.data);
  const int32_t* I = reinterpret_cast<const int32_t*>(index.data);
  T* O = reinterpret_cast<T*>(out.data);
  walk<3>(index.shape, index.nd, st, off, dim, [&](const int64_t* o) {
    const int32_t v = I[o[1]];
    if (v < 0 || v >= size) out_of_range("gather", v, dim, size);
    O[o[2]] = X[o[0] + v * step];
  });
}

template <class T>
void scatter_typed(bool accumulate, const View& dst, const View& index, const View& src, int dim) {
  const int64_t size = dst.nd == 0 ? 1 : dst.shape[dim];
  int64_t st[3][MAX_DIMS];
  for (int d = 0; d < index.nd; d++) {
    st[0][d] = d < dst.nd ? dst.strides[d] : 0;
    st[1][d] = index.strides[d];
    st[2][d] = d < src.nd ? src.strides[d] : 0;
  }
  const int64_t step = dst.nd == 0 ? 0 : dst.strides[dim];
  const int32_t* I = reinterpret_cast<const int32_t*>(index.data);
  // Check every index before the first write, so a bad one leaves dst untouched.
  {
    int64_t off[3] = {dst.offset, index.offset, src.offset};
    walk<3>(index.shape, index.nd, st, off, dim, [&](const int64_t* o) {
      const int32_t v = I[o[1]];
      if (v < 0 || v >= size) out_of_range(accumulate ? "scatterAdd" : "scatter", v, dim, size);
    });
  }
  int64_t off[3] = {dst.offset, index.offset, src.offset};
  T* D = reinterpret_cast<T*>(dst.data);
  const T* S = reinterpret_cast<const T*>(src.data);
  walk<3>(index.shape, index.nd, st, off, dim, [&](const int64_t* o) {
    T& target = D[o[0] + int64_t(I[o[1]]) * step];
    const T s = S[o[2]];
    if (!accumulate) target = s;
    else if constexpr (std::is_same<T, int32_t>::value) target = int32_t(uint32_t(target) + uint32_t(s));
    else if constexpr (std::is_same<T, uint8_t>::value) target = uint8_t(target + s);
    else target = target + s;
  });
}

template <class T, bool PROD>
void scan_typed(const View& x, const View& out) {
  using A = typename std::conditional<std::is_floating_point<T>::value, double, int64_t>::type;
  const int64_t outer = x.shape[0], n = x.shape[1], inner = x.shape[2];
  const T* X = x.ptr<T>();
  T* O = out.ptr<T>();
  parallel_for(outer * inner, (1 << 15) / (n + 1) + 1, [&](int64_t lo, int64_t hi) {
    for (int64_t q = lo; q < hi; q++) {
      const int64_t o = q / inner, k = q % inner;
      const int64_t base = o * n * inner + k;
      A acc = PROD ? 1 : 0;
      for (int64_t j = 0; j < n; j++) {
        const int64_t p = base + j * inner;
        if constexpr (std::is_floating_point<T>::value) {
          acc = PROD ? acc * A(X[p]) : acc + A(X[p]);
          O[p] = T(acc);
        } else {
          // int32 wraps (the int64 accumulator keeps the exact value mod 2^32).
          acc = PROD ? A(int32_t(uint32_t(acc) * uint32_t(X[p]))) : acc + A(X[p]);
          O[p] = int32_t(uint32_t(uint64_t(acc)));
        }
      }
    }
  });
}

// Stable sort of each line; NaN sorts above every number (as PyTorch).
template <class T>
void sort_typed(const View& x, const View& values, const View& indices, bool descending) {
  const int64_t outer = x.shape[0], n = x.shape[1], inner = x.shape[2];
  const T* X = x.ptr<T>();
  T* V = values.ptr<T>();
  int32_t* I = indices.ptr<int32_t>();
  parallel_for(outer * inner, (1 << 14) / (n + 1) + 1, [&](int64_t lo, int64_t hi) {
    std::vector<int32_t> order(static_cast<size_t>(n));
    std::vector<T> keys(static_cast<size_t>(n));
    for (int64_t q = lo; q < hi; q++) {
      const int64_t o = q / inner, k = q % inner;
      const int64_t base = o * n * inner + k;
      for (int64_t j = 0; j < n; j++) {
        order[size_t(j)] = int32_t(j);
        keys[size_t(j)] = X[base + j * inner];
      }
      const T* kp = keys.data();
      if (descending)
        std::stable_sort(order.begin(), order.end(), [kp](int32_t p, int32_t r) {
          const T a = kp[p], b = kp[r];
          if (a != a) return b == b;  // NaN first, ties keep order
          return a > b;
        });
      else
        std::stable_sort(order.begin(), order.end(), [kp](int32_t p, int32_t r) {
          const T a = kp[p], b = kp[r];
          if (b != b) return a == a;  // every number before NaN
          return a < b;
        });
      for (int64_t j = 0; j < n; j++) {
        V[base + j * inner] = kp[order[size_t(j)]];
        I[base + j * inner] = order[size_t(j)];
      }
    }
  });
}

}  // namespace

#define TN_BY_DTYPE(dt, call)                    \
  switch (dt) {                                  \
    case F32: { using T = float; call; break; }  \
    case F64: { using T = double; call; break; } \
    case I32: { using T = int32_t; call; break; }\
    case BOOL: { using T = uint8_t; call; break; }\
  }

void gather(const View& x, const View& index, int dim, const View& out) { TN_BY_DTYPE(x.dtype, gather_typed<T>(x, index, dim, out)) }

void scatter(bool accumulate, const View& dst, const View& index, const View& src, int dim) {
  TN_BY_DTYPE(dst.dtype, scatter_typed<T>(accumulate, dst, index, src, dim))
}

void scan(bool prod, const View& x, const View& out) {
  switch (x.dtype) {
    case F32: return prod ? scan_typed<float, true>(x, out) : scan_typed<float, false>(x, out);
    case F64: return prod ? scan_typed<double, true>(x, out) : scan_typed<double, false>(x, out);
    case I32: return prod ? scan_typed<int32_t, true>(x, out) : scan_typed<int32_t, false>(x, out);
  }
}

void sort(const View& x, const View& values, const View& indices, bool descending) {
  TN_BY_DTYPE(x.dtype, sort_typed<T>(x, values, indices, descending))
}

}  // namespace tn
