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
  vdsum total = {0};
  tn_idx i = 0;
  for (; i + SUM_BLOCK <= n; i += SUM_BLOCK) {
    vf a0 = vload(x + i), a1 = vload(x + i + VL), a2 = vload(x + i + 2 * VL), a3 = vload(x + i + 3 * VL);
    for (tn_idx j = 4 * VL; j < SUM_BLOCK; j += 4 * VL) {
      a0 += vload(x + i + j);
      a1 += vload(x + i + j + VL);
      a2 += vload(x + i + j + 2 * VL);
      a3 += vload(x + i + j + 3 * VL);
    }
    vdsum_add(&total, (a0 + a1) + (a2 + a3));
  }
  /* The whole vectors left (fewer than a block) as one more short block, then single elements. */
  vf a = vsplat(0.0f);
  for (; i + VL <= n; i += VL) a += vload(x + i);
  vdsum_add(&total, a);
  double sum = vdsum_total(&total);
  for (; i < n; i++) sum += (double)x[i];
  return sum;
}

/* float64 lines on four vectors of float64 lanes (independent chains), combined at the end. */
static double sum_line_f64(const double *x, tn_idx n) {
  const tn_idx DL = VL / 2;
  vd a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0};
  tn_idx i = 0;
  for (; i + 4 * DL <= n; i += 4 * DL) {
    a0 += *(const vd_u *)(x + i);
    a1 += *(const vd_u *)(x + i + DL);
    a2 += *(const vd_u *)(x + i + 2 * DL);
    a3 += *(const vd_u *)(x + i + 3 * DL);
  }
  vd t = (a0 + a1) + (a2 + a3);
  double sum = 0;
  for (int k = 0; k < DL; k++) sum += t[k];
  for (; i < n; i++) sum += x[i];
  return sum;
}

/*
 * float32 columns (inner > 1): rows summed in float32 in blocks of COL_BLOCK,
 * each block's totals added in float64 (the line sums' precision). Whole
 * tiles of COL_TILE columns on vectors held in registers, a narrower last
 * tile per element.
 */
