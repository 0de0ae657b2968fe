/*
 * Internal helpers of the shared kernels: the vector type (16 bytes in wasm,
 * TN_VECTOR_BYTES on native builds), portable vector operations written with
 * GCC/clang vector extensions only (no target intrinsics, so one source serves
 * both builds), and the double-precision math the host provides.
 */
#ifndef TN_INTERNAL_H
#define TN_INTERNAL_H

#include "../include/tensile_kernels.h"

#ifndef TN_VECTOR_BYTES
#define TN_VECTOR_BYTES 16
#endif
#define VL (TN_VECTOR_BYTES / 4) /* float32 lanes per vector */

typedef float vf __attribute__((vector_size(TN_VECTOR_BYTES)));
typedef int32_t vi __attribute__((vector_size(TN_VECTOR_BYTES)));
/* Unaligned access types: tensors are element-aligned, not vector-aligned. */
typedef float vf_u __attribute__((vector_size(TN_VECTOR_BYTES), aligned(4)));
typedef int32_t vi_u __attribute__((vector_size(TN_VECTOR_BYTES), aligned(4)));

#define TN_INLINE static inline __attribute__((always_inline))

TN_INLINE vf vload(const float *p) { return *(const vf_u *)p; }
TN_INLINE void vstore(float *p, vf v) { *(vf_u *)p = v; }
/* x - 0 is x for every x (so it folds to a plain broadcast); x + 0 would turn -0 into +0 and stay an addition. */
TN_INLINE vf vsplat(float x) { return x - (vf){0}; }
TN_INLINE vf vbits_f(vi v) { return (vf)v; }
TN_INLINE vi vbits_i(vf v) { return (vi)v; }
/* Lanes where mask is all ones take a, else b (comparisons give such masks). */
TN_INLINE vf vselect(vi mask, vf a, vf b) { return (vf)((mask & (vi)a) | (~mask & (vi)b)); }
TN_INLINE vf vabs(vf x) { return (vf)((vi)x & 0x7fffffff); }
TN_INLINE vf vcopysign(vf mag, vf sgn) { return (vf)(((vi)mag & 0x7fffffff) | ((vi)sgn & (int32_t)0x80000000)); }
TN_INLINE vi visnan(vf x) { return x != x; }
/* NaN-propagating max/min, as PyTorch's maximum/minimum and amax/amin. */
/*
 * min/max that return a when either is NaN (cheaper than IEEE min/max: one
 * instruction on wasm, pmin/pmax). For clamping where NaN is handled apart.
 */
#ifdef __wasm_simd128__
TN_INLINE vf vclamp_hi(vf x, float hi) { return (vf)__builtin_wasm_pmin_f32x4((__attribute__((vector_size(16))) float)x, (__attribute__((vector_size(16))) float)vsplat(hi)); }
TN_INLINE vf vclamp_lo(vf x, float lo) { return (vf)__builtin_wasm_pmax_f32x4((__attribute__((vector_size(16))) float)x, (__attribute__((vector_size(16))) float)vsplat(lo)); }
#else
TN_INLINE vf vclamp_hi(vf x, float hi) { return vselect(hi < x, vsplat(hi), x); }
TN_INLINE vf vclamp_lo(vf x, float lo) { return vselect(x < lo, vsplat(lo), x); }
#endif
/* Equal operands give the one of their bit patterns with the sign clear (max) or set (min): max(+0, -0) is +0 and min is -0, in either order, as backend-cpu's Math.max/min. */
TN_INLINE vf vmax(vf a, vf b) { return vselect(visnan(a), a, vselect(visnan(b), b, vselect(a == b, (vf)((vi)a & (vi)b), vselect(a > b, a, b)))); }
TN_INLINE vf vmin(vf a, vf b) { return vselect(visnan(a), a, vselect(visnan(b), b, vselect(a == b, (vf)((vi)a | (vi)b), vselect(a < b, a, b)))); }
/* Round half to even: adding and removing 2^23 rounds in the current (nearest-even) mode. */
TN_INLINE vf vround(vf x) {
  vf t = vabs(x);
  vf r = (t + 8388608.0f) - 8388608.0f;
  return vcopysign(vselect(t >= 8388608.0f, t, r), x);
}
TN_INLINE vf vfloor(vf x) { vf r = vround(x); return vselect(r > x, r - 1.0f, r); }
TN_INLINE vf vceil(vf x) { vf r = vround(x); return vselect(r < x, r + 1.0f, r); }
TN_INLINE float vhsum(vf v) { float s = 0; for (int i = 0; i < VL; i++) s += v[i]; return s; }
/* float64 vectors (VL / 2 lanes). */
typedef double vd __attribute__((vector_size(TN_VECTOR_BYTES)));
typedef double vd_u __attribute__((vector_size(TN_VECTOR_BYTES), aligned(8)));
typedef float vfh __attribute__((vector_size(TN_VECTOR_BYTES / 2)));
/*
 * A float64 running total in VL lanes, as two native vectors (a single
 * double-width vector type would live on the stack without AVX-512): float32
 * partial sums widen into it, so totals carry float64 without a serial chain.
 */
