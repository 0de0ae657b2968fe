/*
 * gather / scatter along one dim. Every index is checked before anything is
 * written, so a bad index leaves the output untouched (TN_E_INDEX).
 */
#include "strided.h"

/* Steps the N-d counter over index's shape, moving up to three element offsets (`skip`: the dim op 0 ignores). */
TN_INLINE void step(int nd, const tn_idx *shape, tn_idx *idx, int skip, tn_idx *o0, const tn_idx *s0, tn_idx *o1, const tn_idx *s1, tn_idx *o2, const tn_idx *s2) {
  for (int d = nd - 1; d >= 0; d--) {
    idx[d]++;
    if (d != skip) *o0 += s0[d];
    *o1 += s1[d];
    *o2 += s2[d];
    if (idx[d] < shape[d]) return;
    if (d != skip) *o0 -= s0[d] * shape[d];
    *o1 -= s1[d] * shape[d];
    *o2 -= s2[d] * shape[d];
    idx[d] = 0;
  }
}

static tn_idx count(int nd, const tn_idx *shape) {
  tn_idx n = 1;
  for (int d = 0; d < nd; d++) n *= shape[d];
  return n;
}

/* Dims where the index repeats (stride 0) hold no new values: each distinct index is checked once. */
static int check(int nd, const tn_idx *shape, const int32_t *index, const tn_idx *is, tn_idx dim_size) {
  static const tn_idx zero[TN_MAX_DIMS] = {0};
  tn_idx distinct[TN_MAX_DIMS];
  for (int d = 0; d < nd; d++) distinct[d] = is[d] == 0 ? 1 : shape[d];
  tn_idx idx[TN_MAX_DIMS] = {0}, io = 0, unused = 0;
  tn_idx n = count(nd, distinct);
  for (tn_idx t = 0; t < n; t++) {
    int32_t v = index[io];
    if (v < 0 || v >= dim_size) return TN_E_INDEX;
    step(nd, distinct, idx, -1, &unused, zero, &io, is, &unused, zero);
  }
  return TN_OK;
}

/*
 * One index line shared by every row: dim is the last dim and the index
 * repeats over the others (an expanded table, as convolution's windows). Rows
 * then run as tight loops through the table instead of the N-d walk.
 */
static int shared_line(int nd, int dim, const tn_idx *is) {
  if (dim != nd - 1) return 0;
  for (int d = 0; d < nd - 1; d++)
    if (is[d] != 0) return 0;
  return 1;
}

#define GATHER(name, T)                                                                                            \
  static void name(int nd, const tn_idx *shape, int dim, const T *x, const tn_idx *xs, const int32_t *index, const tn_idx *is, T *out) { \
    static const tn_idx zero[TN_MAX_DIMS] = {0};                                                                   \
    tn_idx idx[TN_MAX_DIMS] = {0}, xo = 0, io = 0, unused = 0;                                                     \
    tn_idx n = count(nd, shape), step_dim = xs[dim];                                                               \
    if (shared_line(nd, dim, is)) {                                                                                \
      tn_idx len = shape[dim], il = is[dim], rows = count(nd - 1, shape);                                          \
      for (tn_idx r = 0; r < rows; r++, out += len) {                                                              \
        for (tn_idx j = 0; j < len; j++) out[j] = x[xo + index[j * il] * step_dim];                                \
        step(nd - 1, shape, idx, -1, &xo, xs, &unused, zero, &unused, zero);                                       \
      }                                                                                                            \
      return;                                                                                                      \
    }                                                                                                              \
    for (tn_idx t = 0; t < n; t++) {                                                                               \
      out[t] = x[xo + index[io] * step_dim];                                                                       \
      step(nd, shape, idx, dim, &xo, xs, &io, is, &unused, zero);                                                  \
    }                                                                                                              \
  }

