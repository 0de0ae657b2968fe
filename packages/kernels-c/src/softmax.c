/*
 * Fused softmax / log-softmax: one pass for the max, one for exp and the
 * float64 sum, one to scale. Matches core's composite (the max is taken as 0
 * when it is -inf, as core shifts by it; a +inf max is subtracted, so inf - inf
 * makes the line NaN as PyTorch's). log-softmax is (x - m) - log(sum):
 * subtracting the max first keeps logits around 1e4 exact, where
 * x - (m + log(sum)) would round at the logits' magnitude.
 */
#include "strided.h"

TN_INLINE float exp1(float x) { return tn_vexpf(vsplat(x))[0]; }

static void softmax_row(const float *xr, float *o, tn_idx n, int log) {
  float m;
  tn_reduce(TN_AMAX, TN_F32, TN_F32, xr, 1, n, 1, &m);
  if (m == -__builtin_inff()) m = 0;
  vf vm = vsplat(m);
  vdsum sum = {0};
  tn_idx i = 0;
  /* Vector partial sums in short float32 blocks, carried in float64 (as tn_reduce's sums). */
  while (i + VL <= n) {
    vf block = vsplat(0.0f);
    for (int b = 0; b < 16 && i + VL <= n; b++, i += VL) {
      vf e = tn_vexpf(vload(xr + i) - vm);
      if (!log) vstore(o + i, e);
      block += e;
    }
    vdsum_add(&sum, block);
  }
  /* The last partial vector padded with -inf, whose exp adds exactly 0. */
  if (i < n) {
    vf v = vsplat(-__builtin_inff());
    for (tn_idx k = 0; i + k < n; k++) v[k] = xr[i + k];
    vf e = tn_vexpf(v - vm);
    if (!log)
      for (tn_idx k = 0; i + k < n; k++) o[i + k] = e[k];
    vdsum_add(&sum, e);
  }
  double total_sum = vdsum_total(&sum);
  if (log) {
    vf lse = vsplat((float)tn_log(total_sum));
    for (i = 0; i + VL <= n; i += VL) vstore(o + i, (vload(xr + i) - vm) - lse);
    for (; i < n; i++) o[i] = (xr[i] - m) - lse[0];
  } else {
    vf total = vsplat((float)total_sum);
    for (i = 0; i + VL <= n; i += VL) vstore(o + i, vload(o + i) / total);
    for (; i < n; i++) o[i] /= total[0];
  }
}

/* One strided line (inner > 1): the same three passes, one element at a time. */
static void softmax_line(const float *x, float *o, tn_idx n, tn_idx stride, int log) {
  float m = x[0];
  for (tn_idx j = 1; j < n && m == m; j++) {
    float v = x[j * stride];
    if (v != v || v > m) m = v;
  }
  if (m == -__builtin_inff()) m = 0;
  double sum = 0;
  for (tn_idx j = 0; j < n; j++) {
    float e = exp1(x[j * stride] - m);
    if (!log) o[j * stride] = e;
    sum += (double)e;
  }
  float lse = (float)tn_log(sum), total = (float)sum;
  for (tn_idx j = 0; j < n; j++) o[j * stride] = log ? (x[j * stride] - m) - lse : o[j * stride] / total;
}

int tn_softmax_f32(const float *x, float *out, tn_idx outer, tn_idx n, tn_idx inner, int log) {
  if (n == 0) return TN_OK;
  for (tn_idx o = 0; o < outer; o++)
    if (inner == 1) softmax_row(x + o * n, out + o * n, n, log);
    else
      for (tn_idx c = 0; c < inner; c++) softmax_line(x + o * n * inner + c, out + o * n * inner + c, n, inner, log);
  return TN_OK;
}

/* sum(g * y) (softmax) or sum(g) (log-softmax) over a row, float32 vector blocks carried in float64 as above. */
static float grad_row_sum(const float *g, const float *y, tn_idx n, int log) {
  vdsum sum = {0};
  tn_idx i = 0;
  while (i + VL <= n) {
    vf block = vsplat(0.0f);
    for (int b = 0; b < 16 && i + VL <= n; b++, i += VL) block += log ? vload(g + i) : vload(g + i) * vload(y + i);
    vdsum_add(&sum, block);
  }
  double total = vdsum_total(&sum);
  for (; i < n; i++) total += log ? (double)g[i] : (double)(g[i] * y[i]);
  return (float)total;
}

static void softmax_backward_row(const float *g, const float *y, float *o, tn_idx n, int log) {
  float s = grad_row_sum(g, y, n, log);
  vf vs = vsplat(s);
  tn_idx i = 0;
  if (log) {
    for (; i + VL <= n; i += VL) vstore(o + i, vload(g + i) - tn_vexpf(vload(y + i)) * vs);
    for (; i < n; i++) o[i] = g[i] - exp1(y[i]) * s;
  } else {
    for (; i + VL <= n; i += VL) vstore(o + i, vload(y + i) * (vload(g + i) - vs));
    for (; i < n; i++) o[i] = y[i] * (g[i] - s);
  }
}

static void softmax_backward_line(const float *g, const float *y, float *o, tn_idx n, tn_idx stride, int log) {
  double sum = 0;
  for (tn_idx j = 0; j < n; j++) sum += log ? (double)g[j * stride] : (double)(g[j * stride] * y[j * stride]);
  float s = (float)sum;
  for (tn_idx j = 0; j < n; j++) {
    tn_idx k = j * stride;
    o[k] = log ? g[k] - exp1(y[k]) * s : y[k] * (g[k] - s);
  }
}

int tn_softmax_backward_f32(const float *g, const float *y, float *out, tn_idx outer, tn_idx n, tn_idx inner, int log) {
  if (n == 0) return TN_OK;
  for (tn_idx o = 0; o < outer; o++)
    if (inner == 1) softmax_backward_row(g + o * n, y + o * n, out + o * n, n, log);
    else
      for (tn_idx c = 0; c < inner; c++) {
        tn_idx at = o * n * inner + c;
        softmax_backward_line(g + at, y + at, out + at, n, inner, log);
      }
  return TN_OK;
}