typedef struct { vd lo, hi; } vdsum;
TN_INLINE void vdsum_add(vdsum *s, vf v) {
  union { vf v; vfh h[2]; } u = {v};
  s->lo += __builtin_convertvector(u.h[0], vd);
  s->hi += __builtin_convertvector(u.h[1], vd);
}
TN_INLINE double vdsum_total(const vdsum *s) {
  vd t = s->lo + s->hi;
  double r = 0;
  for (int i = 0; i < VL / 2; i++) r += t[i];
  return r;
}
/* Whether any lane of a comparison mask is set (OR of its 64-bit halves: no target intrinsics). */
TN_INLINE int vany(vi m) {
  typedef int64_t vl __attribute__((vector_size(TN_VECTOR_BYTES)));
  vl t = (vl)m;
  int64_t a = 0;
  for (int i = 0; i < TN_VECTOR_BYTES / 8; i++) a |= t[i];
  return a != 0;
}

TN_INLINE float tn_sqrtf(float x) { return __builtin_sqrtf(x); }
TN_INLINE double tn_sqrt(double x) { return __builtin_sqrt(x); }
/*
 * Vector square root: wasm's f32x4.sqrt, x86's sqrtps. A per-lane sqrtf stays
 * scalar (the compiler keeps its errno path for negative inputs: about 10x
 * slower), so it is only the fallback for other targets.
 */
#ifdef __wasm_simd128__
TN_INLINE vf vsqrt(vf x) { return (vf)__builtin_wasm_sqrt_f32x4((__attribute__((vector_size(16))) float)x); }
#elif defined(__AVX__) && TN_VECTOR_BYTES == 32
#include <immintrin.h>
TN_INLINE vf vsqrt(vf x) { return (vf)_mm256_sqrt_ps((__m256)x); }
#elif defined(__SSE__) && TN_VECTOR_BYTES == 16
#include <immintrin.h>
TN_INLINE vf vsqrt(vf x) { return (vf)_mm_sqrt_ps((__m128)x); }
#else
TN_INLINE vf vsqrt(vf x) {
  vf r;
  for (int i = 0; i < VL; i++) r[i] = __builtin_sqrtf(x[i]);
  return r;
}
#endif

/*
 * Double-precision math from the host: imported from JavaScript's Math in
 * wasm (so float64 results equal backend-cpu's; the module's imports name
 * Math's functions, and the loader passes exactly those), libm on native builds.
 */
#ifdef __wasm__
#define TN_HOST(name) __attribute__((import_module("env"), import_name(#name)))
TN_HOST(exp) double tn_exp(double);
TN_HOST(log) double tn_log(double);
TN_HOST(log1p) double tn_log1p(double);
TN_HOST(expm1) double tn_expm1(double);
TN_HOST(tanh) double tn_tanh(double);
TN_HOST(sin) double tn_sin(double);
TN_HOST(cos) double tn_cos(double);
TN_HOST(pow) double tn_pow(double, double);
TN_HOST(sinh) double tn_sinh(double);
TN_HOST(cosh) double tn_cosh(double);
TN_HOST(asin) double tn_asin(double);
TN_HOST(acos) double tn_acos(double);
TN_HOST(atan) double tn_atan(double);
TN_HOST(atan2) double tn_atan2(double, double);
#else
#include <math.h>
TN_INLINE double tn_exp(double x) { return exp(x); }
TN_INLINE double tn_log(double x) { return log(x); }
TN_INLINE double tn_log1p(double x) { return log1p(x); }
TN_INLINE double tn_expm1(double x) { return expm1(x); }
TN_INLINE double tn_tanh(double x) { return tanh(x); }
TN_INLINE double tn_sin(double x) { return sin(x); }
TN_INLINE double tn_cos(double x) { return cos(x); }
TN_INLINE double tn_pow(double x, double y) { return pow(x, y); }
TN_INLINE double tn_sinh(double x) { return sinh(x); }
TN_INLINE double tn_cosh(double x) { return cosh(x); }
TN_INLINE double tn_asin(double x) { return asin(x); }
TN_INLINE double tn_acos(double x) { return acos(x); }
TN_INLINE double tn_atan(double x) { return atan(x); }
TN_INLINE double tn_atan2(double y, double x) { return atan2(y, x); }
#endif