#define SCATTER(name, T, ADD)                                                                                         \
  static void name(int acc, int nd, const tn_idx *shape, int dim, T *dst, const tn_idx *ds, const int32_t *index, const tn_idx *is, const T *src, const tn_idx *ss) { \
    tn_idx idx[TN_MAX_DIMS] = {0}, doff = 0, io = 0, so = 0;                                                       \
    tn_idx n = count(nd, shape), step_dim = ds[dim];                                                               \
    if (shared_line(nd, dim, is)) {                                                                                \
      static const tn_idx zero[TN_MAX_DIMS] = {0};                                                                 \
      tn_idx len = shape[dim], il = is[dim], sl = ss[dim], rows = count(nd - 1, shape), unused = 0;                \
      for (tn_idx r = 0; r < rows; r++) {                                                                          \
        for (tn_idx j = 0; j < len; j++) {                                                                         \
          T *at = dst + doff + index[j * il] * step_dim;                                                           \
          *at = acc ? ADD(*at, src[so + j * sl]) : src[so + j * sl];                                               \
        }                                                                                                          \
        step(nd - 1, shape, idx, -1, &doff, ds, &so, ss, &unused, zero);                                           \
      }                                                                                                            \
      return;                                                                                                      \
    }                                                                                                              \
    for (tn_idx t = 0; t < n; t++) {                                                                               \
      T *at = dst + doff + index[io] * step_dim;                                                                   \
      *at = acc ? ADD(*at, src[so]) : src[so];                                                                      \
      step(nd, shape, idx, dim, &doff, ds, &io, is, &so, ss);                                                      \
    }                                                                                                              \
  }

GATHER(gather_f32, float)
GATHER(gather_f64, double)
GATHER(gather_i32, int32_t)
GATHER(gather_bool, uint8_t)
#define ADD_F(a, b) ((a) + (b))
/* Integer accumulation wraps modulo 2^32 (2^8 for bool), as backend-cpu's typed arrays. */
#define ADD_I32(a, b) ((int32_t)((uint32_t)(a) + (uint32_t)(b)))
#define ADD_U8(a, b) ((uint8_t)((a) + (b)))
SCATTER(scatter_f32, float, ADD_F)
SCATTER(scatter_f64, double, ADD_F)
SCATTER(scatter_i32, int32_t, ADD_I32)
SCATTER(scatter_bool, uint8_t, ADD_U8)

int tn_gather(int dtype, int nd, const tn_idx *index_shape, int dim, tn_idx dim_size, const void *x, const tn_idx *x_strides, const int32_t *index,
              const tn_idx *index_strides, void *out) {
  if (nd < 1 || nd > TN_MAX_DIMS || dim < 0 || dim >= nd) return TN_E_DIMS;
  int e = check(nd, index_shape, index, index_strides, dim_size);
  if (e) return e;
  switch (dtype) {
    case TN_F32: gather_f32(nd, index_shape, dim, x, x_strides, index, index_strides, out); return TN_OK;
    case TN_F64: gather_f64(nd, index_shape, dim, x, x_strides, index, index_strides, out); return TN_OK;
    case TN_I32: gather_i32(nd, index_shape, dim, x, x_strides, index, index_strides, out); return TN_OK;
    case TN_BOOL: gather_bool(nd, index_shape, dim, x, x_strides, index, index_strides, out); return TN_OK;
    default: return TN_E_DTYPE;
  }
}

int tn_scatter(int accumulate, int dtype, int nd, const tn_idx *index_shape, int dim, tn_idx dim_size, void *dst, const tn_idx *dst_strides, const int32_t *index,
               const tn_idx *index_strides, const void *src, const tn_idx *src_strides) {
  if (nd < 1 || nd > TN_MAX_DIMS || dim < 0 || dim >= nd) return TN_E_DIMS;
  int e = check(nd, index_shape, index, index_strides, dim_size);
  if (e) return e;
  switch (dtype) {
    case TN_F32: scatter_f32(accumulate, nd, index_shape, dim, dst, dst_strides, index, index_strides, src, src_strides); return TN_OK;
    case TN_F64: scatter_f64(accumulate, nd, index_shape, dim, dst, dst_strides, index, index_strides, src, src_strides); return TN_OK;
    case TN_I32: scatter_i32(accumulate, nd, index_shape, dim, dst, dst_strides, index, index_strides, src, src_strides); return TN_OK;
    case TN_BOOL: scatter_bool(accumulate, nd, index_shape, dim, dst, dst_strides, index, index_strides, src, src_strides); return TN_OK;
    default: return TN_E_DTYPE;
  }
}
