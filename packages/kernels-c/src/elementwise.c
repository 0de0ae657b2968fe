/*
 * Elementwise kernels: unary, binary, where, cast and fill over strided N-d
 * views. float32 arithmetic runs on vectors (contiguous and scalar-broadcast
 * lines directly; other lines gather a vector at a time); other dtypes use
 * scalar loops the compiler vectorizes where it can. Transcendentals that are
 * not hot (sin, cos, the inverse and hyperbolic trigonometry, erf, pow, remainder) compute in double as backend-cpu.
 */
#include "strided.h"

typedef uint8_t u8;

/* ---- float32 vector lines ---- */

/* A float32 line through a vector expression of `v`: contiguous lines straight, others a vector at a time. */
#define UNARY_F32_V(name, EXPR)                                                  \
  static void name(void *const *p, const tn_idx *s, tn_idx n, const void *ctx) { \
    (void)ctx;                                                                   \
    const float *x = p[0];                                                       \
    float *o = p[1];                                                             \
    tn_idx xs = s[0], os = s[1], i = 0;                                          \
    if (xs == 1 && os == 1)                                                      \
      for (; i + VL <= n; i += VL) {                                             \
        vf v = vload(x + i);                                                     \
        vstore(o + i, EXPR);                                                     \
      }                                                                          \
    for (; i < n; i += VL) {                                                     \
      tn_idx m = n - i < VL ? n - i : VL;                                        \
      vf v = vsplat(0.0f);                                                       \
      for (tn_idx k = 0; k < m; k++) v[k] = x[(i + k) * xs];                     \
      vf r = EXPR;                                                               \
      for (tn_idx k = 0; k < m; k++) o[(i + k) * os] = r[k];                     \
    }                                                                            \
  }

/* A scalar line of any input and output type; the contiguous loop is left to the vectorizer. */
#define UNARY_S(name, TI, TO, EXPR)                                              \
  static void name(void *const *p, const tn_idx *s, tn_idx n, const void *ctx) { \
    (void)ctx;                                                                   \
    const TI *x = p[0];                                                          \
    TO *o = p[1];                                                                \
    tn_idx xs = s[0], os = s[1];                                                 \
    if (xs == 1 && os == 1)                                                      \
      for (tn_idx i = 0; i < n; i++) {                                           \
        TI a = x[i];                                                             \
        o[i] = (TO)(EXPR);                                                       \
      }                                                                          \
    else                                                                         \
      for (tn_idx i = 0; i < n; i++) {                                           \
        TI a = x[i * xs];                                                        \
        o[i * os] = (TO)(EXPR);                                                  \
      }                                                                          \
  }

UNARY_F32_V(neg_f32, -v)
UNARY_F32_V(abs_f32, vabs(v))
/* sign is 0 for NaN, as PyTorch's (0 < a) - (a < 0). */
UNARY_F32_V(sign_f32, vselect(v > 0.0f, vsplat(1.0f), vselect(v < 0.0f, vsplat(-1.0f), vsplat(0.0f))))
/*
 * relu(-0) is -0, as PyTorch's: clears the bits of lanes below 0, found by integer tests on the
 * bits (negative and not -0: above INT32_MIN; not NaN: at most -inf's pattern). Any float
 * comparison here (v < 0 through a mask, or a select) clang for wasm turns into f32x4.max,
 * whose max(-0, +0) is +0.
 */
