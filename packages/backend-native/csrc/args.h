// Kernel arguments arrive in a shared Float64Array (the parameter block), so a
// call passes no JS arrays. Everything read from it is untrusted: every number
// is checked, every view is bounds-checked against its storage.
#pragma once
#include "common.h"
#include "storage.h"

namespace tn {

// A binary or where operand as read: a tensor view, or a scalar.
struct TensorOrScalar {
  bool is_tensor;
  View view;
  double scalar;
};

// The fields of each entry point are declared in src/calls.ts; csrc/generated/calls.h reads them with this class.
// Layout of one tensor operand: handle, offset, ndim, shape[ndim], strides[ndim].
// A scalar operand is the handle -1 followed by its value.
class Args {
 public:
  Args(const double* p, size_t len, Allocator& alloc) : p_(p), len_(len), alloc_(alloc) {}

  double number(const char* what);
  int64_t integer(const char* what, int64_t lo, int64_t hi);
  // Reads a tensor view. Fails on a scalar operand.
  View view(const char* op, const char* what);
  // Reads a view a kernel writes: also no more elements than its storage (else
  // elements would alias, as PyTorch refuses; and a forged shape cannot make a kernel loop for ages).
  View out(const char* op, const char* what);
  // Reads a tensor view or a scalar.
  TensorOrScalar operand(const char* op, const char* what);

 private:
  void read_view(const char* op, const char* what, double handle, View& v);
  const double* p_;
  size_t len_;
  size_t pos_ = 0;
  Allocator& alloc_;
};

[[noreturn]] void fail(int kind, const std::string& msg);
std::string shape_str(const View& v);
void require_dtype(const char* op, const char* what, const View& v, int dtype);
void require_same_shape(const char* op, const View& a, const View& b);

}  // namespace tn
