// Kernel wrappers: the thread pool around @tensile/kernels-c calls, the
// choice between its baseline and AVX2 builds, and the native GEMM.
#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>

#include "args.h"
#include "pool.h"

#if defined(__x86_64__) || defined(_M_X64)
#define TN_X86 1
#else
#define TN_X86 0
#endif

#if TN_X86 && (defined(__GNUC__) || defined(__clang__))
#define TN_HAVE_AVX2_BUILD 1
#else
#define TN_HAVE_AVX2_BUILD 0
#endif

// ---- the two builds of kernels-c (symbols renamed by generated/kc_prefix.h) -------

#include "generated/kc_funcs.h"

extern "C" {
#define TN_DECL(n) decltype(tn_##n) tn_base_##n;
TN_KC_FUNCS(TN_DECL)
#undef TN_DECL
#if TN_HAVE_AVX2_BUILD
#define TN_DECL(n) decltype(tn_##n) tn_avx2_##n;
TN_KC_FUNCS(TN_DECL)
#undef TN_DECL
#endif
}

namespace tn {

namespace {

struct KernelSet {
  const char* isa;
#define TN_FIELD(n) decltype(&tn_##n) n;
  TN_KC_FUNCS(TN_FIELD)
#undef TN_FIELD
};

#define TN_INIT(n) &tn_base_##n,
const KernelSet kBase = {"base", TN_KC_FUNCS(TN_INIT)};
#undef TN_INIT
#if TN_HAVE_AVX2_BUILD
#define TN_INIT(n) &tn_avx2_##n,
const KernelSet kAvx2 = {"avx2", TN_KC_FUNCS(TN_INIT)};
#undef TN_INIT
#endif

const KernelSet* initial() {
  const char* force = std::getenv("TENSILE_NATIVE_ISA");
  if (force != nullptr && std::strcmp(force, "base") == 0) return &kBase;
#if TN_HAVE_AVX2_BUILD
  if (cpu_has_avx2_fma()) return &kAvx2;
#endif
  return &kBase;
}

const KernelSet* g_set = initial();

// Elements per parallel chunk: below this an op stays on the calling thread.
constexpr int64_t GRAIN = 1 << 15;

[[noreturn]] void status_error(int status, const std::string& what) {
  switch (status) {
    case TN_E_DTYPE: fail(E_DTYPE, what + ": not supported for these dtypes");
    case TN_E_DIMS: fail(E_VALUE, what + ": too many dimensions");
    case TN_E_INDEX: fail(E_INDEX, what + ": index out of range");
    default: fail(E_VALUE, what + ": invalid arguments (kernel status " + std::to_string(status) + ")");
  }
}

void check(int status, const char* op) {
  if (status != TN_OK) status_error(status, op);
}

// The output's shape with each operand's strides, size-1 dims dropped and dims
// that every operand lays out as one merged; byte pointers to each operand's first element.
template <int K>
struct Layout {
  int nd;
  tn_idx shape[MAX_DIMS];
  tn_idx st[K][MAX_DIMS];
};

template <int K>
Layout<K> collapse(const View& out, const int64_t* const* strides) {
  Layout<K> L;
  L.nd = 0;
  for (int d = 0; d < out.nd; d++) {
    const int64_t size = out.shape[d];
    if (size == 1) continue;
    const int last = L.nd - 1;
    bool merge = last >= 0;
    for (int k = 0; merge && k < K; k++) merge = L.st[k][last] == strides[k][d] * size;
    if (merge) {
      L.shape[last] *= size;
      for (int k = 0; k < K; k++) L.st[k][last] = strides[k][d];
    } else {
      L.shape[L.nd] = size;
      for (int k = 0; k < K; k++) L.st[k][L.nd] = strides[k][d];
      L.nd++;
    }
  }
  if (L.nd == 0) {
    L.nd = 1;
    L.shape[0] = 1;
    for (int k = 0; k < K; k++) L.st[k][0] = 1;
  }
  return L;
}

// Runs call(nd, shape, pointers, strides) over out's elements; large ones are
// split along the outermost merged dim across the pool. A zero-size probe
// first lets kernels-c reject the dtypes before any thread writes.
template <int K, class Call>
void elementwise(const char* op, const View& out, const int64_t* const* strides, char* const* base, const int* elemBytes, Call call) {
  Layout<K> L = collapse<K>(out, strides);
  const tn_idx* st[K];
  for (int k = 0; k < K; k++) st[k] = L.st[k];
  if (out.numel < 2 * GRAIN || threads() == 1 || L.shape[0] < 2) return check(call(L.nd, L.shape, base, st), op);
  tn_idx probe[MAX_DIMS];
  std::memcpy(probe, L.shape, sizeof(tn_idx) * size_t(L.nd));
  probe[0] = 0;
  check(call(L.nd, probe, base, st), op);
  const int64_t perRow = out.numel / L.shape[0];
  const int64_t grain = GRAIN / perRow > 0 ? GRAIN / perRow : 1;
  parallel_for(L.shape[0], grain, [&](int64_t lo, int64_t hi) {
    tn_idx shape[MAX_DIMS];
    std::memcpy(shape, L.shape, sizeof(tn_idx) * size_t(L.nd));
    shape[0] = hi - lo;
    char* p[K];
    for (int k = 0; k < K; k++) p[k] = base[k] + lo * L.st[k][0] * elemBytes[k];
    call(L.nd, shape, p, st);
  });
}

char* first_byte(const View& v) { return v.data + v.offset * int64_t(dtype_size(v.dtype)); }

// A scalar operand as a one-element buffer of the operation's dtype.
struct ScalarBuf {
  union {
    float f;
    double d;
    int32_t i;
    uint8_t b;
  };
  ScalarBuf(double v, int dtype) {
    switch (dtype) {
      case F32: f = float(v); break;
      case F64: d = v; break;
      case I32: i = js_to_int32(v); break;
      default: b = v != 0; break;
    }
  }
};

const int64_t kZeroStrides[MAX_DIMS] = {0};
const tn_idx kZeroIdx[MAX_DIMS] = {0};

}  // namespace

bool cpu_has_avx2_fma() {
#if TN_HAVE_AVX2_BUILD
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const char* isa() { return g_set->isa; }

bool select_isa(const char* name) {
  if (std::strcmp(name, "base") == 0) {
    g_set = &kBase;
    return true;
  }
#if TN_HAVE_AVX2_BUILD
  if (std::strcmp(name, "avx2") == 0 && cpu_has_avx2_fma()) {
    g_set = &kAvx2;
    return true;
  }
#endif
  return false;
}

// ---- elementwise -------------------------------------------------------------------

void unary(int op, const View& x, const View& out) {
  const int64_t* s[2] = {x.strides, out.strides};
  char* base[2] = {first_byte(x), first_byte(out)};
  const int bytes[2] = {int(dtype_size(x.dtype)), int(dtype_size(out.dtype))};
  const KernelSet* ks = g_set;
  elementwise<2>("unary", out, s, base, bytes, [&](int nd, const tn_idx* shape, char* const* p, const tn_idx* const* st) {
    return ks->unary(op, x.dtype, out.dtype, nd, shape, p[0], st[0], p[1], st[1]);
  });
}

void binary(int op, Operand a, Operand b, const View& out) {
  const int dt = a.view ? a.view->dtype : b.view->dtype;
  ScalarBuf sa(a.scalar, dt), sb(b.scalar, dt);
  const int64_t* s[3] = {a.view ? a.view->strides : kZeroStrides, b.view ? b.view->strides : kZeroStrides, out.strides};
  char* base[3] = {a.view ? first_byte(*a.view) : reinterpret_cast<char*>(&sa), b.view ? first_byte(*b.view) : reinterpret_cast<char*>(&sb),
                   first_byte(out)};
  const int e = int(dtype_size(dt));
  // A scalar's pointer does not move when the range is split: its strides are 0.
  const int bytes[3] = {e, e, int(dtype_size(out.dtype))};
  const KernelSet* ks = g_set;
  elementwise<3>("binary", out, s, base, bytes, [&](int nd, const tn_idx* shape, char* const* p, const tn_idx* const* st) {
    return ks->binary(op, dt, out.dtype, nd, shape, p[0], st[0], p[1], st[1], p[2], st[2]);
  });
}

void where(const View& cond, Operand a, Operand b, const View& out) {
  const int dt = out.dtype;
  ScalarBuf sa(a.scalar, dt), sb(b.scalar, dt);
  const int64_t* s[4] = {cond.strides, a.view ? a.view->strides : kZeroStrides, b.view ? b.view->strides : kZeroStrides, out.strides};
  char* base[4] = {first_byte(cond), a.view ? first_byte(*a.view) : reinterpret_cast<char*>(&sa),
                   b.view ? first_byte(*b.view) : reinterpret_cast<char*>(&sb), first_byte(out)};
  const int e = int(dtype_size(dt));
  const int bytes[4] = {1, e, e, e};
  const KernelSet* ks = g_set;
  elementwise<4>("where", out, s, base, bytes, [&](int nd, const tn_idx* shape, char* const* p, const tn_idx* const* st) {
    return ks->where(dt, nd, shape, reinterpret_cast<const uint8_t*>(p[0]), st[0], p[1], st[1], p[2], st[2], p[3], st[3]);
  });
}

void copy(const View& x, const View& out) {
  const int64_t* s[2] = {x.strides, out.strides};
  char* base[2] = {first_byte(x), first_byte(out)};
  const int bytes[2] = {int(dtype_size(x.dtype)), int(dtype_size(out.dtype))};
  const KernelSet* ks = g_set;
  elementwise<2>("copy", out, s, base, bytes, [&](int nd, const tn_idx* shape, char* const* p, const tn_idx* const* st) {
    return ks->cast(x.dtype, out.dtype, nd, shape, p[0], st[0], p[1], st[1]);
  });
}

void fill(const View& dst, double value) {
  const int64_t* s[1] = {dst.strides};
  char* base[1] = {first_byte(dst)};
  const int bytes[1] = {int(dtype_size(dst.dtype))};
  // Zeros (+0.0, 0, false: all-zero bits in every dtype) into a contiguous block: memset, twice as fast
  // as kernels-c's fill, which converts a broadcast float64 per element. zeros() and zero_() land here.
  const Layout<1> L = collapse<1>(dst, s);
  if (value == 0 && !std::signbit(value) && L.nd == 1 && L.st[0][0] == 1) {
    parallel_for(dst.numel, 4 * GRAIN, [&](int64_t lo, int64_t hi) { std::memset(base[0] + lo * bytes[0], 0, size_t(hi - lo) * size_t(bytes[0])); });
    return;
  }
  const KernelSet* ks = g_set;
  elementwise<1>("fill", dst, s, base, bytes, [&](int nd, const tn_idx* shape, char* const* p, const tn_idx* const* st) {
    return ks->fill(dst.dtype, nd, shape, p[0], st[0], value);
  });
}

// ---- reductions over the middle axis of [outer, r, inner] -----------------------------

namespace {

// Combines per-chunk results of a full reduction (outer = inner = 1) split along r.
template <class T>
void combine_chunks(int op, const View& x, int64_t chunks, int64_t per, const T* partial, const int32_t* partialIdx, void* out) {
  using A = typename std::conditional<std::is_floating_point<T>::value, double, int64_t>::type;
  if (op == TN_SUM || op == TN_PROD) {
    A acc = op == TN_SUM ? 0 : 1;
    for (int64_t c = 0; c < chunks; c++) {
      if (op == TN_SUM) acc += A(partial[c]);
      else if constexpr (std::is_floating_point<T>::value) acc *= A(partial[c]);
      else acc = A(int32_t(uint32_t(acc) * uint32_t(partial[c])));
    }
    *static_cast<T*>(out) = std::is_floating_point<T>::value ? T(acc) : T(int32_t(uint32_t(uint64_t(acc))));
    return;
  }
  // amax/amin/argmax/argmin: the first chunk holding the extreme (a NaN counts as the extreme) wins.
  const bool isMax = op == TN_AMAX || op == TN_ARGMAX;
  const T* X = reinterpret_cast<const T*>(x.data) + x.offset;
  int64_t best = -1;
  T bv = T();
  for (int64_t c = 0; c < chunks; c++) {
    const int64_t at = c * per + partialIdx[c];
    const T v = X[at];
    if (best < 0 || (v != v && bv == bv) || (bv == bv && (isMax ? v > bv : v < bv))) {
      best = at;
      bv = v;
    }
    if (bv != bv) break;
  }
  if (op == TN_ARGMAX || op == TN_ARGMIN) *static_cast<int32_t*>(out) = int32_t(best);
  else *static_cast<T*>(out) = bv;
}

}  // namespace

void reduce(int op, const View& x, const View& out) {
  const int64_t outer = x.shape[0], r = x.shape[1], inner = x.shape[2];
  const KernelSet* ks = g_set;
  const char* X = first_byte(x);
  char* O = first_byte(out);
  const int64_t xe = int64_t(dtype_size(x.dtype)), oe = int64_t(dtype_size(out.dtype));
  const int nt = threads();
  // A zero-size probe checks op and dtypes before any work is split.
  check(ks->reduce(op, x.dtype, out.dtype, X, 0, r, inner, O), "reduce");
  if (outer * inner == 1 && r >= 4 * GRAIN && nt > 1) {
    // One output over a long axis: each thread reduces a slice of r; slices combine in order.
    const int64_t chunks = nt, per = (r + chunks - 1) / chunks;
    Scratch partial(sizeof(double) * size_t(chunks)), partialIdx(sizeof(int32_t) * size_t(chunks));
    const bool wantIdx = op != TN_SUM && op != TN_PROD;
    parallel_for(chunks, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t c = lo; c < hi; c++) {
        const int64_t r0 = c * per, n = r0 + per < r ? per : r - r0;
        // Index ops report a position; amax/amin read the value back from it, so every chunk runs an arg op.
        const int argOp = op == TN_AMAX ? TN_ARGMAX : op == TN_AMIN ? TN_ARGMIN : op;
        if (wantIdx) ks->reduce(argOp, x.dtype, I32, X + r0 * xe, 1, n, 1, partialIdx.as<int32_t>() + c);
        else ks->reduce(op, x.dtype, x.dtype, X + r0 * xe, 1, n, 1, partial.as<char>() + c * xe);
      }
    });
    switch (x.dtype) {
      case F32: return combine_chunks<float>(op, x, chunks, per, partial.as<float>(), partialIdx.as<int32_t>(), O);
      case F64: return combine_chunks<double>(op, x, chunks, per, partial.as<double>(), partialIdx.as<int32_t>(), O);
      case I32: return combine_chunks<int32_t>(op, x, chunks, per, partial.as<int32_t>(), partialIdx.as<int32_t>(), O);
      default: return combine_chunks<uint8_t>(op, x, chunks, per, partial.as<uint8_t>(), partialIdx.as<int32_t>(), O);
    }
  }
  const int64_t work = r * inner > 0 ? r * inner : 1;
  const int64_t grain = GRAIN / work > 0 ? GRAIN / work : 1;
  parallel_for(outer, grain, [&](int64_t lo, int64_t hi) {
    ks->reduce(op, x.dtype, out.dtype, X + lo * r * inner * xe, hi - lo, r, inner, O + lo * inner * oe);
  });
}

