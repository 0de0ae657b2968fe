/*
 * Fused scaled-dot-product attention (flash attention): the forward walks the
 * keys in tiles with an online softmax (a running max and sum rescale the
 * accumulated output), so the l x s scores never exist; the backward
 * recomputes each probability from its score and the saved log-sum-exp.
 * Numerics follow backend-cpu's fused kernels (src/kernels/attention.ts):
 * q * scale and every score are rounded to the dtype as the composite's mul
 * and matmul round them, everything after accumulates in float64.
 */
#include "internal.h"

/* Keys per tile: the scores of one query row against one tile are all the forward holds. */
#define TILE 64

/* Element offset of flat batch index b in operand o (row-major over the batch dims). */
static tn_idx batch_offset(const tn_attention_params *p, int o, tn_idx b) {
  tn_idx off = 0;
  for (tn_idx d = p->nb - 1; d >= 0; d--) {
    const tn_idx size = p->batch[d];
    off += (b % size) * p->strides[o][d];
    b /= size;
  }
  return off;
}

/* TN_OK, or why the call cannot run (checked before anything is written). */
static int check(int dtype, const tn_attention_params *p, tn_idx b0, tn_idx b1) {
  if (dtype != TN_F32 && dtype != TN_F64) return TN_E_DTYPE;
  if (p->nb < 0 || p->nb > TN_MAX_DIMS - 2) return TN_E_DIMS;
  if (p->l < 0 || p->s < 0 || p->e < 0 || p->ev < 0 || p->mask < TN_ATTN_MASK_NONE || p->mask > TN_ATTN_MASK_FLOAT) return TN_E_OP;
  tn_idx total = 1;
  for (tn_idx d = 0; d < p->nb; d++) {
    if (p->batch[d] < 0) return TN_E_OP;
    total *= p->batch[d];
  }
  if (b0 < 0 || b0 > b1 || b1 > total) return TN_E_OP;
  return TN_OK;
}

size_t tn_attention_workspace(int dtype, const tn_attention_params *p, int backward) {
  (void)dtype;
  const size_t doubles = backward ? (size_t)p->s * (size_t)(p->e + p->ev) + 2 * (size_t)p->e + (size_t)p->ev : TILE + (size_t)p->e + (size_t)p->ev;
  return (doubles * sizeof(double) + TN_VECTOR_BYTES - 1) / TN_VECTOR_BYTES * TN_VECTOR_BYTES;
}

/*
 * The scores of one batch: Q, K and the mask at that batch's offsets. score() of row i needs
 * row_begin(i) first, which rounds that row's q * scale into qs.
 */