TN_INLINE vi vbelow_zero(vf v) { vi b = (vi)v; return (b > INT32_MIN) & (b <= (int32_t)0xff800000u); }
UNARY_F32_V(relu_f32, (vf)((vi)v & ~vbelow_zero(v)))
UNARY_F32_V(floor_f32, vfloor(v))
UNARY_F32_V(ceil_f32, vceil(v))
UNARY_F32_V(round_f32, vround(v))
UNARY_F32_V(exp_f32, tn_vexpf(v))
UNARY_F32_V(log_f32, tn_vlogf(v))
UNARY_F32_V(log1p_f32, tn_vlog1pf(v))
UNARY_F32_V(expm1_f32, tn_vexpm1f(v))
UNARY_F32_V(sqrt_f32, vsqrt(v))
UNARY_F32_V(rsqrt_f32, 1.0f / vsqrt(v))
UNARY_F32_V(reciprocal_f32, 1.0f / v)
UNARY_F32_V(tanh_f32, tn_vtanhf(v))
UNARY_F32_V(sigmoid_f32, tn_vsigmoidf(v))
UNARY_F32_V(softplus_f32, tn_vsoftplusf(v))
UNARY_S(sin_f32, float, float, tn_sin(a))
UNARY_S(cos_f32, float, float, tn_cos(a))
UNARY_S(erf_f32, float, float, tn_erf(a))
UNARY_S(erfinv_f32, float, float, tn_erfinv(a))
UNARY_S(lgamma_f32, float, float, tn_lgamma(a))
UNARY_S(digamma_f32, float, float, tn_digamma(a))
UNARY_S(trigamma_f32, float, float, tn_trigamma(a))
UNARY_S(sinh_f32, float, float, tn_sinh(a))
UNARY_S(cosh_f32, float, float, tn_cosh(a))
UNARY_S(asin_f32, float, float, tn_asin(a))
UNARY_S(acos_f32, float, float, tn_acos(a))
UNARY_S(atan_f32, float, float, tn_atan(a))
UNARY_S(isnan_f32, float, u8, a != a)
UNARY_S(isinf_f32, float, u8, a == __builtin_inff() || a == -__builtin_inff())
UNARY_S(not_f32, float, u8, a == 0)

UNARY_S(neg_f64, double, double, -a)
UNARY_S(abs_f64, double, double, __builtin_fabs(a))
UNARY_S(sign_f64, double, double, a > 0 ? 1.0 : a < 0 ? -1.0 : 0.0)
/* The same integer test on float64 bits (a < 0 ? 0 : a becomes f64.max on wasm). */
TN_INLINE double relu_d(double a) {
  int64_t b;
  __builtin_memcpy(&b, &a, sizeof b);
  return b > INT64_MIN && b <= (int64_t)0xfff0000000000000ull ? 0.0 : a;
}
UNARY_S(relu_f64, double, double, relu_d(a))
UNARY_S(floor_f64, double, double, __builtin_floor(a))
UNARY_S(ceil_f64, double, double, __builtin_ceil(a))
UNARY_S(round_f64, double, double, __builtin_rint(a))
UNARY_S(exp_f64, double, double, tn_exp(a))
UNARY_S(log_f64, double, double, tn_log(a))
UNARY_S(log1p_f64, double, double, tn_log1p(a))
UNARY_S(expm1_f64, double, double, tn_expm1(a))
UNARY_S(sqrt_f64, double, double, tn_sqrt(a))
UNARY_S(rsqrt_f64, double, double, 1.0 / tn_sqrt(a))
UNARY_S(reciprocal_f64, double, double, 1.0 / a)
UNARY_S(tanh_f64, double, double, tn_tanh(a))
UNARY_S(sigmoid_f64, double, double, 1.0 / (1.0 + tn_exp(-a)))
UNARY_S(softplus_f64, double, double, a > 20 ? a : tn_log1p(tn_exp(a)))
UNARY_S(sin_f64, double, double, tn_sin(a))
UNARY_S(cos_f64, double, double, tn_cos(a))
UNARY_S(erf_f64, double, double, tn_erf(a))
UNARY_S(erfinv_f64, double, double, tn_erfinv(a))
UNARY_S(lgamma_f64, double, double, tn_lgamma(a))
UNARY_S(digamma_f64, double, double, tn_digamma(a))
UNARY_S(trigamma_f64, double, double, tn_trigamma(a))
UNARY_S(sinh_f64, double, double, tn_sinh(a))
UNARY_S(cosh_f64, double, double, tn_cosh(a))
UNARY_S(asin_f64, double, double, tn_asin(a))
UNARY_S(acos_f64, double, double, tn_acos(a))
UNARY_S(atan_f64, double, double, tn_atan(a))
UNARY_S(isnan_f64, double, u8, a != a)
UNARY_S(isinf_f64, double, u8, a == __builtin_inf() || a == -__builtin_inf())
UNARY_S(not_f64, double, u8, a == 0)