// ---- matmul ---------------------------------------------------------------------------

// Below this many multiply-adds a matmul stays on the calling thread.
constexpr int64_t GEMM_PARALLEL_MIN = int64_t(1) << 18;

void matmul(const View& a, const View& b, const View& out) {
  // kernels-c has no bool product, nor has PyTorch on CPU.
  if (out.dtype == BOOL) fail(E_DTYPE, "matmul: not implemented for bool tensors");
  const KernelSet* ks = g_set;
  const int dt = out.dtype;
  const int64_t batch = a.shape[0], M = a.shape[1], K = a.shape[2], N = b.shape[2];
  const int64_t e = int64_t(dtype_size(dt));
  const char* A = first_byte(a);
  const char* B = first_byte(b);
  char* C = first_byte(out);
  // Products [t0, t1) over rows [m0, m1) of each; out's batch stride is (m1 - m0) * N, so a row split takes one product at a time.
  auto run = [&](int64_t t0, int64_t t1, int64_t m0, int64_t m1) {
    const size_t ws = ks->matmul_workspace(dt, m1 - m0, K, N);
    void* w = ws > 0 ? thread_buffer(0, ws) : nullptr;
    return ks->matmul(dt, t1 - t0, m1 - m0, K, N, A + (t0 * a.strides[0] + m0 * a.strides[1]) * e, a.strides[0], a.strides[1], a.strides[2],
                      B + t0 * b.strides[0] * e, b.strides[0], b.strides[1], b.strides[2], C + (t0 * M + m0) * N * e, w);
  };
  const int64_t work = M * N * (K > 0 ? K : 1);
  const int nt = threads();
  if (nt == 1 || work * batch < GEMM_PARALLEL_MIN) return check(run(0, batch, 0, M), "matmul");
  check(run(0, 0, 0, M), "matmul");  // an empty batch: kernels-c checks the dtype before threads start
  if (batch >= nt && work < GEMM_PARALLEL_MIN * 8) {
    // Many small products: whole products per thread.
    parallel_for(batch, 1, [&](int64_t lo, int64_t hi) { run(lo, hi, 0, M); });
    return;
  }
  // Each product's rows split across threads, in 6-row (micro-kernel) multiples.
  const int64_t tiles = (M + 5) / 6;
  for (int64_t t = 0; t < batch; t++)
    parallel_for(tiles, 1, [&](int64_t lo, int64_t hi) { run(t, t + 1, lo * 6, hi * 6 < M ? hi * 6 : M); });
}

