// Builds the kernel families of kernels_impl.inc twice (baseline and AVX2+FMA)
// and picks one at load time: the shipped binary is portable, no -march=native.
#include "kernels.h"

#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "ops.h"
#include "pool.h"

#if defined(__x86_64__) || defined(_M_X64)
#define TN_X86 1
#include <immintrin.h>
#else
#define TN_X86 0
#endif

namespace tn {
namespace base {
#define TN_AVX2 0
#include "kernels_impl.inc"
#undef TN_AVX2
}  // namespace base
}  // namespace tn

#if TN_X86 && defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#define TN_HAVE_AVX2_BUILD 1
#elif TN_X86 && defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define TN_HAVE_AVX2_BUILD 1
#else
#define TN_HAVE_AVX2_BUILD 0
#endif

#if TN_HAVE_AVX2_BUILD
namespace tn {
namespace avx2 {
#define TN_AVX2 1
#include "kernels_impl.inc"
#undef TN_AVX2
}  // namespace avx2
}  // namespace tn
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#else
// No AVX2 build on this architecture: the "avx2" set is the baseline one.
namespace tn {
namespace avx2 {
void unary(int op, const View& x, const View& out) { base::unary(op, x, out); }
void binary(int op, Operand a, Operand b, const View& out) { base::binary(op, a, b, out); }
void where(const View& c, Operand a, Operand b, const View& out) { base::where(c, a, b, out); }
void cast(const View& x, const View& out) { base::cast(x, out); }
void fill(const View& d, double v) { base::fill(d, v); }
void reduce(int op, const View& x, const View& out) { base::reduce(op, x, out); }
void matmul(const View& a, const View& b, const View& out) { base::matmul(a, b, out); }
}  // namespace avx2
}  // namespace tn
#endif

namespace tn {

namespace {
const KernelSet kBase = {"base", &base::unary, &base::binary, &base::where, &base::cast, &base::fill, &base::reduce, &base::matmul};
const KernelSet kAvx2 = {"avx2", &avx2::unary, &avx2::binary, &avx2::where, &avx2::cast, &avx2::fill, &avx2::reduce, &avx2::matmul};

const KernelSet* initial() {
  const char* force = std::getenv("TENSILE_NATIVE_ISA");
  if (force != nullptr && std::strcmp(force, "base") == 0) return &kBase;
  return cpu_has_avx2_fma() ? &kAvx2 : &kBase;
}
const KernelSet* g_active = initial();
}  // namespace

bool cpu_has_avx2_fma() {
#if TN_HAVE_AVX2_BUILD
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const KernelSet& active() { return *g_active; }

bool select_isa(const char* name) {
  if (std::strcmp(name, "base") == 0) {
    g_active = &kBase;
    return true;
  }
  if (std::strcmp(name, "avx2") == 0 && cpu_has_avx2_fma()) {
    g_active = &kAvx2;
    return true;
  }
  return false;
}

}  // namespace tn
