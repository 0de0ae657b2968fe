/* Dimension merging and the N-d walk shared by every elementwise kernel. */
#include "strided.h"

int tn_collapse(int nd, const tn_idx *shape, int nops, const tn_idx *const *strides_in, tn_idx *shape_out, tn_idx strides_out[][TN_MAX_DIMS]) {
  int m = 0;
  for (int d = 0; d < nd; d++) {
    tn_idx size = shape[d];
    if (size == 1) continue;
    if (m > 0) {
      int merge = 1;
      for (int k = 0; k < nops; k++)
        if (strides_out[k][m - 1] != strides_in[k][d] * size) merge = 0;
      if (merge) {
        shape_out[m - 1] *= size;
        for (int k = 0; k < nops; k++) strides_out[k][m - 1] = strides_in[k][d];
        continue;
      }
    }
    shape_out[m] = size;
    for (int k = 0; k < nops; k++) strides_out[k][m] = strides_in[k][d];
    m++;
  }
  if (m == 0) {
    shape_out[0] = 1;
    for (int k = 0; k < nops; k++) strides_out[k][0] = 1;
    m = 1;
  }
  return m;
}

int tn_walk(int nd, const tn_idx *shape, int nops, void *const *base, const tn_idx *const *strides, const int *elem_bytes, tn_row_fn row, const void *ctx) {
  if (nd > TN_MAX_DIMS || nd < 0) return TN_E_DIMS;
  for (int d = 0; d < nd; d++)
    if (shape[d] == 0) return TN_OK;
  tn_idx cs[TN_MAX_DIMS];
  tn_idx st[TN_WALK_MAX_OPS][TN_MAX_DIMS];
  int m = tn_collapse(nd, shape, nops, strides, cs, st);
  tn_idx inner[TN_WALK_MAX_OPS];
  char *p[TN_WALK_MAX_OPS];
  for (int k = 0; k < nops; k++) {
    inner[k] = st[k][m - 1];
    p[k] = (char *)base[k];
  }
  tn_idx outer = 1;
  for (int d = 0; d < m - 1; d++) outer *= cs[d];
  tn_idx idx[TN_MAX_DIMS] = {0};
  for (tn_idx t = 0; t < outer; t++) {
    row((void *const *)p, inner, cs[m - 1], ctx);
    for (int d = m - 2; d >= 0; d--) {
      idx[d]++;
      for (int k = 0; k < nops; k++) p[k] += st[k][d] * elem_bytes[k];
      if (idx[d] < cs[d]) break;
      for (int k = 0; k < nops; k++) p[k] -= st[k][d] * cs[d] * elem_bytes[k];
      idx[d] = 0;
    }
  }
  return TN_OK;
}

int tn_elem_bytes(int dtype) {
  switch (dtype) {
    case TN_F32: return 4;
    case TN_F64: return 8;
    case TN_I32: return 4;
    case TN_BOOL: return 1;
    default: return 0;
  }
}

int32_t tn_to_i32(double x) {
  if (x != x || x == __builtin_inf() || x == -__builtin_inf()) return 0;
  if (x > -2147483649.0 && x < 2147483648.0) return (int32_t)x;
  /* Out of range: wrap modulo 2^32 after truncation, as JavaScript's ToInt32 (what backend-cpu stores). */
  double t = x < 0 ? -__builtin_floor(-x) : __builtin_floor(x);
  t -= __builtin_floor(t / 4294967296.0) * 4294967296.0;
  return (int32_t)(uint32_t)t;
}