// ---- gather / scatter -------------------------------------------------------------------

namespace {

// kernels-c's index walk: index's dims and every operand's strides over them (all of one rank >= 1, addon.cc checked).
struct IndexWalk {
  int nd;
  tn_idx shape[MAX_DIMS];
  tn_idx istrides[MAX_DIMS];
  tn_idx selfStrides[MAX_DIMS];
  tn_idx otherStrides[MAX_DIMS];
  IndexWalk(const View& self, const View& index, const View* other) {
    nd = index.nd;
    for (int d = 0; d < nd; d++) {
      shape[d] = index.shape[d];
      istrides[d] = index.strides[d];
      selfStrides[d] = self.strides[d];
      otherStrides[d] = other != nullptr ? other->strides[d] : 0;
    }
  }
};

[[noreturn]] void index_error(const char* op, const View& index, int dim, int64_t size) {
  // Find the offending value for the message (kernels-c only says that one exists).
  IndexWalk w(index, index, nullptr);
  const int32_t* I = reinterpret_cast<const int32_t*>(index.data) + index.offset;
  int64_t n = index.numel, idx[MAX_DIMS] = {0}, off = 0;
  for (int64_t t = 0; t < n; t++) {
    const int32_t v = I[off];
    if (v < 0 || v >= size)
      fail(E_INDEX, std::string(op) + ": index " + std::to_string(v) + " is out of bounds for dimension " + std::to_string(dim) + " with size " +
                        std::to_string(size));
    for (int d = w.nd - 1; d >= 0; d--) {
      idx[d]++;
      off += w.istrides[d];
      if (idx[d] < w.shape[d]) break;
      off -= w.istrides[d] * w.shape[d];
      idx[d] = 0;
    }
  }
  fail(E_INDEX, std::string(op) + ": index out of range");
}

}  // namespace