/* int32 wraps modulo 2^32 as backend-cpu's Int32Array stores do (-INT32_MIN is INT32_MIN). */
UNARY_S(neg_i32, int32_t, int32_t, (int32_t)(0u - (uint32_t)a))
UNARY_S(abs_i32, int32_t, int32_t, a < 0 ? (int32_t)(0u - (uint32_t)a) : a)
UNARY_S(sign_i32, int32_t, int32_t, a > 0 ? 1 : a < 0 ? -1 : 0)
UNARY_S(relu_i32, int32_t, int32_t, a < 0 ? 0 : a)
UNARY_S(copy_i32, int32_t, int32_t, a)
UNARY_S(false_i32, int32_t, u8, 0 * a)
UNARY_S(not_i32, int32_t, u8, a == 0)

UNARY_S(copy_bool, u8, u8, a)
UNARY_S(false_bool, u8, u8, 0 * a)
UNARY_S(not_bool, u8, u8, a == 0)

/* [op][dtype]: NULL where the op is not defined for that dtype. */
static const tn_row_fn UNARY_ROWS[TN_UNARY_COUNT][4] = {
  [TN_NEG] = {neg_f32, neg_f64, neg_i32, 0},
  [TN_ABS] = {abs_f32, abs_f64, abs_i32, copy_bool},
  [TN_SIGN] = {sign_f32, sign_f64, sign_i32, 0},
  [TN_RELU] = {relu_f32, relu_f64, relu_i32, copy_bool},
  [TN_FLOOR] = {floor_f32, floor_f64, copy_i32, 0},
  [TN_CEIL] = {ceil_f32, ceil_f64, copy_i32, 0},
  [TN_ROUND] = {round_f32, round_f64, copy_i32, 0},
  [TN_EXP] = {exp_f32, exp_f64, 0, 0},
  [TN_LOG] = {log_f32, log_f64, 0, 0},
  [TN_LOG1P] = {log1p_f32, log1p_f64, 0, 0},
  [TN_EXPM1] = {expm1_f32, expm1_f64, 0, 0},
  [TN_SQRT] = {sqrt_f32, sqrt_f64, 0, 0},
  [TN_RSQRT] = {rsqrt_f32, rsqrt_f64, 0, 0},
  [TN_RECIPROCAL] = {reciprocal_f32, reciprocal_f64, 0, 0},
  [TN_TANH] = {tanh_f32, tanh_f64, 0, 0},
  [TN_SIGMOID] = {sigmoid_f32, sigmoid_f64, 0, 0},
  [TN_SOFTPLUS] = {softplus_f32, softplus_f64, 0, 0},
  [TN_SIN] = {sin_f32, sin_f64, 0, 0},
  [TN_COS] = {cos_f32, cos_f64, 0, 0},
  [TN_ERF] = {erf_f32, erf_f64, 0, 0},
  [TN_ERFINV] = {erfinv_f32, erfinv_f64, 0, 0},
  [TN_LGAMMA] = {lgamma_f32, lgamma_f64, 0, 0},
  [TN_DIGAMMA] = {digamma_f32, digamma_f64, 0, 0},
  [TN_TRIGAMMA] = {trigamma_f32, trigamma_f64, 0, 0},
  [TN_SINH] = {sinh_f32, sinh_f64, 0, 0},
  [TN_COSH] = {cosh_f32, cosh_f64, 0, 0},
  [TN_ASIN] = {asin_f32, asin_f64, 0, 0},
  [TN_ACOS] = {acos_f32, acos_f64, 0, 0},
  [TN_ATAN] = {atan_f32, atan_f64, 0, 0},
  [TN_ISNAN] = {isnan_f32, isnan_f64, false_i32, false_bool},
  [TN_ISINF] = {isinf_f32, isinf_f64, false_i32, false_bool},
  [TN_LOGICAL_NOT] = {not_f32, not_f64, not_i32, not_bool},
};

