/*
 * Fused optimizer steps: one pass over the parameter and its state instead of
 * the composite's dozen kernels, each step rounded to float32 as there.
 */
#include "internal.h"

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