void gather(const View& x, const View& index, int dim, const View& out) {
  const int64_t size = x.shape[dim];
  IndexWalk w(x, index, nullptr);
  const int s = g_set->gather(x.dtype, w.nd, w.shape, dim, size, first_byte(x), w.selfStrides, reinterpret_cast<const int32_t*>(first_byte(index)),
                              w.istrides, first_byte(out));
  if (s == TN_E_INDEX) index_error("gather", index, dim, size);
  check(s, "gather");
}

void scatter(bool accumulate, const View& dst, const View& index, const View& src, int dim) {
  const char* op = accumulate ? "scatterAdd" : "scatter";
  const int64_t size = dst.shape[dim];
  IndexWalk w(dst, index, &src);
  const int s = g_set->scatter(accumulate, dst.dtype, w.nd, w.shape, dim, size, first_byte(dst), w.selfStrides,
                               reinterpret_cast<const int32_t*>(first_byte(index)), w.istrides, first_byte(src), w.otherStrides);
  if (s == TN_E_INDEX) index_error(op, index, dim, size);
  check(s, op);
}

// ---- scans and sort along the middle axis of [outer, n, inner] --------------------------

void scan(bool prod, const View& x, const View& out) {
  const int64_t outer = x.shape[0], n = x.shape[1], inner = x.shape[2];
  const KernelSet* ks = g_set;
  auto fn = prod ? ks->cumprod : ks->cumsum;
  const char* op = prod ? "cumprod" : "cumsum";
  const char* X = first_byte(x);
  char* O = first_byte(out);
  const int64_t e = int64_t(dtype_size(x.dtype));
  check(fn(x.dtype, X, 0, n, inner, O), op);
  const int64_t work = n * inner > 0 ? n * inner : 1;
  parallel_for(outer, GRAIN / work > 0 ? GRAIN / work : 1,
               [&](int64_t lo, int64_t hi) { fn(x.dtype, X + lo * n * inner * e, hi - lo, n, inner, O + lo * n * inner * e); });
}