static int valid_dtype(int dtype) { return dtype >= TN_F32 && dtype <= TN_BOOL; }

int tn_unary(int op, int dtype_in, int dtype_out, int nd, const tn_idx *shape, const void *x, const tn_idx *x_strides, void *out, const tn_idx *out_strides) {
  if (op < 0 || op >= TN_UNARY_COUNT) return TN_E_OP;
  if (!valid_dtype(dtype_in)) return TN_E_DTYPE;
  int bool_out = op == TN_ISNAN || op == TN_ISINF || op == TN_LOGICAL_NOT;
  if (dtype_out != (bool_out ? TN_BOOL : dtype_in)) return TN_E_DTYPE;
  tn_row_fn row = UNARY_ROWS[op][dtype_in];
  if (!row) return TN_E_DTYPE;
  void *base[2] = {(void *)x, out};
  const tn_idx *strides[2] = {x_strides, out_strides};
  int bytes[2] = {tn_elem_bytes(dtype_in), tn_elem_bytes(dtype_out)};
  return tn_walk(nd, shape, 2, base, strides, bytes, row, 0);
}

/* ---- binary ---- */

#define BINARY_F32_V(name, EXPR)                                                            \
  static void name(void *const *p, const tn_idx *s, tn_idx n, const void *ctx) {            \
    (void)ctx;                                                                              \
    const float *A = p[0], *B = p[1];                                                       \
    float *O = p[2];                                                                        \
    tn_idx as = s[0], bs = s[1], os = s[2], i = 0;                                          \
    if (os == 1 && as == 1 && bs == 1)                                                      \
      for (; i + VL <= n; i += VL) {                                                        \
        vf a = vload(A + i), b = vload(B + i);                                              \
        vstore(O + i, EXPR);                                                                \
      }                                                                                     \
    else if (os == 1 && as == 1 && bs == 0) {                                               \
      vf b = vsplat(B[0]);                                                                  \
      for (; i + VL <= n; i += VL) {                                                        \
        vf a = vload(A + i);                                                                \
        vstore(O + i, EXPR);                                                                \
      }                                                                                     \
    } else if (os == 1 && as == 0 && bs == 1) {                                             \
      vf a = vsplat(A[0]);                                                                  \
      for (; i + VL <= n; i += VL) {                                                        \
        vf b = vload(B + i);                                                                \
        vstore(O + i, EXPR);                                                                \
      }                                                                                     \
    }                                                                                       \
    for (; i < n; i += VL) {                                                                \
      tn_idx m = n - i < VL ? n - i : VL;                                                   \
      vf a = vsplat(0.0f), b = vsplat(1.0f);                                                \
      for (tn_idx k = 0; k < m; k++) {                                                      \
        a[k] = A[(i + k) * as];                                                             \
        b[k] = B[(i + k) * bs];                                                             \
      }                                                                                     \
      vf r = EXPR;                                                                          \
      for (tn_idx k = 0; k < m; k++) O[(i + k) * os] = r[k];                                \
    }                                                                                       \
  }

/* Scalar lines with the common layouts spelled out (both contiguous, or one side a broadcast scalar) so the compiler vectorizes them. */
#define BINARY_S(name, TI, TO, EXPR)                                                        \
  static void name(void *const *p, const tn_idx *s, tn_idx n, const void *ctx) {            \
    (void)ctx;                                                                              \
    const TI *A = p[0], *B = p[1];                                                          \
    TO *O = p[2];                                                                           \
    tn_idx as = s[0], bs = s[1], os = s[2];                                                 \
    if (os == 1 && as == 1 && bs == 1)                                                      \
      for (tn_idx i = 0; i < n; i++) {                                                      \
        TI a = A[i], b = B[i];                                                              \
        O[i] = (TO)(EXPR);                                                                  \
      }                                                                                     \
    else if (os == 1 && as == 1 && bs == 0) {                                               \
      const TI b = B[0];                                                                    \
      for (tn_idx i = 0; i < n; i++) {                                                      \
        TI a = A[i];                                                                        \
        O[i] = (TO)(EXPR);                                                                  \
      }                                                                                     \
    } else if (os == 1 && as == 0 && bs == 1) {                                             \
      const TI a = A[0];                                                                    \
      for (tn_idx i = 0; i < n; i++) {                                                      \
        TI b = B[i];                                                                        \
        O[i] = (TO)(EXPR);                                                                  \
      }                                                                                     \
    } else                                                                                  \
      for (tn_idx i = 0; i < n; i++) {                                                      \
        TI a = A[i * as], b = B[i * bs];                                                    \
        O[i * os] = (TO)(EXPR);                                                             \
      }                                                                                     \
  }