/* float32 vector math: about 1-2 ulp over the whole range, IEEE special values kept; exp here, the rest in mathf.c. */
/* 2^n for integer lanes n in [-126, 127]. */
TN_INLINE vf pow2i(vi n) { return vbits_f((n + 127) << 23); }

/* Inline: an out-of-line call reloads every constant per vector (about a third of the work). */
TN_INLINE vf tn_vexpf(vf x) {
  /* Outside [-104, 89] the result is 0 or inf anyway; the clamp keeps n in range (NaN passes through). */
  vf xc = vclamp_lo(vclamp_hi(x, 89.0f), -104.0f);
  /* Adding 1.5 * 2^23 rounds to an integer n held in the low mantissa bits: round and convert in one add. */
  vf t = xc * 1.44269504088896341f + 12582912.0f;
  vf fx = t - 12582912.0f;
  vi n = vbits_i(t) - 0x4B400000;
  vf r = xc - fx * 0.693359375f - fx * -2.12194440e-4f;
  vf z = r * r;
  vf y = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f;
  y = y * z + r + 1.0f;
  /* Two factors so that denormal results and overflow to inf come out right. */
  vi n1 = n >> 1;
  /* NaN needs no select: the clamps pass it through (comparisons are false) and every step after keeps it. */
  return y * pow2i(n1) * pow2i(n - n1);
}

/* Inline for the same reason as tn_vexpf: sigmoid and softplus are hot in the losses' loops. */
TN_INLINE vf tn_vsigmoidf(vf x) { return 1.0f / (1.0f + tn_vexpf(-x)); }

/* log(m * 2^e) for m in [0.5, 1) (Cephes logf's reduction and polynomial). */
TN_INLINE vf tn_log_reduced(vf m, vf fe) {
  vi lo = m < 0.707106781186547524f;
  fe = vselect(lo, fe - 1.0f, fe);
  m = vselect(lo, m + m, m) - 1.0f;
  vf z = m * m;
  vf y = ((((((((7.0376836292e-2f * m - 1.1514610310e-1f) * m + 1.1676998740e-1f) * m - 1.2420140846e-1f) * m + 1.4249322787e-1f) * m -
             1.6668057665e-1f) * m + 2.0000714765e-1f) * m - 2.4999993993e-1f) * m + 3.3333331174e-1f) * m * z;
  y = y + fe * -2.12194440e-4f - 0.5f * z;
  return m + y + fe * 0.693359375f;
}

/*
 * log(1 + e^x), linear above 20 as PyTorch's threshold, computed as
 * max(x, 0) + log1p(e^-|x|). For e in [0, 1], log1p(e) = log(1 + e) minus the
 * rounding error of 1 + e, to about 1 ulp without log1p's division.
 */
TN_INLINE vf tn_vsoftplusf(vf x) {
  vf e = tn_vexpf(-vabs(x));
  vf w = 1.0f + e;
  /* w is in [1, 2]: log needs no special values, w = (w / 2) * 2^1. */
  vf l = tn_log_reduced(w * 0.5f, vsplat(1.0f)) - ((w - 1.0f) - e);
  return vselect(x > 20.0f, x, vselect(x > 0.0f, x, vsplat(0.0f)) + l);
}

vf tn_vlogf(vf x);
vf tn_vlog1pf(vf x);
vf tn_vexpm1f(vf x);
vf tn_vtanhf(vf x);
double tn_erf(double x);
double tn_erfinv(double y);
double tn_lgamma(double x);
double tn_digamma(double x);
double tn_trigamma(double x);

/* Merges dims laid out as one in every operand and drops size-1 dims; returns the new nd (>= 1). */
int tn_collapse(int nd, const tn_idx *shape, int nops, const tn_idx *const *strides_in, tn_idx *shape_out, tn_idx strides_out[][TN_MAX_DIMS]);

#endif