void sort(const View& x, const View& values, const View& indices, bool descending) {
  const int64_t outer = x.shape[0], n = x.shape[1], inner = x.shape[2];
  const KernelSet* ks = g_set;
  const char* X = first_byte(x);
  char* V = first_byte(values);
  int32_t* I = reinterpret_cast<int32_t*>(first_byte(indices));
  const int64_t e = int64_t(dtype_size(x.dtype));
  const size_t ws = ks->sort_workspace(n);
  {
    Scratch probe(ws);
    check(ks->sort(x.dtype, X, 0, n, inner, descending, V, I, probe.as<void>()), "sort");
  }
  const int64_t work = n * inner > 0 ? n * inner : 1;
  parallel_for(outer, (GRAIN / 4) / work > 0 ? (GRAIN / 4) / work : 1, [&](int64_t lo, int64_t hi) {
    void* w = thread_buffer(2, ws);
    ks->sort(x.dtype, X + lo * n * inner * e, hi - lo, n, inner, descending, V + lo * n * inner * e, I + lo * n * inner, w);
  });
}


void softmax(bool log, const View& x, const View& out, int64_t outer, int64_t n, int64_t inner) {
  const KernelSet* ks = g_set;
  const float* X = x.ptr<float>();
  float* O = out.ptr<float>();
  const int64_t work = n * inner > 0 ? n * inner : 1;
  parallel_for(outer, GRAIN / work > 0 ? GRAIN / work : 1, [&](int64_t lo, int64_t hi) {
    ks->softmax_f32(X + lo * n * inner, O + lo * n * inner, hi - lo, n, inner, log ? 1 : 0);
  });
}

