/*
 * Fused optimizer steps: one pass over the parameter and its state instead of
 * the composite's dozen kernels, each step rounded to float32 as there.
 */
#include "internal.h"

/* No fused multiply-adds: each step rounds where the composite's kernels round (-mfma builds would contract). */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

/* One element's Adam step; `ams` is the running max of the second moment, or NULL. */
#define ADAM_STEP(T, LOAD, STORE, SPLAT, SQRT, MAX)                                            \
  {                                                                                            \
    T p = LOAD(param + i), d = LOAD(grad + i);                                                 \
    if (o->maximize) d = -d;                                                                   \
    if (o->weight_decay != 0) {                                                                \
      if (o->decoupled) p = p * SPLAT(decay);                                                  \
      else d = d + p * SPLAT(wd);                                                              \
    }                                                                                          \
    T m = LOAD(exp_avg + i) * SPLAT(beta1) + d * SPLAT(a1);                                    \
    T v = LOAD(exp_avg_sq + i) * SPLAT(beta2) + (d * d) * SPLAT(a2);                           \
    STORE(exp_avg + i, m);                                                                     \
    STORE(exp_avg_sq + i, v);                                                                  \
    if (ams != NULL) {                                                                         \
      v = MAX(LOAD(ams + i), v);                                                               \
      STORE(ams + i, v);                                                                       \
    }                                                                                          \
    T denom = SQRT(v) / SPLAT(bias2) + SPLAT(eps);                                             \
    STORE(param + i, p + (m / denom) * SPLAT(step));                                           \
  }

TN_INLINE float load1(const float *p) { return *p; }
TN_INLINE void store1(float *p, float v) { *p = v; }
TN_INLINE float same1(float v) { return v; }
TN_INLINE float sqrt1(float v) { return vsqrt(vsplat(v))[0]; }
TN_INLINE float max1(float a, float b) { return vmax(vsplat(a), vsplat(b))[0]; }

int tn_adam_f32(float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float *max_exp_avg_sq, tn_idx n, const tn_adam_options *o) {
  /* The composite's scalars, each rounded to float32 as a binary kernel's scalar operand is. */
  const float beta1 = (float)o->beta1, beta2 = (float)o->beta2, a1 = (float)(1 - o->beta1), a2 = (float)(1 - o->beta2);
  const float wd = (float)o->weight_decay, decay = (float)(1 - o->lr * o->weight_decay);
  const float step = (float)-o->step_size, bias2 = (float)o->bias2_sqrt, eps = (float)o->eps;
  float *ams = max_exp_avg_sq;
  tn_idx i = 0;
  for (; i + VL <= n; i += VL) ADAM_STEP(vf, vload, vstore, vsplat, vsqrt, vmax)
  for (; i < n; i++) ADAM_STEP(float, load1, store1, same1, sqrt1, max1)
  return TN_OK;
}

/* One element's SGD step; `buf` is the momentum buffer, or NULL without momentum. */
#define SGD_STEP(T, LOAD, STORE, SPLAT)                                                        \
  {                                                                                            \
    T p = LOAD(param + i), d = LOAD(grad + i);                                                 \
    if (o->maximize) d = -d;                                                                   \
    if (o->weight_decay != 0) d = d + p * SPLAT(wd);                                           \
    if (buf != NULL) {                                                                         \
      T b = o->first ? d : LOAD(buf + i) * SPLAT(mom) + d * SPLAT(damp);                       \
      STORE(buf + i, b);                                                                       \
      d = o->nesterov ? d + b * SPLAT(mom) : b;                                                \
    }                                                                                          \
    STORE(param + i, p + d * SPLAT(neg_lr));                                                   \
  }

int tn_sgd_f32(float *param, const float *grad, float *momentum_buffer, tn_idx n, const tn_sgd_options *o) {
  const float wd = (float)o->weight_decay, mom = (float)o->momentum, damp = (float)(1 - o->dampening), neg_lr = (float)-o->lr;
  float *buf = momentum_buffer;
  tn_idx i = 0;
  for (; i + VL <= n; i += VL) SGD_STEP(vf, vload, vstore, vsplat)
  for (; i < n; i++) SGD_STEP(float, load1, store1, same1)
  return TN_OK;
}

/* One element's RMSprop step; `gavg` (centered) and `buf` (momentum) may be NULL. */
#define RMSPROP_STEP(T, LOAD, STORE, SPLAT, SQRT)                                              \
  {                                                                                            \
    T p = LOAD(param + i), d = LOAD(grad + i);                                                 \
    if (o->maximize) d = -d;                                                                   \
    if (o->weight_decay != 0) d = d + p * SPLAT(wd);                                           \
    T sq = LOAD(square_avg + i) * SPLAT(alpha) + (d * d) * SPLAT(a1);                          \
    STORE(square_avg + i, sq);                                                                 \
    T avg;                                                                                     \
    if (gavg != NULL) {                                                                        \
      T ga = LOAD(gavg + i) * SPLAT(alpha) + d * SPLAT(a1);                                    \
      STORE(gavg + i, ga);                                                                     \
      avg = SQRT(sq - ga * ga);                                                                \
    } else avg = SQRT(sq);                                                                     \
    avg = avg + SPLAT(eps);                                                                    \
    if (buf != NULL) {                                                                         \
      T b = LOAD(buf + i) * SPLAT(mom) + d / avg;                                              \
      STORE(buf + i, b);                                                                       \
      STORE(param + i, p + b * SPLAT(neg_lr));                                                 \
    } else STORE(param + i, p + (d / avg) * SPLAT(neg_lr));                                    \
  }

int tn_rmsprop_f32(float *param, const float *grad, float *square_avg, float *grad_avg, float *momentum_buffer, tn_idx n, const tn_rmsprop_options *o) {
  const float wd = (float)o->weight_decay, alpha = (float)o->alpha, a1 = (float)(1 - o->alpha), eps = (float)o->eps;
  const float mom = (float)o->momentum, neg_lr = (float)-o->lr;
  float *gavg = grad_avg, *buf = momentum_buffer;
  tn_idx i = 0;
  for (; i + VL <= n; i += VL) RMSPROP_STEP(vf, vload, vstore, vsplat, vsqrt)
  for (; i < n; i++) RMSPROP_STEP(float, load1, store1, same1, sqrt1)
  return TN_OK;
}
