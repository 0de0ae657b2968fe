/*
 * Reductions over the middle axis of a contiguous [outer, r, inner] block.
 * float32 sums run on vectors in short blocks and carry the blocks' totals in
 * float64, so 16M-element sums stay within 1e-6 relative of the exact sum.
 */
#include "strided.h"

/* float32 elements summed in float32 lanes before the block joins the float64 total. */
#define SUM_BLOCK (16 * VL)
/* Output columns per tile when reducing with inner > 1 (float64 accumulators on the stack). */
#define COL_TILE 64

static double sum_line_f32(const float *x, tn_idx n) {
  double total = 0;
  tn_idx i = 0;
  for (; i + SUM_BLOCK <= n; i += SUM_BLOCK) {
    vf a0 = vload(x + i), a1 = vload(x + i + VL), a2 = vload(x + i + 2 * VL), a3 = vload(x + i + 3 * VL);
    for (tn_idx j = 4 * VL; j < SUM_BLOCK; j += 4 * VL) {
      a0 += vload(x + i + j);
      a1 += vload(x + i + j + VL);
      a2 += vload(x + i + j + 2 * VL);
      a3 += vload(x + i + j + 3 * VL);
    }
    vf t = (a0 + a1) + (a2 + a3);
    for (int k = 0; k < VL; k++) total += (double)t[k];
  }
  for (; i < n; i++) total += (double)x[i];
  return total;
}

#define SUMLIKE(name, T, ACC, INIT, STEP)                                                \
  static void name(const T *x, tn_idx outer, tn_idx r, tn_idx inner, T *out) {           \
    ACC acc[COL_TILE];                                                                   \
    for (tn_idx o = 0; o < outer; o++)                                                   \
      for (tn_idx c0 = 0; c0 < inner; c0 += COL_TILE) {                                  \
        tn_idx w = inner - c0 < COL_TILE ? inner - c0 : COL_TILE;                        \
        for (tn_idx c = 0; c < w; c++) acc[c] = INIT;                                    \
        for (tn_idx j = 0; j < r; j++) {                                                 \
          const T *row = x + (o * r + j) * inner + c0;                                   \
          for (tn_idx c = 0; c < w; c++) acc[c] = STEP(acc[c], (ACC)row[c]);             \
        }                                                                                \
        for (tn_idx c = 0; c < w; c++) out[o * inner + c0 + c] = (T)acc[c];              \
      }                                                                                  \
  }
#define ADD(a, b) ((a) + (b))
#define MUL(a, b) ((a) * (b))
#define ADD_U(a, b) ((a) + (b))
SUMLIKE(sum_cols_f32, float, double, 0, ADD)
SUMLIKE(sum_cols_f64, double, double, 0, ADD)
SUMLIKE(sum_cols_i32, int32_t, uint32_t, 0, ADD_U)
SUMLIKE(prod_cols_f32, float, double, 1, MUL)
SUMLIKE(prod_cols_f64, double, double, 1, MUL)
SUMLIKE(prod_cols_i32, int32_t, uint32_t, 1, MUL)

/* Extremes: NaN propagates (values) or wins (indices); the first extreme is kept. */
#define EXTREME(name, T, TO, BETTER, INDEX)                                              \
  static void name(const T *x, tn_idx outer, tn_idx r, tn_idx inner, TO *out) {          \
    for (tn_idx o = 0; o < outer; o++)                                                   \
      for (tn_idx c = 0; c < inner; c++) {                                               \
        const T *p = x + o * r * inner + c;                                              \
        T best = p[0];                                                                   \
        tn_idx bi = 0;                                                                   \
        if (best == best)                                                                \
          for (tn_idx j = 1; j < r; j++) {                                               \
            T v = p[j * inner];                                                          \
            if (v != v) {                                                                \
              best = v;                                                                  \
              bi = j;                                                                    \
              break;                                                                     \
            }                                                                            \
            if (v BETTER best) {                                                         \
              best = v;                                                                  \
              bi = j;                                                                    \
            }                                                                            \
          }                                                                              \
        out[o * inner + c] = INDEX ? (TO)bi : (TO)best;                                  \
      }                                                                                  \
  }
