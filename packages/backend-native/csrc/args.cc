#include "args.h"

namespace tn {

[[noreturn]] void fail(int kind, const std::string& msg) { throw Error{kind, msg}; }

std::string shape_str(const View& v) {
  std::string s = "[";
  for (int d = 0; d < v.nd; d++) s += (d ? ", " : "") + std::to_string(v.shape[d]);
  return s + "]";
}

double Args::number(const char* what) {
  if (pos_ >= len_) fail(E_VALUE, std::string("malformed kernel arguments: parameter block ends before ") + what);
  return p_[pos_++];
}

int64_t Args::integer(const char* what, int64_t lo, int64_t hi) {
  double v = number(what);
  if (!(v >= double(lo) && v <= double(hi)) || v != std::floor(v))
    fail(E_VALUE, std::string("malformed kernel arguments: ") + what + " = " + std::to_string(v) + " is not an integer in [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return static_cast<int64_t>(v);
}

void Args::read_view(const char* op, const char* what, double handle, View& v) {
  const Slot& s = [&]() -> const Slot& {
    try {
      return alloc_.get(handle);
    } catch (Error& e) {
      fail(e.kind, std::string(op) + ": " + what + ": " + e.msg);
    }
  }();
  constexpr int64_t LIM = int64_t(1) << 40;
  v.data = s.ptr;
  v.dtype = s.dtype;
  v.storage_size = s.size;
  v.offset = integer("offset", 0, LIM);
  v.nd = static_cast<int>(integer("ndim", 0, MAX_DIMS));
  __int128 numel = 1;
  for (int d = 0; d < v.nd; d++) {
    v.shape[d] = integer("shape", 0, LIM);
    numel *= v.shape[d];
    if (numel > LIM) numel = LIM + 1;  // saturate: the bound check below rejects it unless a dim is 0
  }
  for (int d = 0; d < v.nd; d++) v.strides[d] = integer("stride", -LIM, LIM);
  if (numel == 0) {
    v.numel = 0;
    return;
  }
  __int128 lo = v.offset, hi = v.offset;
  for (int d = 0; d < v.nd; d++) {
    __int128 span = __int128(v.shape[d] - 1) * v.strides[d];
    if (span < 0) lo += span;
    else hi += span;
  }
  if (numel > LIM || lo < 0 || hi >= s.size)
    fail(E_VALUE, std::string(op) + ": " + what + " view of shape " + shape_str(v) + " at offset " + std::to_string(v.offset) +
                      " reaches outside its storage of " + std::to_string(s.size) + " elements");
  v.numel = static_cast<int64_t>(numel);
}

View Args::view(const char* op, const char* what) {
  View v;
  double h = number(what);
  if (h == -1) fail(E_VALUE, std::string(op) + ": expected " + what + " to be a tensor, got a scalar");
  read_view(op, what, h, v);
  return v;
}

View Args::out(const char* op, const char* what) {
  View v = view(op, what);
  if (v.numel > v.storage_size)
    fail(E_VALUE, std::string(op) + ": " + what + " view of shape " + shape_str(v) + " has more elements than its storage (" +
                      std::to_string(v.storage_size) + "): some would be written twice");
  return v;
}

TensorOrScalar Args::operand(const char* op, const char* what) {
  TensorOrScalar r{};
  double h = number(what);
  if (h == -1) {
    r.scalar = number(what);
    return r;
  }
  r.is_tensor = true;
  read_view(op, what, h, r.view);
  return r;
}

void require_dtype(const char* op, const char* what, const View& v, int dtype) {
  if (v.dtype != dtype)
    fail(E_DTYPE, std::string(op) + ": expected " + what + " to be " + dtype_name(dtype) + ", got " + dtype_name(v.dtype));
}

void require_same_shape(const char* op, const View& a, const View& b) {
  bool same = a.nd == b.nd;
  for (int d = 0; same && d < a.nd; d++) same = a.shape[d] == b.shape[d];
  if (!same) fail(E_SHAPE, std::string(op) + ": shape " + shape_str(a) + " does not match " + shape_str(b));
}

}  // namespace tn