void softmax_backward(bool log, const View& g, const View& y, const View& out, int64_t outer, int64_t n, int64_t inner) {
  const KernelSet* ks = g_set;
  const float* G = g.ptr<float>();
  const float* Y = y.ptr<float>();
  float* O = out.ptr<float>();
  const int64_t work = n * inner > 0 ? n * inner : 1;
  parallel_for(outer, GRAIN / work > 0 ? GRAIN / work : 1, [&](int64_t lo, int64_t hi) {
    const int64_t at = lo * n * inner;
    ks->softmax_backward_f32(G + at, Y + at, O + at, hi - lo, n, inner, log ? 1 : 0);
  });
}

void adam(const View& param, const View& grad, const View& exp_avg, const View& exp_avg_sq, const View* max_sq, const tn_adam_options& o) {
  const KernelSet* ks = g_set;
  float* P = param.ptr<float>();
  const float* G = grad.ptr<float>();
  float* M = exp_avg.ptr<float>();
  float* V = exp_avg_sq.ptr<float>();
  float* X = max_sq == nullptr ? nullptr : max_sq->ptr<float>();
  parallel_for(param.numel, GRAIN, [&](int64_t lo, int64_t hi) {
    ks->adam_f32(P + lo, G + lo, M + lo, V + lo, X == nullptr ? nullptr : X + lo, hi - lo, &o);
  });
}