#define DEFINE_ATTENTION(T, SUFFIX)                                                                                             \
  typedef struct {                                                                                                              \
    const T *q, *k, *mf;                                                                                                        \
    const uint8_t *mb;                                                                                                          \
    tn_idx qr, qe, kr, ke, mr, mc, e;                                                                                           \
    int causal, mask;                                                                                                           \
    double scale;                                                                                                               \
    double *qs;                                                                                                                 \
  } scores_##SUFFIX;                                                                                                            \
                                                                                                                                \
  static scores_##SUFFIX scores_at_##SUFFIX(const tn_attention_params *p, double scale, tn_idx b, const T *q, const T *k,      \
                                            const void *mask, double *qs) {                                                     \
    const tn_idx nb = p->nb;                                                                                                    \
    scores_##SUFFIX c;                                                                                                          \
    c.q = q + batch_offset(p, TN_ATTN_Q, b);                                                                                    \
    c.k = k + batch_offset(p, TN_ATTN_K, b);                                                                                    \
    c.mf = p->mask == TN_ATTN_MASK_FLOAT ? (const T *)mask + batch_offset(p, TN_ATTN_MASK, b) : NULL;                           \
    c.mb = p->mask == TN_ATTN_MASK_BOOL ? (const uint8_t *)mask + batch_offset(p, TN_ATTN_MASK, b) : NULL;                      \
    c.qr = p->strides[TN_ATTN_Q][nb];                                                                                           \
    c.qe = p->strides[TN_ATTN_Q][nb + 1];                                                                                       \
    c.kr = p->strides[TN_ATTN_K][nb];                                                                                           \
    c.ke = p->strides[TN_ATTN_K][nb + 1];                                                                                       \
    c.mr = p->mask == TN_ATTN_MASK_NONE ? 0 : p->strides[TN_ATTN_MASK][nb];                                                     \
    c.mc = p->mask == TN_ATTN_MASK_NONE ? 0 : p->strides[TN_ATTN_MASK][nb + 1];                                                 \
    c.e = p->e;                                                                                                                 \
    c.causal = p->causal != 0;                                                                                                  \
    c.mask = (int)p->mask;                                                                                                      \
    c.scale = scale;                                                                                                            \
    c.qs = qs;                                                                                                                  \
    return c;                                                                                                                   \
  }                                                                                                                             \
                                                                                                                                \
  static void row_begin_##SUFFIX(const scores_##SUFFIX *c, tn_idx i) {                                                          \
    const T *qi = c->q + i * c->qr;                                                                                             \
    for (tn_idx e = 0; e < c->e; e++) c->qs[e] = (double)(T)((double)qi[e * c->qe] * c->scale);                                 \
  }                                                                                                                             \
                                                                                                                                \
  /* The masked score of row i (after row_begin) against key j, or -inf where i may not attend to j. */                        \
  static double score_##SUFFIX(const scores_##SUFFIX *c, tn_idx i, tn_idx j) {                                                  \
    if (c->causal && j > i) return -__builtin_inf();                                                                            \
    if (c->mb != NULL && !c->mb[i * c->mr + j * c->mc]) return -__builtin_inf();                                                \
    const T *kj = c->k + j * c->kr;                                                                                             \
    double s = 0;                                                                                                               \
    for (tn_idx e = 0; e < c->e; e++) s += c->qs[e] * (double)kj[e * c->ke];                                                   \
    s = (double)(T)s;                                                                                                           \
    if (c->mf != NULL) s += (double)c->mf[i * c->mr + j * c->mc];                                                               \
    return s;                                                                                                                   \
  }                                                                                                                             \
                                                                                                                                \
  static void forward_##SUFFIX(const tn_attention_params *p, double scale, tn_idx b0, tn_idx b1, const T *q, const T *k,       \
                               const T *v, const void *mask, T *out, T *lse, double *ws) {                                      \
    const tn_idx nb = p->nb, L = p->l, S = p->s, Ev = p->ev;                                                                    \
    double *tile = ws, *qs = ws + TILE, *acc = qs + p->e;                                                                       \
    const tn_idx vr = p->strides[TN_ATTN_V][nb], ve = p->strides[TN_ATTN_V][nb + 1];                                            \
    const tn_idx outr = p->strides[TN_ATTN_OUT][nb], oute = p->strides[TN_ATTN_OUT][nb + 1];                                    \
    const tn_idx lser = p->strides[TN_ATTN_LSE][nb];                                                                            \
    for (tn_idx b = b0; b < b1; b++) {                                                                                          \
      const scores_##SUFFIX c = scores_at_##SUFFIX(p, scale, b, q, k, mask, qs);                                                \
      const T *vb = v + batch_offset(p, TN_ATTN_V, b);                                                                          \
      T *ob = out + batch_offset(p, TN_ATTN_OUT, b);                                                                            \
      T *lb = lse + batch_offset(p, TN_ATTN_LSE, b);                                                                            \
      for (tn_idx i = 0; i < L; i++) {                                                                                          \
        row_begin_##SUFFIX(&c, i);                                                                                              \
        double m = -__builtin_inf(), l = 0;                                                                                     \
        for (tn_idx e = 0; e < Ev; e++) acc[e] = 0;                                                                             \
        for (tn_idx j0 = 0; j0 < S; j0 += TILE) {                                                                               \
          const tn_idx n = S - j0 < TILE ? S - j0 : TILE;                                                                       \
          double tm = -__builtin_inf();                                                                                         \
          for (tn_idx t = 0; t < n; t++) {                                                                                      \
            const double s = score_##SUFFIX(&c, i, j0 + t);                                                                     \
            tile[t] = s;                                                                                                        \
            if (s > tm) tm = s;                                                                                                 \
          }                                                                                                                     \
          if (tm == -__builtin_inf()) continue;                                                                                 \
          const double m_new = m > tm ? m : tm;                                                                                 \
          /* The running sum and output were relative to the old max: rescale them to the new one. */                         \
          const double corr = tn_exp(m - m_new);                                                                                \
          if (corr != 1) {                                                                                                      \
            l *= corr;                                                                                                          \
            for (tn_idx e = 0; e < Ev; e++) acc[e] *= corr;                                                                     \
          }                                                                                                                     \
          for (tn_idx t = 0; t < n; t++) {                                                                                      \
            if (tile[t] == -__builtin_inf()) continue;                                                                          \
            const double pr = tn_exp(tile[t] - m_new);                                                                          \
            l += pr;                                                                                                            \
            const T *vj = vb + (j0 + t) * vr;                                                                                   \
            for (tn_idx e = 0; e < Ev; e++) acc[e] += pr * (double)vj[e * ve];                                                  \
          }                                                                                                                     \
          m = m_new;                                                                                                            \
        }                                                                                                                       \
        T *oi = ob + i * outr;                                                                                                  \
        if (l == 0) {                                                                                                           \
          for (tn_idx e = 0; e < Ev; e++) oi[e * oute] = 0;                                                                     \
          lb[i * lser] = (T)-__builtin_inf();                                                                                   \
        } else {                                                                                                                \
          for (tn_idx e = 0; e < Ev; e++) oi[e * oute] = (T)(acc[e] / l);                                                       \
          lb[i * lser] = (T)(m + tn_log(l));                                                                                    \
        }                                                                                                                       \
      }                                                                                                                         \
    }                                                                                                                           \
  }                                                                                                                             \
                                                                                                                                \
  static void backward_##SUFFIX(const tn_attention_params *p, double scale, tn_idx b0, tn_idx b1, const T *g, const T *q,      \
                                const T *k, const T *v, const void *mask, const T *y, const T *lse, T *dq, T *dk, T *dv,        \
                                double *ws) {                                                                                   \
    const tn_idx nb = p->nb, L = p->l, S = p->s, E = p->e, Ev = p->ev;                                                          \
    double *dks = ws, *dvs = dks + S * E, *dqr = dvs + S * Ev, *qs = dqr + E, *grow = qs + E;                                   \
    const tn_idx gr = p->strides[TN_ATTN_GRAD][nb], ge = p->strides[TN_ATTN_GRAD][nb + 1];                                      \
    const tn_idx kr = p->strides[TN_ATTN_K][nb], ke = p->strides[TN_ATTN_K][nb + 1];                                            \
    const tn_idx vr = p->strides[TN_ATTN_V][nb], ve = p->strides[TN_ATTN_V][nb + 1];                                            \
    const tn_idx yr = p->strides[TN_ATTN_OUT][nb], ye = p->strides[TN_ATTN_OUT][nb + 1];                                        \
    const tn_idx lser = p->strides[TN_ATTN_LSE][nb];                                                                            \
    const tn_idx dqr_ = p->strides[TN_ATTN_DQ][nb], dqe = p->strides[TN_ATTN_DQ][nb + 1];                                       \
    const tn_idx dkr = p->strides[TN_ATTN_DK][nb], dke = p->strides[TN_ATTN_DK][nb + 1];                                        \
    const tn_idx dvr = p->strides[TN_ATTN_DV][nb], dve = p->strides[TN_ATTN_DV][nb + 1];                                        \
    for (tn_idx b = b0; b < b1; b++) {                                                                                          \
      const scores_##SUFFIX c = scores_at_##SUFFIX(p, scale, b, q, k, mask, qs);                                                \
      const T *gb = g + batch_offset(p, TN_ATTN_GRAD, b), *kb = k + batch_offset(p, TN_ATTN_K, b);                              \
      const T *vb = v + batch_offset(p, TN_ATTN_V, b), *yb = y + batch_offset(p, TN_ATTN_OUT, b);                               \
      const T *lb = lse + batch_offset(p, TN_ATTN_LSE, b);                                                                      \
      T *dqb = dq + batch_offset(p, TN_ATTN_DQ, b), *dkb = dk + batch_offset(p, TN_ATTN_DK, b);                                 \
      T *dvb = dv + batch_offset(p, TN_ATTN_DV, b);                                                                             \
      for (tn_idx x = 0; x < S * E; x++) dks[x] = 0;                                                                            \
      for (tn_idx x = 0; x < S * Ev; x++) dvs[x] = 0;                                                                           \
      for (tn_idx i = 0; i < L; i++) {                                                                                          \
        row_begin_##SUFFIX(&c, i);                                                                                              \
        for (tn_idx e = 0; e < E; e++) dqr[e] = 0;                                                                              \
        const double li = (double)lb[i * lser];                                                                                 \
        double D = 0;                                                                                                           \
        for (tn_idx e = 0; e < Ev; e++) {                                                                                       \
          grow[e] = (double)gb[i * gr + e * ge];                                                                                \
          D += grow[e] * (double)yb[i * yr + e * ye];                                                                           \
        }                                                                                                                       \
        /* A row that attended to nothing has zero gradients (its output was the constant 0). */                               \
        if (li != -__builtin_inf())                                                                                             \
          for (tn_idx j = 0; j < S; j++) {                                                                                      \
            const double s = score_##SUFFIX(&c, i, j);                                                                          \
            if (s == -__builtin_inf()) continue;                                                                                \
            const double pr = tn_exp(s - li);                                                                                   \
            const T *vj = vb + j * vr;                                                                                          \
            double dp = 0;                                                                                                      \
            for (tn_idx e = 0; e < Ev; e++) {                                                                                   \
              dp += grow[e] * (double)vj[e * ve];                                                                               \
              dvs[j * Ev + e] += pr * grow[e];                                                                                  \
            }                                                                                                                   \
            const double ds = pr * (dp - D);                                                                                    \
            const T *kj = kb + j * kr;                                                                                          \
            for (tn_idx e = 0; e < E; e++) {                                                                                    \
              dqr[e] += ds * (double)kj[e * ke];                                                                                \
              dks[j * E + e] += ds * qs[e];                                                                                     \
            }                                                                                                                   \
          }                                                                                                                     \
        for (tn_idx e = 0; e < E; e++) dqb[i * dqr_ + e * dqe] = (T)(dqr[e] * scale);                                           \
      }                                                                                                                         \
      for (tn_idx j = 0; j < S; j++) {                                                                                          \
        for (tn_idx e = 0; e < E; e++) dkb[j * dkr + e * dke] = (T)dks[j * E + e];                                              \
        for (tn_idx e = 0; e < Ev; e++) dvb[j * dvr + e * dve] = (T)dvs[j * Ev + e];                                            \
      }                                                                                                                         \
    }                                                                                                                           \
  }