/*
 * PyTorch's remainder in double, as backend-cpu: fmod(a, b) moved by b where
 * its sign differs from b's. NaN for b == 0 or infinite a; an infinite b
 * leaves a when a has b's sign (or is 0), else gives b itself.
 */
/* Exact fmod by shift-and-subtract on the significands (after musl's fmod, MIT): no libm in the wasm build. */
static double fmod_d(double x, double y) {
  union {
    double f;
    uint64_t i;
  } ux = {x}, uy = {y};
  int ex = (int)(ux.i >> 52 & 0x7ff), ey = (int)(uy.i >> 52 & 0x7ff);
  uint64_t sx = ux.i >> 63, i, uxi = ux.i;
  if (uy.i << 1 == 0 || y != y || ex == 0x7ff) return (x * y) / (x * y);
  if (uxi << 1 <= uy.i << 1) return uxi << 1 == uy.i << 1 ? 0 * x : x;
  if (!ex) {
    for (i = uxi << 12; i >> 63 == 0; ex--, i <<= 1) {}
    uxi <<= -ex + 1;
  } else {
    uxi &= -1ULL >> 12;
    uxi |= 1ULL << 52;
  }
  if (!ey) {
    for (i = uy.i << 12; i >> 63 == 0; ey--, i <<= 1) {}
    uy.i <<= -ey + 1;
  } else {
    uy.i &= -1ULL >> 12;
    uy.i |= 1ULL << 52;
  }
  for (; ex > ey; ex--) {
    i = uxi - uy.i;
    if (i >> 63 == 0) {
      if (i == 0) return 0 * x;
      uxi = i;
    }
    uxi <<= 1;
  }
  i = uxi - uy.i;
  if (i >> 63 == 0) {
    if (i == 0) return 0 * x;
    uxi = i;
  }
  for (; uxi >> 52 == 0; uxi <<= 1, ex--) {}
  if (ex > 0) {
    uxi -= 1ULL << 52;
    uxi |= (uint64_t)ex << 52;
  } else
    uxi >>= -ex + 1;
  ux.i = uxi | sx << 63;
  return ux.f;
}
TN_INLINE double remainder_d(double a, double b) {
  double m = fmod_d(a, b);
  return (m != 0 && ((b < 0) != (m < 0))) ? m + b : m;
}
/* C99 pow: the host's may be JavaScript's Math.pow (wasm), which gives NaN for pow(1, NaN), pow(1, +-inf) and pow(-1, +-inf). */
TN_INLINE double pow_c99(double a, double b) {
  if (a == 1 || b == 0) return 1;
  if (a == -1 && __builtin_isinf(b)) return 1;
  return tn_pow(a, b);
}
TN_INLINE int32_t remainder_i(int32_t a, int32_t b) {
  if (b == 0 || b == -1) return 0; /* b == -1 also avoids INT32_MIN % -1 */
  int32_t r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
TN_INLINE int32_t pow_i(int32_t a, int32_t b) {
  if (b < 0) return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
  uint32_t r = 1, base = (uint32_t)a;
  while (b) {
    if (b & 1) r *= base;
    base *= base;
    b >>= 1;
  }
  return (int32_t)r;
}
/* Equal zeros: max is +0 and min is -0 in either order (vmax/vmin's rule). */
TN_INLINE double max_d(double a, double b) { return a != a ? a : b != b ? b : a == b ? (__builtin_signbit(a) ? b : a) : a > b ? a : b; }
TN_INLINE double min_d(double a, double b) { return a != a ? a : b != b ? b : a == b ? (__builtin_signbit(a) ? a : b) : a < b ? a : b; }

BINARY_F32_V(add_f32, a + b)
BINARY_F32_V(sub_f32, a - b)
BINARY_F32_V(mul_f32, a * b)
BINARY_F32_V(div_f32, a / b)
BINARY_F32_V(max_f32, vmax(a, b))
BINARY_F32_V(min_f32, vmin(a, b))
BINARY_S(pow_f32, float, float, pow_c99(a, b))
BINARY_S(rem_f32, float, float, remainder_d(a, b))
BINARY_S(atan2_f32, float, float, tn_atan2(a, b))

/* x^2 with a scalar exponent 2 (squares in losses and norms) stays on vectors: the same float32 rounding as pow. */
BINARY_F32_V(square_f32, ((void)b, a * a))
static void pow_f32_any(void *const *p, const tn_idx *s, tn_idx n, const void *ctx) {
  if (s[1] == 0 && *(const float *)p[1] == 2.0f) square_f32(p, s, n, ctx);
  else pow_f32(p, s, n, ctx);
}

#define BINARY_FAMILY(sfx, T)                                          \
  BINARY_S(eq_##sfx, T, u8, a == b)                                    \
  BINARY_S(ne_##sfx, T, u8, a != b)                                    \
  BINARY_S(lt_##sfx, T, u8, a < b)                                     \
  BINARY_S(le_##sfx, T, u8, a <= b)                                    \
  BINARY_S(gt_##sfx, T, u8, a > b)                                     \
  BINARY_S(ge_##sfx, T, u8, a >= b)                                    \
  BINARY_S(and_##sfx, T, u8, a != 0 && b != 0)                         \
  BINARY_S(or_##sfx, T, u8, a != 0 || b != 0)                          \
  BINARY_S(xor_##sfx, T, u8, (a != 0) != (b != 0))
BINARY_FAMILY(f32, float)
BINARY_FAMILY(f64, double)
BINARY_FAMILY(i32, int32_t)
BINARY_FAMILY(bool, u8)

BINARY_S(add_f64, double, double, a + b)
BINARY_S(sub_f64, double, double, a - b)
BINARY_S(mul_f64, double, double, a * b)
BINARY_S(div_f64, double, double, a / b)
BINARY_S(pow_f64, double, double, pow_c99(a, b))
BINARY_S(max_f64, double, double, max_d(a, b))
BINARY_S(min_f64, double, double, min_d(a, b))
BINARY_S(rem_f64, double, double, remainder_d(a, b))
BINARY_S(atan2_f64, double, double, tn_atan2(a, b))

BINARY_S(add_i32, int32_t, int32_t, (int32_t)((uint32_t)a + (uint32_t)b))
BINARY_S(sub_i32, int32_t, int32_t, (int32_t)((uint32_t)a - (uint32_t)b))
BINARY_S(mul_i32, int32_t, int32_t, (int32_t)((uint32_t)a * (uint32_t)b))
BINARY_S(pow_i32, int32_t, int32_t, pow_i(a, b))
BINARY_S(max_i32, int32_t, int32_t, a > b ? a : b)
BINARY_S(min_i32, int32_t, int32_t, a < b ? a : b)
BINARY_S(rem_i32, int32_t, int32_t, remainder_i(a, b))

#define LOGIC_ROWS(op) {op##_f32, op##_f64, op##_i32, op##_bool}
static const tn_row_fn BINARY_ROWS[TN_BINARY_COUNT][4] = {
  [TN_ADD] = {add_f32, add_f64, add_i32, 0},
  [TN_SUB] = {sub_f32, sub_f64, sub_i32, 0},
  [TN_MUL] = {mul_f32, mul_f64, mul_i32, 0},
  [TN_DIV] = {div_f32, div_f64, 0, 0},
  [TN_POW] = {pow_f32_any, pow_f64, pow_i32, 0},
  [TN_MAXIMUM] = {max_f32, max_f64, max_i32, 0},
  [TN_MINIMUM] = {min_f32, min_f64, min_i32, 0},
  [TN_REMAINDER] = {rem_f32, rem_f64, rem_i32, 0},
  [TN_ATAN2] = {atan2_f32, atan2_f64, 0, 0},
  [TN_EQ] = LOGIC_ROWS(eq),
  [TN_NE] = LOGIC_ROWS(ne),
  [TN_LT] = LOGIC_ROWS(lt),
  [TN_LE] = LOGIC_ROWS(le),
  [TN_GT] = LOGIC_ROWS(gt),
  [TN_GE] = LOGIC_ROWS(ge),
  [TN_LOGICAL_AND] = LOGIC_ROWS(and),
  [TN_LOGICAL_OR] = LOGIC_ROWS(or),
  [TN_LOGICAL_XOR] = LOGIC_ROWS(xor),
};

int tn_binary(int op, int dtype_in, int dtype_out, int nd, const tn_idx *shape, const void *a, const tn_idx *a_strides, const void *b,
              const tn_idx *b_strides, void *out, const tn_idx *out_strides) {
  if (op < 0 || op >= TN_BINARY_COUNT) return TN_E_OP;
  if (!valid_dtype(dtype_in)) return TN_E_DTYPE;
  if (dtype_out != (tn_binary_bool_out(op) ? TN_BOOL : dtype_in)) return TN_E_DTYPE;
  tn_row_fn row = BINARY_ROWS[op][dtype_in];
  if (!row) return TN_E_DTYPE;
  void *base[3] = {(void *)a, (void *)b, out};
  const tn_idx *strides[3] = {a_strides, b_strides, out_strides};
  int bytes[3] = {tn_elem_bytes(dtype_in), tn_elem_bytes(dtype_in), tn_elem_bytes(dtype_out)};
  return tn_walk(nd, shape, 3, base, strides, bytes, row, 0);
}

/* ---- where ---- */

/* Contiguous cond and out with tensor or scalar branches get their own loops (vectorized); the rest walk strides. */
#define WHERE_S(name, T)                                                                          \
  static void name(void *const *p, const tn_idx *s, tn_idx n, const void *ctx) {                  \
    (void)ctx;                                                                                    \
    const u8 *C = p[0];                                                                           \
    const T *A = p[1], *B = p[2];                                                                 \
    T *O = p[3];                                                                                  \
    if (s[0] == 1 && s[3] == 1) {                                                                 \
      if (s[1] == 1 && s[2] == 1)                                                                 \
        for (tn_idx i = 0; i < n; i++) O[i] = C[i] ? A[i] : B[i];                                 \
      else if (s[1] == 1 && s[2] == 0) {                                                          \
        const T b = B[0];                                                                         \
        for (tn_idx i = 0; i < n; i++) O[i] = C[i] ? A[i] : b;                                    \
      } else if (s[1] == 0 && s[2] == 1) {                                                        \
        const T a = A[0];                                                                         \
        for (tn_idx i = 0; i < n; i++) O[i] = C[i] ? a : B[i];                                    \
      } else                                                                                      \
        for (tn_idx i = 0; i < n; i++) O[i] = C[i] ? A[i * s[1]] : B[i * s[2]];                   \
    } else                                                                                        \
      for (tn_idx i = 0; i < n; i++) O[i * s[3]] = C[i * s[0]] ? A[i * s[1]] : B[i * s[2]];       \
  }
WHERE_S(where_f32, float)
WHERE_S(where_f64, double)
WHERE_S(where_i32, int32_t)
WHERE_S(where_bool, u8)
static const tn_row_fn WHERE_ROWS[4] = {where_f32, where_f64, where_i32, where_bool};

int tn_where(int dtype, int nd, const tn_idx *shape, const uint8_t *cond, const tn_idx *cond_strides, const void *a, const tn_idx *a_strides,
             const void *b, const tn_idx *b_strides, void *out, const tn_idx *out_strides) {
  if (!valid_dtype(dtype)) return TN_E_DTYPE;
  void *base[4] = {(void *)cond, (void *)a, (void *)b, out};
  const tn_idx *strides[4] = {cond_strides, a_strides, b_strides, out_strides};
  int e = tn_elem_bytes(dtype);
  int bytes[4] = {1, e, e, e};
  return tn_walk(nd, shape, 4, base, strides, bytes, WHERE_ROWS[dtype], 0);
}

/* ---- cast, copy, fill ---- */

#define CAST_FAMILY(sfx, TI)                                  \
  UNARY_S(cast_##sfx##_f32, TI, float, a)                     \
  UNARY_S(cast_##sfx##_f64, TI, double, a)                    \
  UNARY_S(cast_##sfx##_bool, TI, u8, a != 0)
CAST_FAMILY(f32, float)
CAST_FAMILY(f64, double)
CAST_FAMILY(i32, int32_t)
CAST_FAMILY(bool, u8)
UNARY_S(cast_f32_i32, float, int32_t, tn_to_i32(a))
UNARY_S(cast_f64_i32, double, int32_t, tn_to_i32(a))
UNARY_S(cast_i32_i32, int32_t, int32_t, a)
UNARY_S(cast_bool_i32, u8, int32_t, a)

/* [in][out] */
static const tn_row_fn CAST_ROWS[4][4] = {
  {cast_f32_f32, cast_f32_f64, cast_f32_i32, cast_f32_bool},
  {cast_f64_f32, cast_f64_f64, cast_f64_i32, cast_f64_bool},
  {cast_i32_f32, cast_i32_f64, cast_i32_i32, cast_i32_bool},
  {cast_bool_f32, cast_bool_f64, cast_bool_i32, cast_bool_bool},
};

int tn_cast(int dtype_in, int dtype_out, int nd, const tn_idx *shape, const void *x, const tn_idx *x_strides, void *out, const tn_idx *out_strides) {
  if (!valid_dtype(dtype_in) || !valid_dtype(dtype_out)) return TN_E_DTYPE;
  void *base[2] = {(void *)x, out};
  const tn_idx *strides[2] = {x_strides, out_strides};
  int bytes[2] = {tn_elem_bytes(dtype_in), tn_elem_bytes(dtype_out)};
  return tn_walk(nd, shape, 2, base, strides, bytes, CAST_ROWS[dtype_in][dtype_out], 0);
}

/* Fill lines: the value, converted once, stored (the contiguous loop is left to the vectorizer). */
#define FILL_ROW(name, T)                                                        \
  static void name(void *const *p, const tn_idx *s, tn_idx n, const void *ctx) { \
    T v = *(const T *)ctx, *o = p[0];                                            \
    tn_idx os = s[0];                                                            \
    if (os == 1)                                                                 \
      for (tn_idx i = 0; i < n; i++) o[i] = v;                                   \
    else                                                                         \
      for (tn_idx i = 0; i < n; i++) o[i * os] = v;                              \
  }
FILL_ROW(fill_f32, float)
FILL_ROW(fill_f64, double)
FILL_ROW(fill_i32, int32_t)
FILL_ROW(fill_bool, u8)

int tn_fill(int dtype, int nd, const tn_idx *shape, void *out, const tn_idx *out_strides, double value) {
  if (!valid_dtype(dtype)) return TN_E_DTYPE;
  /* The value converted once, exactly as tn_cast converts a float64 (one element cast into place). */
  union { float f32; double f64; int32_t i32; u8 b; } v;
  static const tn_idx one[1] = {1};
  int status = tn_cast(TN_F64, dtype, 1, one, &value, one, &v, one);
  if (status != TN_OK) return status;
  static const tn_row_fn FILL_ROWS[4] = {fill_f32, fill_f64, fill_i32, fill_bool};
  void *base[1] = {out};
  const tn_idx *strides[1] = {out_strides};
  int bytes[1] = {tn_elem_bytes(dtype)};
  return tn_walk(nd, shape, 1, base, strides, bytes, FILL_ROWS[dtype], &v);
}
