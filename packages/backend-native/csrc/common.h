// Shared types of the native backend: dtypes, errors that cross into JS, and
// the validated view that every kernel receives.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "generated/codes.h"

namespace tn {

const char* dtype_name(int dt);
size_t dtype_size(int dt);

struct Error {
  int kind;
  std::string msg;
};

// The TS side checks it first.
constexpr int MAX_DIMS = 16;  // TN_MAX_DIMS of @tensile/kernels-c

// A strided window onto one storage, already bounds-checked against it:
// every element base[offset + sum(i_d * strides[d])] lies inside the storage.
struct View {
  char* data;  // element 0 of the storage
  int dtype;
  int64_t offset;
  int nd;
  int64_t numel;
  int64_t storage_size;  // elements in the whole storage
  int64_t shape[MAX_DIMS];
  int64_t strides[MAX_DIMS];
  template <class T>
  T* ptr() const { return reinterpret_cast<T*>(data) + offset; }
};

// JS numbers to int32 the way a store into an Int32Array does (truncate, wrap mod 2^32, NaN/inf to 0),
// so casts agree with the cpu backend bit for bit.
inline int32_t js_to_int32(double v) {
  if (!std::isfinite(v)) return 0;
  double t = std::trunc(v);
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

}  // namespace tn

namespace tn {

// Aligned scratch memory for one kernel call (plain class, so both ISA builds share one definition).
class Scratch {
 public:
  explicit Scratch(size_t bytes);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <class T>
  T* as() const { return static_cast<T*>(p_); }

 private:
  size_t bytes_;
  void* p_;
};

// A per-thread buffer that grows and is kept between calls (GEMM packing), one per slot.
void* thread_buffer(int slot, size_t bytes);

// Bytes of kernel memory held now, outside the allocator: live Scratch blocks and every thread's buffers.
int64_t scratch_bytes();
// The most scratch_bytes() reached since the last call (the next period starts from what is held now).
int64_t take_scratch_peak();

}  // namespace tn