DEFINE_ATTENTION(float, f32)
DEFINE_ATTENTION(double, f64)

int tn_attention_forward(int dtype, const tn_attention_params *p, double scale, tn_idx b0, tn_idx b1, const void *q, const void *k, const void *v,
                         const void *mask, void *out, void *lse, void *workspace) {
  const int status = check(dtype, p, b0, b1);
  if (status != TN_OK) return status;
  if (dtype == TN_F32) forward_f32(p, scale, b0, b1, q, k, v, mask, out, lse, workspace);
  else forward_f64(p, scale, b0, b1, q, k, v, mask, out, lse, workspace);
  return TN_OK;
}

int tn_attention_backward(int dtype, const tn_attention_params *p, double scale, tn_idx b0, tn_idx b1, const void *grad, const void *q, const void *k,
                          const void *v, const void *mask, const void *out, const void *lse, void *dq, void *dk, void *dv, void *workspace) {
  const int status = check(dtype, p, b0, b1);
  if (status != TN_OK) return status;
  if (dtype == TN_F32) backward_f32(p, scale, b0, b1, grad, q, k, v, mask, out, lse, dq, dk, dv, workspace);
  else backward_f64(p, scale, b0, b1, grad, q, k, v, mask, out, lse, dq, dk, dv, workspace);
  return TN_OK;
}