#define COL_BLOCK 16
#define TILE_VECS (COL_TILE / VL)
static void sum_cols_f32(const float *x, tn_idx outer, tn_idx r, tn_idx inner, float *out) {
  for (tn_idx o = 0; o < outer; o++)
    for (tn_idx c0 = 0; c0 < inner; c0 += COL_TILE) {
      const float *p = x + o * r * inner + c0;
      float *dst = out + o * inner + c0;
      if (inner - c0 >= COL_TILE) {
        vdsum acc[TILE_VECS] = {0};
        for (tn_idx j0 = 0; j0 < r; j0 += COL_BLOCK) {
          tn_idx j1 = r - j0 < COL_BLOCK ? r : j0 + COL_BLOCK;
          vf blk[TILE_VECS];
          for (int v = 0; v < TILE_VECS; v++) blk[v] = vload(p + j0 * inner + v * VL);
          for (tn_idx j = j0 + 1; j < j1; j++)
            for (int v = 0; v < TILE_VECS; v++) blk[v] += vload(p + j * inner + v * VL);
          for (int v = 0; v < TILE_VECS; v++) vdsum_add(&acc[v], blk[v]);
        }
        for (int v = 0; v < TILE_VECS; v++)
          for (int k = 0; k < VL / 2; k++) {
            dst[v * VL + k] = (float)acc[v].lo[k];
            dst[v * VL + VL / 2 + k] = (float)acc[v].hi[k];
          }
        continue;
      }
      tn_idx w = inner - c0;
      double acc[COL_TILE] = {0};
      for (tn_idx j0 = 0; j0 < r; j0 += COL_BLOCK) {
        tn_idx j1 = r - j0 < COL_BLOCK ? r : j0 + COL_BLOCK;
        float blk[COL_TILE] = {0};
        for (tn_idx j = j0; j < j1; j++)
          for (tn_idx c = 0; c < w; c++) blk[c] += p[j * inner + c];
        for (tn_idx c = 0; c < w; c++) acc[c] += (double)blk[c];
      }
      for (tn_idx c = 0; c < w; c++) dst[c] = (float)acc[c];
    }
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
SUMLIKE(sum_cols_f64, double, double, 0, ADD)
SUMLIKE(sum_cols_i32, int32_t, uint32_t, 0, ADD_U)
SUMLIKE(prod_cols_f32, float, double, 1, MUL)
SUMLIKE(prod_cols_f64, double, double, 1, MUL)
SUMLIKE(prod_cols_i32, int32_t, uint32_t, 1, MUL)

/*
 * Extremes other than float32 rows: NaN propagates (values) or wins
 * (indices); the first extreme is kept. Columns (inner > 1) go branch-free
 * over a tile of columns so the compiler vectorizes across them.
 */
#define EXTREME(name, T, TO, BETTER, INDEX)                                              \
  static void name(const T *x, tn_idx outer, tn_idx r, tn_idx inner, TO *out) {          \
    T best[COL_TILE];                                                                    \
    int32_t bi[COL_TILE];                                                                \
    if (inner == 1) {                                                                    \
      /* Rows: a scalar scan whose branches predict well, stopping at a NaN. */          \
      for (tn_idx o = 0; o < outer; o++) {                                               \
        const T *p = x + o * r;                                                          \
        T b = p[0];                                                                      \
        tn_idx at = 0;                                                                   \
        if (b == b)                                                                      \
          for (tn_idx j = 1; j < r; j++) {                                               \
            T v = p[j];                                                                  \
            if (v != v) {                                                                \
              b = v;                                                                     \
              at = j;                                                                    \
              break;                                                                     \
            }                                                                            \
            if (v BETTER b) {                                                            \
              b = v;                                                                     \
              at = j;                                                                    \
            }                                                                            \
          }                                                                              \
        out[o] = INDEX ? (TO)at : (TO)b;                                                 \
      }                                                                                  \
      return;                                                                            \
    }                                                                                    \
    for (tn_idx o = 0; o < outer; o++)                                                   \
      for (tn_idx c0 = 0; c0 < inner; c0 += COL_TILE) {                                  \
        tn_idx w = inner - c0 < COL_TILE ? inner - c0 : COL_TILE;                        \
        const T *p = x + o * r * inner + c0;                                             \
        for (tn_idx c = 0; c < w; c++) {                                                 \
          best[c] = p[c];                                                                \
          bi[c] = 0;                                                                     \
        }                                                                                \
        for (tn_idx j = 1; j < r; j++) {                                                 \
          const T *row = p + j * inner;                                                  \
          for (tn_idx c = 0; c < w; c++) {                                               \
            T v = row[c], b = best[c];                                                   \
            /* A NaN replaces anything but an earlier NaN. */                            \
            int take = (v BETTER b) | ((v != v) & (b == b));                             \
            best[c] = take ? v : b;                                                      \
            bi[c] = take ? (int32_t)j : bi[c];                                           \
          }                                                                              \
        }                                                                                \
        for (tn_idx c = 0; c < w; c++) out[o * inner + c0 + c] = INDEX ? (TO)bi[c] : (TO)best[c]; \
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

TN_INLINE vf vbetter(vf v, vf m, int is_max) { return vselect(is_max ? v > m : v < m, v, m); }

/*
 * A float32 row's largest (smallest) non-NaN value, and in *nan whether the row
 * holds a NaN: plain compares on four independent vectors, NaN tracked apart
 * (cheaper than a NaN-propagating max per element).
 */
static float row_extreme_f32(const float *p, tn_idx r, int is_max, int *nan) {
  float best = p[0];
  tn_idx i = 0;
  int has_nan = 0;
  if (r >= VL) {
    vf m0 = vload(p), m1 = m0, m2 = m0, m3 = m0;
    vi vn = visnan(m0);
    for (i = VL; i + 4 * VL <= r; i += 4 * VL) {
      vf v0 = vload(p + i), v1 = vload(p + i + VL), v2 = vload(p + i + 2 * VL), v3 = vload(p + i + 3 * VL);
      vn |= (visnan(v0) | visnan(v1)) | (visnan(v2) | visnan(v3));
      m0 = vbetter(v0, m0, is_max);
      m1 = vbetter(v1, m1, is_max);
      m2 = vbetter(v2, m2, is_max);
      m3 = vbetter(v3, m3, is_max);
    }
    for (; i + VL <= r; i += VL) {
      vf v = vload(p + i);
      vn |= visnan(v);
      m0 = vbetter(v, m0, is_max);
    }
    /* A lane stuck on a NaN only matters when vn is set, and then the value is not used. */
    m0 = vbetter(vbetter(m1, m0, is_max), vbetter(m3, m2, is_max), is_max);
    best = m0[0];
    for (int k = 1; k < VL; k++)
      if (is_max ? m0[k] > best : m0[k] < best) best = m0[k];
    has_nan = vany(vn);
  }
  for (; i < r; i++) {
    float v = p[i];
    has_nan |= v != v;
    if (is_max ? v > best : v < best) best = v;
  }
  *nan = has_nan;
  return best;
}

/* Index of the first element equal to target (the first NaN when nan): a vector scan, then the lane. */
static tn_idx find_first_f32(const float *p, tn_idx r, float target, int nan) {
  vf t = vsplat(target);
  tn_idx i = 0;
  for (; i + VL <= r; i += VL) {
    vf v = vload(p + i);
    if (vany(nan ? visnan(v) : v == t)) break;
  }
  for (; i < r; i++)
    if (nan ? p[i] != p[i] : p[i] == target) return i;
  return 0; /* unreachable: target comes from the row */
}

/* float32 rows (inner == 1), softmax's and argmax's hot case: the extreme, then its first position. */
static void extreme_rows_f32(const float *x, tn_idx outer, tn_idx r, void *out, int is_max, int index) {
  for (tn_idx o = 0; o < outer; o++) {
    const float *p = x + o * r;
    int nan;
    float best = row_extreme_f32(p, r, is_max, &nan);
    if (!index && !nan) ((float *)out)[o] = best;
    else {
      tn_idx at = find_first_f32(p, r, best, nan);
      if (index) ((int32_t *)out)[o] = (int32_t)at;
      else ((float *)out)[o] = p[at];
    }
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
      if (dtype_in == TN_F64 && inner == 1) {
        for (tn_idx o = 0; o < outer; o++) ((double *)out)[o] = sum_line_f64((const double *)x + o * r, r);
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
        extreme_rows_f32((const float *)x, outer, r, out, op == TN_AMAX, 0);
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
      if (dtype_in == TN_F32 && inner == 1) {
        extreme_rows_f32((const float *)x, outer, r, out, op == TN_ARGMAX, 1);
        return TN_OK;
      }
      switch (dtype_in) {
        case TN_F32: if (op == TN_ARGMAX) DISPATCH(argmax_f32, float, int32_t); else DISPATCH(argmin_f32, float, int32_t); break;
        case TN_F64: if (op == TN_ARGMAX) DISPATCH(argmax_f64, double, int32_t); else DISPATCH(argmin_f64, double, int32_t); break;
        case TN_I32: if (op == TN_ARGMAX) DISPATCH(argmax_i32, int32_t, int32_t); else DISPATCH(argmin_i32, int32_t, int32_t); break;
        default: if (op == TN_ARGMAX) DISPATCH(argmax_bool, uint8_t, int32_t); else DISPATCH(argmin_bool, uint8_t, int32_t); break;
      }
      return TN_OK;
  }
}
