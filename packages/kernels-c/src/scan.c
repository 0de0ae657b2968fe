/* Prefix sums and products, and a stable sort, along the middle axis of [outer, n, inner]. */
#include "strided.h"

#define COL_TILE 64

/* Columns go in tiles so each column's running value lives in one accumulator of type ACC. */
#define SCAN(name, T, ACC, INIT, STEP)                                                   \
  static void name(const T *x, tn_idx outer, tn_idx n, tn_idx inner, T *out) {           \
    ACC acc[COL_TILE];                                                                   \
    for (tn_idx o = 0; o < outer; o++)                                                   \
      for (tn_idx c0 = 0; c0 < inner; c0 += COL_TILE) {                                  \
        tn_idx w = inner - c0 < COL_TILE ? inner - c0 : COL_TILE;                        \
        for (tn_idx c = 0; c < w; c++) acc[c] = INIT;                                    \
        for (tn_idx j = 0; j < n; j++) {                                                 \
          tn_idx base = (o * n + j) * inner + c0;                                        \
          for (tn_idx c = 0; c < w; c++) {                                               \
            acc[c] = STEP(acc[c], (ACC)x[base + c]);                                     \
            out[base + c] = (T)acc[c];                                                   \
          }                                                                              \
        }                                                                                \
      }                                                                                  \
  }
#define ADD(a, b) ((a) + (b))
#define MUL(a, b) ((a) * (b))
SCAN(cumsum_f32, float, double, 0, ADD)
SCAN(cumsum_f64, double, double, 0, ADD)
SCAN(cumsum_i32, int32_t, uint32_t, 0, ADD)
SCAN(cumprod_f32, float, double, 1, MUL)
SCAN(cumprod_f64, double, double, 1, MUL)
SCAN(cumprod_i32, int32_t, uint32_t, 1, MUL)

int tn_cumsum(int dtype, const void *x, tn_idx outer, tn_idx n, tn_idx inner, void *out) {
  switch (dtype) {
    case TN_F32: cumsum_f32(x, outer, n, inner, out); return TN_OK;
    case TN_F64: cumsum_f64(x, outer, n, inner, out); return TN_OK;
    case TN_I32: cumsum_i32(x, outer, n, inner, out); return TN_OK;
    default: return TN_E_DTYPE;
  }
}

int tn_cumprod(int dtype, const void *x, tn_idx outer, tn_idx n, tn_idx inner, void *out) {
  switch (dtype) {
    case TN_F32: cumprod_f32(x, outer, n, inner, out); return TN_OK;
    case TN_F64: cumprod_f64(x, outer, n, inner, out); return TN_OK;
    case TN_I32: cumprod_i32(x, outer, n, inner, out); return TN_OK;
    default: return TN_E_DTYPE;
  }
}

/* ---- sort: bottom-up merge sort of an index permutation by float64 keys ---- */

size_t tn_sort_workspace(tn_idx n) { return (size_t)n * (sizeof(double) + 2 * sizeof(int32_t)); }

/* Whether key a goes strictly before key b; NaN is the largest value. */
TN_INLINE int before(double a, double b, int descending) {
  if (descending) return a != a ? b == b : (b != b ? 0 : a > b);
  return a != a ? 0 : (b != b ? 1 : a < b);
}

/* Sorts 0..n-1 by keys using buffers a and b; returns the one holding the result. */
static int32_t *sorted(const double *keys, tn_idx n, int descending, int32_t *a, int32_t *b) {
  for (tn_idx i = 0; i < n; i++) a[i] = (int32_t)i;
  for (tn_idx width = 1; width < n; width *= 2) {
    for (tn_idx lo = 0; lo < n; lo += 2 * width) {
      tn_idx mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      tn_idx i = lo, j = mid, k = lo;
      /* Ties take the left run first: the sort is stable. */
      while (i < mid && j < hi) b[k++] = before(keys[a[j]], keys[a[i]], descending) ? a[j++] : a[i++];
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
    }
    int32_t *t = a;
    a = b;
    b = t;
  }
  return a;
}

#define SORT_LINES(name, T)                                                                                  \
  static void name(const T *x, tn_idx outer, tn_idx n, tn_idx inner, int descending, T *values, int32_t *indices, double *keys, int32_t *a, int32_t *b) { \
    for (tn_idx o = 0; o < outer; o++)                                                                       \
      for (tn_idx c = 0; c < inner; c++) {                                                                   \
        tn_idx base = o * n * inner + c;                                                                     \
        for (tn_idx j = 0; j < n; j++) keys[j] = (double)x[base + j * inner];                                \
        int32_t *order = sorted(keys, n, descending, a, b);                                                  \
        for (tn_idx j = 0; j < n; j++) {                                                                     \
          values[base + j * inner] = x[base + order[j] * inner];                                             \
          indices[base + j * inner] = order[j];                                                              \
        }                                                                                                    \
      }                                                                                                      \
  }
SORT_LINES(sort_f32, float)
SORT_LINES(sort_f64, double)
SORT_LINES(sort_i32, int32_t)
SORT_LINES(sort_bool, uint8_t)

int tn_sort(int dtype, const void *x, tn_idx outer, tn_idx n, tn_idx inner, int descending, void *values, int32_t *indices, void *workspace) {
  double *keys = workspace;
  int32_t *a = (int32_t *)(keys + n), *b = a + n;
  switch (dtype) {
    case TN_F32: sort_f32(x, outer, n, inner, descending, values, indices, keys, a, b); return TN_OK;
    case TN_F64: sort_f64(x, outer, n, inner, descending, values, indices, keys, a, b); return TN_OK;
    case TN_I32: sort_i32(x, outer, n, inner, descending, values, indices, keys, a, b); return TN_OK;
    case TN_BOOL: sort_bool(x, outer, n, inner, descending, values, indices, keys, a, b); return TN_OK;
    default: return TN_E_DTYPE;
  }
}