void sgd(const View& param, const View& grad, const View* buf, const tn_sgd_options& o) {
  const KernelSet* ks = g_set;
  float* P = param.ptr<float>();
  const float* G = grad.ptr<float>();
  float* B = buf == nullptr ? nullptr : buf->ptr<float>();
  parallel_for(param.numel, GRAIN, [&](int64_t lo, int64_t hi) { ks->sgd_f32(P + lo, G + lo, B == nullptr ? nullptr : B + lo, hi - lo, &o); });
}

void rmsprop(const View& param, const View& grad, const View& square_avg, const View* grad_avg, const View* buf, const tn_rmsprop_options& o) {
  const KernelSet* ks = g_set;
  float* P = param.ptr<float>();
  const float* G = grad.ptr<float>();
  float* S = square_avg.ptr<float>();
  float* A = grad_avg == nullptr ? nullptr : grad_avg->ptr<float>();
  float* B = buf == nullptr ? nullptr : buf->ptr<float>();
  parallel_for(param.numel, GRAIN, [&](int64_t lo, int64_t hi) {
    ks->rmsprop_f32(P + lo, G + lo, S + lo, A == nullptr ? nullptr : A + lo, B == nullptr ? nullptr : B + lo, hi - lo, &o);
  });
}

// ---- conv2d -----------------------------------------------------------------------------

// Below this many multiply-adds a convolution stays on the calling thread.
constexpr int64_t CONV_PARALLEL_MIN = int64_t(1) << 18;

void conv2d(int kind, const tn_conv2d_params& p, const View& a, const View& b, const View& out) {
  const KernelSet* ks = g_set;
  const int dt = out.dtype;
  const char* op = kind == 0 ? "conv2d" : kind == 1 ? "conv2dInputGrad" : "conv2dWeightGrad";
  const size_t ws = ks->conv2d_workspace(dt, &p);
  const char* A = first_byte(a);
  const char* B = first_byte(b);
  char* O = first_byte(out);
  const int64_t e = int64_t(dtype_size(dt));
  const int64_t N = p.n;
  const int64_t work = p.o * p.oh * p.ow * (p.c / p.groups) * p.kh * p.kw;  // per image
  const int nt = threads();
  const int64_t chunks = nt < N ? nt : N;
  if (kind != 2) {
    // Images on disjoint outputs.
    const int64_t outPer = kind == 0 ? p.o * p.oh * p.ow : p.c * p.h * p.w;
    auto run = [&](int64_t lo, int64_t hi) {
      void* w = ws > 0 ? thread_buffer(3, ws) : nullptr;
      return kind == 0 ? ks->conv2d_forward(dt, &p, lo, hi, A, B, O, w) : ks->conv2d_input_grad(dt, &p, lo, hi, A, B, O, w);
    };
    if (chunks <= 1 || work * N < CONV_PARALLEL_MIN) return check(run(0, N), op);
    check(run(0, 0), op);  // the dtype and parameter checks, before threads start
    (void)outPer;
    parallel_for(N, 1, [&](int64_t lo, int64_t hi) { run(lo, hi); });
    return;
  }
  // Weight gradient: a sum over images; each chunk of images into its own buffer (chunk 0 into out), then added up.
  const int64_t nw = out.numel;
  if (chunks <= 1 || work * N < CONV_PARALLEL_MIN) {
    void* w = ws > 0 ? thread_buffer(3, ws) : nullptr;
    return check(ks->conv2d_weight_grad(dt, &p, 0, N, A, B, O, 0, w), op);
  }
  check(ks->conv2d_weight_grad(dt, &p, 0, 0, A, B, O, 0, nullptr), op);
  Scratch partial(size_t(chunks - 1) * size_t(nw) * size_t(e));
  char* P = partial.as<char>();
  parallel_for(chunks, 1, [&](int64_t lo, int64_t hi) {
    void* w = ws > 0 ? thread_buffer(3, ws) : nullptr;
    for (int64_t c = lo; c < hi; c++) {
      char* dst = c == 0 ? O : P + (c - 1) * nw * e;
      ks->conv2d_weight_grad(dt, &p, c * N / chunks, (c + 1) * N / chunks, A, B, dst, 0, w);
    }
  });
  for (int64_t c = 1; c < chunks; c++) {
    if (dt == F32) {
      float* o = reinterpret_cast<float*>(O);
      const float* q = reinterpret_cast<const float*>(P) + (c - 1) * nw;
      for (int64_t i = 0; i < nw; i++) o[i] += q[i];
    } else {
      double* o = reinterpret_cast<double*>(O);
      const double* q = reinterpret_cast<const double*>(P) + (c - 1) * nw;
      for (int64_t i = 0; i < nw; i++) o[i] += q[i];
    }
  }
}