#define EXTREMES(sfx, T)                                  \
  EXTREME(amax_##sfx, T, T, >, 0)                         \
  EXTREME(amin_##sfx, T, T, <, 0)                         \
  EXTREME(argmax_##sfx, T, int32_t, >, 1)                 \
  EXTREME(argmin_##sfx, T, int32_t, <, 1)
EXTREMES(f32, float)
EXTREMES(f64, double)
EXTREMES(i32, int32_t)
EXTREMES(bool, uint8_t)

/* NaN-propagating pick of the larger (smaller) of two floats. */
TN_INLINE float pick(float a, float b, int is_max) { return a != a ? a : b != b ? b : (is_max ? (b > a ? b : a) : (b < a ? b : a)); }

/* Row maxima (minima) of float32 on vectors: softmax's and logsumexp's hot case. */
static void amax_rows_f32(const float *x, tn_idx outer, tn_idx r, float *out, int is_max) {
  for (tn_idx o = 0; o < outer; o++) {
    const float *p = x + o * r;
    float best = p[0];
    tn_idx i = 1;
    if (r >= VL) {
      vf m = vload(p);
      for (i = VL; i + VL <= r; i += VL) m = is_max ? vmax(m, vload(p + i)) : vmin(m, vload(p + i));
      best = m[0];
      for (int k = 1; k < VL; k++) best = pick(best, m[k], is_max);
    }
    for (; i < r; i++) best = pick(best, p[i], is_max);
    out[o] = best;
  }
}

#define DISPATCH(fn, T, TO) fn((const T *)x, outer, r, inner, (TO *)out)

int tn_reduce(int op, int dtype_in, int dtype_out, const void *x, tn_idx outer, tn_idx r, tn_idx inner, void *out) {
  if (op < 0 || op >= TN_REDUCE_COUNT) return TN_E_OP;
  if (dtype_in < TN_F32 || dtype_in > TN_BOOL) return TN_E_DTYPE;
  int index = op == TN_ARGMAX || op == TN_ARGMIN;
  if (dtype_out != (index ? TN_I32 : dtype_in)) return TN_E_DTYPE;
  if (outer == 0 || inner == 0) return TN_OK;
  if ((op == TN_SUM || op == TN_PROD) && dtype_in == TN_BOOL) return TN_E_DTYPE;
  if (r == 0 && op != TN_SUM && op != TN_PROD) return TN_E_INDEX;
  switch (op) {
    case TN_SUM:
      if (dtype_in == TN_F32 && inner == 1) {
        for (tn_idx o = 0; o < outer; o++) ((float *)out)[o] = (float)sum_line_f32((const float *)x + o * r, r);
        return TN_OK;
      }
      if (dtype_in == TN_F32) DISPATCH(sum_cols_f32, float, float);
      else if (dtype_in == TN_F64) DISPATCH(sum_cols_f64, double, double);
      else DISPATCH(sum_cols_i32, int32_t, int32_t);
      return TN_OK;
    case TN_PROD:
      if (dtype_in == TN_F32) DISPATCH(prod_cols_f32, float, float);
      else if (dtype_in == TN_F64) DISPATCH(prod_cols_f64, double, double);
      else DISPATCH(prod_cols_i32, int32_t, int32_t);
      return TN_OK;
    case TN_AMAX:
    case TN_AMIN:
      if (dtype_in == TN_F32 && inner == 1) {
        amax_rows_f32((const float *)x, outer, r, (float *)out, op == TN_AMAX);
        return TN_OK;
      }
      switch (dtype_in) {
        case TN_F32: if (op == TN_AMAX) DISPATCH(amax_f32, float, float); else DISPATCH(amin_f32, float, float); break;
        case TN_F64: if (op == TN_AMAX) DISPATCH(amax_f64, double, double); else DISPATCH(amin_f64, double, double); break;
        case TN_I32: if (op == TN_AMAX) DISPATCH(amax_i32, int32_t, int32_t); else DISPATCH(amin_i32, int32_t, int32_t); break;
        default: if (op == TN_AMAX) DISPATCH(amax_bool, uint8_t, uint8_t); else DISPATCH(amin_bool, uint8_t, uint8_t); break;
      }
      return TN_OK;
    default:
      switch (dtype_in) {
        case TN_F32: if (op == TN_ARGMAX) DISPATCH(argmax_f32, float, int32_t); else DISPATCH(argmin_f32, float, int32_t); break;
        case TN_F64: if (op == TN_ARGMAX) DISPATCH(argmax_f64, double, int32_t); else DISPATCH(argmin_f64, double, int32_t); break;
        case TN_I32: if (op == TN_ARGMAX) DISPATCH(argmax_i32, int32_t, int32_t); else DISPATCH(argmin_i32, int32_t, int32_t); break;
        default: if (op == TN_ARGMAX) DISPATCH(argmax_bool, uint8_t, int32_t); else DISPATCH(argmin_bool, uint8_t, int32_t); break;
      }
      return TN_OK;
  }
}