// ---- fused attention ----------------------------------------------------------------------

// Below this many score multiply-adds an attention call stays on the calling thread.
constexpr int64_t ATTENTION_PARALLEL_MIN = int64_t(1) << 16;

namespace {

// Runs body(b0, b1, workspace) over the flat batch in up to threads() chunks, each with its own
// workspace of ws bytes (one Scratch for all, so peakBytes counts it); body(0, 0, null) first
// checks the arguments on this thread, so the threads cannot fail.
template <class Body>
void attention_chunks(const tn_attention_params& p, size_t ws, const char* op, Body body) {
  int64_t batch = 1;
  for (int64_t d = 0; d < p.nb; d++) batch *= p.batch[d];
  check(body(0, 0, nullptr), op);
  const int64_t work = batch * p.l * p.s * (p.e + p.ev);
  const int64_t chunks = work < ATTENTION_PARALLEL_MIN ? 1 : std::min<int64_t>(threads(), batch);
  if (chunks < 1) return;
  Scratch scratch(size_t(chunks) * ws);
  char* w = scratch.as<char>();
  if (chunks == 1) {
    check(body(0, batch, w), op);
    return;
  }
  parallel_for(chunks, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; c++) body(c * batch / chunks, (c + 1) * batch / chunks, w + c * ws);
  });
}

const char* mask_byte(const View* mask) { return mask == nullptr ? nullptr : first_byte(*mask); }

}  // namespace

void attention_forward(const tn_attention_params& p, double scale, const View& q, const View& k, const View& v, const View* mask, const View& out, const View& lse) {
  const KernelSet* ks = g_set;
  const int dt = q.dtype;
  attention_chunks(p, ks->attention_workspace(dt, &p, 0), "scaledDotProductAttention", [&](int64_t b0, int64_t b1, char* w) {
    return ks->attention_forward(dt, &p, scale, b0, b1, first_byte(q), first_byte(k), first_byte(v), mask_byte(mask), first_byte(out), first_byte(lse), w);
  });
}

void attention_backward(const tn_attention_params& p, double scale, const View& g, const View& q, const View& k, const View& v, const View* mask, const View& y,
                        const View& lse, const View& dq, const View& dk, const View& dv) {
  const KernelSet* ks = g_set;
  const int dt = q.dtype;
  attention_chunks(p, ks->attention_workspace(dt, &p, 1), "scaledDotProductAttentionBackward", [&](int64_t b0, int64_t b1, char* w) {
    return ks->attention_backward(dt, &p, scale, b0, b1, first_byte(g), first_byte(q), first_byte(k), first_byte(v), mask_byte(mask), first_byte(y),
                                  first_byte(lse), first_byte(dq), first_byte(dk), first_byte(dv), w);
  });
}

}  // namespace tn
