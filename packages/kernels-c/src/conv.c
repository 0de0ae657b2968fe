/*
 * 2-D convolution (conv1d is its H = 1 case) forward, input gradient and
 * weight gradient, with stride, zero padding, dilation and groups, on
 * contiguous NCHW tensors.
 *
 * float32 is an implicit GEMM: matmul.c's packed MR x NR micro-kernel, with
 * the B panels packed straight from the image (the im2col columns of one
 * KC x NC panel at a time, never the whole column matrix):
 *   forward       y[n, g]  = W[g] (Og x CgK) @ cols (CgK x L)
 *   weight grad   gW[g]   += gy[n, g] (Og x L) @ cols^T (L x CgK)
 *   input grad    a tile of dcols = W[g]^T @ gy[n, g] (CgK x LB), added back
 *                 into gx window by window (col2im of one tile at a time).
 * Accumulation is float32, as the composite's matmul. float64 runs direct
 * loops with double accumulation.
 */
#include "gemm.h"

/* Output columns per input-gradient tile. */
#ifndef CONV_LB
#define CONV_LB 256
#endif

typedef struct {
  const tn_conv2d_params *p;
  const float *x; /* the image's group: [Cg, H, W] */
} cols_src;

/* One im2col row k = (ci, kh, kw): the input plane and offsets it reads. */
typedef struct {
  const float *plane;
  tn_idx ih0, iw0; /* input position of output (0, 0) */
} row_info;

TN_INLINE row_info row_of(const cols_src *s, tn_idx k) {
  const tn_conv2d_params *p = s->p;
  tn_idx kk = p->kh * p->kw;
  tn_idx ci = k / kk, r = k % kk, kh = r / p->kw, kw = r % p->kw;
  row_info ri;
  ri.plane = s->x + ci * p->h * p->w;
  ri.ih0 = kh * p->dil_h - p->pad_h;
  ri.iw0 = kw * p->dil_w - p->pad_w;
  return ri;
}

/* ow range [lo, hi) whose iw = iw0 + ow * sw lies in [0, W). */
TN_INLINE void valid_ow(const tn_conv2d_params *p, tn_idx iw0, tn_idx *lo, tn_idx *hi) {
  tn_idx sw = p->stride_w;
  tn_idx a = iw0 >= 0 ? 0 : (-iw0 + sw - 1) / sw;
  tn_idx b = p->w - iw0 <= 0 ? 0 : (p->w - iw0 + sw - 1) / sw; /* first ow with iw >= W */
  if (b > p->ow) b = p->ow;
  if (a > b) a = b;
  *lo = a;
  *hi = b;
}

/*
 * Forward B panel: rows k in [k0, k0 + kc) of cols, columns l in [l0, l0 + n),
 * into NR-wide strips (pb[strip][k][c], zero beyond n).
 */
PACK_FN void pack_cols(const cols_src *s, tn_idx k0, tn_idx kc, tn_idx l0, tn_idx n, float *pb) {
  const tn_conv2d_params *p = s->p;
  tn_idx strips = round_up(n, NR) / NR;
  for (tn_idx k = 0; k < kc; k++) {
    row_info ri = row_of(s, k0 + k);
    tn_idx lo, hi;
    valid_ow(p, ri.iw0, &lo, &hi);
    float *dst = pb + k * NR;
    tn_idx l = l0, j = 0;
    while (j < n) {
      tn_idx oh = l / p->ow, ow = l % p->ow;
      tn_idx run = p->ow - ow;
      if (run > n - j) run = n - j;
      tn_idx ih = ri.ih0 + oh * p->stride_h;
      if (ih < 0 || ih >= p->h) {
        for (tn_idx t = 0; t < run; t++, j++) dst[(j / NR) * kc * NR + j % NR] = 0.0f;
      } else {
        const float *src = ri.plane + ih * p->w + ri.iw0;
        tn_idx sw = p->stride_w;
        for (tn_idx t = 0; t < run; t++, j++) {
          tn_idx o = ow + t;
          dst[(j / NR) * kc * NR + j % NR] = (o >= lo && o < hi) ? src[o * sw] : 0.0f;
        }
      }
      l += run;
    }
    for (; j < strips * NR; j++) dst[(j / NR) * kc * NR + j % NR] = 0.0f;
  }
}

/*
 * Weight-gradient B panel: B = cols^T, rows l in [l0, l0 + kc) (pixels),
 * columns k in [k0, k0 + n) (im2col rows), into NR-wide strips.
 */
PACK_FN void pack_cols_t(const cols_src *s, tn_idx l0, tn_idx kc, tn_idx k0, tn_idx n, float *pb) {
  const tn_conv2d_params *p = s->p;
  for (tn_idx j = 0; j < round_up(n, NR); j++) {
    float *dst = pb + (j / NR) * kc * NR + j % NR;
    if (j >= n) {
      for (tn_idx t = 0; t < kc; t++) dst[t * NR] = 0.0f;
      continue;
    }
    row_info ri = row_of(s, k0 + j);
    tn_idx lo, hi;
    valid_ow(p, ri.iw0, &lo, &hi);
    tn_idx l = l0, t = 0;
    while (t < kc) {
      tn_idx oh = l / p->ow, ow = l % p->ow;
      tn_idx run = p->ow - ow;
      if (run > kc - t) run = kc - t;
      tn_idx ih = ri.ih0 + oh * p->stride_h;
      if (ih < 0 || ih >= p->h) {
        for (tn_idx u = 0; u < run; u++, t++) dst[t * NR] = 0.0f;
      } else {
        const float *src = ri.plane + ih * p->w + ri.iw0;
        tn_idx sw = p->stride_w;
        for (tn_idx u = 0; u < run; u++, t++) {
          tn_idx o = ow + u;
          dst[t * NR] = (o >= lo && o < hi) ? src[o * sw] : 0.0f;
        }
      }
      l += run;
    }
  }
}

enum { B_PLAIN, B_COLS, B_COLS_T };

/*
 * C (M x N, row stride ldc) (+)= A (M x K, strides a_rs, a_cs) @ B, B either a
 * strided matrix (b, b_rs, b_cs) or the implicit columns of `s`. With
 * `accumulate` C is added to, else overwritten.
 */
static void conv_gemm(tn_idx M, tn_idx K, tn_idx N, const float *a, tn_idx a_rs, tn_idx a_cs, int bkind, const cols_src *s, const float *b, tn_idx b_rs,
                      tn_idx b_cs, float *c, tn_idx ldc, int accumulate, float *ws) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate)
      for (tn_idx i = 0; i < M; i++)
        for (tn_idx j = 0; j < N; j++) c[i * ldc + j] = 0;
    return;
  }
  tn_idx kcap = min_i(K, KC);
  float *pb = ws;
  float *pa = ws + kcap * round_up(min_i(N, NC), NR);
  for (tn_idx jc = 0; jc < N; jc += NC) {
    tn_idx nc = min_i(NC, N - jc);
    for (tn_idx pc = 0; pc < K; pc += KC) {
      tn_idx kc = min_i(KC, K - pc);
      if (bkind == B_COLS) pack_cols(s, pc, kc, jc, nc, pb);
      else if (bkind == B_COLS_T) pack_cols_t(s, pc, kc, jc, nc, pb);
      else pack_b(b + pc * b_rs + jc * b_cs, b_rs, b_cs, kc, nc, pb);
      for (tn_idx ic = 0; ic < M; ic += MC) {
        tn_idx mc = min_i(MC, M - ic);
        pack_a(a + ic * a_rs + pc * a_cs, a_rs, a_cs, mc, kc, pa);
        for (tn_idx jr = 0; jr < nc; jr += NR)
          for (tn_idx ir = 0; ir < mc; ir += MR)
            micro(kc, pa + ir * kc, pb + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, min_i(MR, mc - ir), min_i(NR, nc - jr), accumulate || pc > 0);
      }
    }
  }
}

static size_t gemm_ws(tn_idx M, tn_idx K, tn_idx N) {
  tn_idx kc = min_i(K, KC), mc = round_up(min_i(M, MC), MR), nc = round_up(min_i(N, NC), NR);
  if (kc < 1) kc = 1;
  return (size_t)(mc * kc + kc * nc);
}

static int check_params(int dtype, const tn_conv2d_params *p) {
  if (dtype != TN_F32 && dtype != TN_F64) return TN_E_DTYPE;
  if (p->groups < 1 || p->c % p->groups != 0 || p->o % p->groups != 0 || p->stride_h < 1 || p->stride_w < 1 || p->dil_h < 1 || p->dil_w < 1 || p->pad_h < 0 ||
      p->pad_w < 0 || p->kh < 1 || p->kw < 1)
    return TN_E_DIMS;
  return TN_OK;
}

size_t tn_conv2d_workspace(int dtype, const tn_conv2d_params *p) {
  if (dtype != TN_F32) return 0;
  tn_idx G = p->groups < 1 ? 1 : p->groups;
  tn_idx Cg = p->c / G, Og = p->o / G, CgK = Cg * p->kh * p->kw, L = p->oh * p->ow;
  size_t fwd = gemm_ws(Og, CgK, L);
  size_t wgt = gemm_ws(Og, L, CgK);
  tn_idx lb = min_i(L, CONV_LB);
  size_t inp = gemm_ws(CgK, Og, lb) + (size_t)round_up(CgK * lb, VL);
  size_t m = fwd > wgt ? fwd : wgt;
  if (inp > m) m = inp;
  return m * sizeof(float);
}

/* ---- float64: direct loops ---- */

#define FOR_WINDOW(body)                                                                  \
  for (tn_idx ci = 0; ci < Cg; ci++)                                                      \
    for (tn_idx kh = 0; kh < p->kh; kh++) {                                               \
      tn_idx ih = oh * p->stride_h - p->pad_h + kh * p->dil_h;                            \
      if (ih < 0 || ih >= p->h) continue;                                                 \
      for (tn_idx kw = 0; kw < p->kw; kw++) {                                             \
        tn_idx iw = ow * p->stride_w - p->pad_w + kw * p->dil_w;                          \
        if (iw < 0 || iw >= p->w) continue;                                               \
        tn_idx xi = (ci * p->h + ih) * p->w + iw, wi = (ci * p->kh + kh) * p->kw + kw;    \
        body;                                                                             \
      }                                                                                   \
    }

static void forward_f64(const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const double *x, const double *w, double *y) {
  tn_idx G = p->groups, Cg = p->c / G, Og = p->o / G, L = p->oh * p->ow, CgK = Cg * p->kh * p->kw;
  for (tn_idx n = n0; n < n1; n++)
    for (tn_idx g = 0; g < G; g++) {
      const double *xg = x + (n * p->c + g * Cg) * p->h * p->w;
      for (tn_idx o = 0; o < Og; o++) {
        const double *wo = w + (g * Og + o) * CgK;
        double *yo = y + (n * p->o + g * Og + o) * L;
        for (tn_idx oh = 0; oh < p->oh; oh++)
          for (tn_idx ow = 0; ow < p->ow; ow++) {
            double acc = 0;
            FOR_WINDOW(acc += wo[wi] * xg[xi])
            yo[oh * p->ow + ow] = acc;
          }
      }
    }
}

static void input_grad_f64(const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const double *gy, const double *w, double *gx) {
  tn_idx G = p->groups, Cg = p->c / G, Og = p->o / G, L = p->oh * p->ow, CgK = Cg * p->kh * p->kw;
  for (tn_idx i = n0 * p->c * p->h * p->w; i < n1 * p->c * p->h * p->w; i++) gx[i] = 0;
  for (tn_idx n = n0; n < n1; n++)
    for (tn_idx g = 0; g < G; g++) {
      double *xg = gx + (n * p->c + g * Cg) * p->h * p->w;
      for (tn_idx o = 0; o < Og; o++) {
        const double *wo = w + (g * Og + o) * CgK;
        const double *go = gy + (n * p->o + g * Og + o) * L;
        for (tn_idx oh = 0; oh < p->oh; oh++)
          for (tn_idx ow = 0; ow < p->ow; ow++) {
            double v = go[oh * p->ow + ow];
            FOR_WINDOW(xg[xi] += wo[wi] * v)
          }
      }
    }
}

static void weight_grad_f64(const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const double *x, const double *gy, double *gw, int accumulate) {
  tn_idx G = p->groups, Cg = p->c / G, Og = p->o / G, L = p->oh * p->ow, CgK = Cg * p->kh * p->kw;
  if (!accumulate)
    for (tn_idx i = 0; i < p->o * CgK; i++) gw[i] = 0;
  for (tn_idx n = n0; n < n1; n++)
    for (tn_idx g = 0; g < G; g++) {
      const double *xg = x + (n * p->c + g * Cg) * p->h * p->w;
      for (tn_idx o = 0; o < Og; o++) {
        double *wo = gw + (g * Og + o) * CgK;
        const double *go = gy + (n * p->o + g * Og + o) * L;
        for (tn_idx oh = 0; oh < p->oh; oh++)
          for (tn_idx ow = 0; ow < p->ow; ow++) {
            double v = go[oh * p->ow + ow];
            FOR_WINDOW(wo[wi] += xg[xi] * v)
          }
      }
    }
}

/* ---- entry points ---- */

int tn_conv2d_forward(int dtype, const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const void *x, const void *w, void *y, void *workspace) {
  int s = check_params(dtype, p);
  if (s != TN_OK) return s;
  if (dtype == TN_F64) {
    forward_f64(p, n0, n1, (const double *)x, (const double *)w, (double *)y);
    return TN_OK;
  }
  tn_idx G = p->groups, Cg = p->c / G, Og = p->o / G, L = p->oh * p->ow, CgK = Cg * p->kh * p->kw;
  for (tn_idx n = n0; n < n1; n++)
    for (tn_idx g = 0; g < G; g++) {
      cols_src src = {p, (const float *)x + (n * p->c + g * Cg) * p->h * p->w};
      conv_gemm(Og, CgK, L, (const float *)w + g * Og * CgK, CgK, 1, B_COLS, &src, NULL, 0, 0, (float *)y + (n * p->o + g * Og) * L, L, 0, (float *)workspace);
    }
  return TN_OK;
}

int tn_conv2d_input_grad(int dtype, const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const void *grad, const void *w, void *gx, void *workspace) {
  int s = check_params(dtype, p);
  if (s != TN_OK) return s;
  if (dtype == TN_F64) {
    input_grad_f64(p, n0, n1, (const double *)grad, (const double *)w, (double *)gx);
    return TN_OK;
  }
  tn_idx G = p->groups, Cg = p->c / G, Og = p->o / G, L = p->oh * p->ow, CgK = Cg * p->kh * p->kw;
  tn_idx HW = p->h * p->w;
  float *GX = (float *)gx;
  for (tn_idx i = n0 * p->c * HW; i < n1 * p->c * HW; i++) GX[i] = 0;
  tn_idx lb = min_i(L, CONV_LB);
  float *ws = (float *)workspace;
  float *tile = ws + gemm_ws(CgK, Og, lb);
  for (tn_idx n = n0; n < n1; n++)
    for (tn_idx g = 0; g < G; g++) {
      const float *wg = (const float *)w + g * Og * CgK;
      const float *gyg = (const float *)grad + (n * p->o + g * Og) * L;
      cols_src src = {p, NULL};
      float *xg = GX + (n * p->c + g * Cg) * HW;
      for (tn_idx l0 = 0; l0 < L; l0 += lb) {
        tn_idx nb = min_i(lb, L - l0);
        /* tile (CgK x nb) = W[g]^T @ gy[n, g][:, l0 : l0 + nb] */
        conv_gemm(CgK, Og, nb, wg, 1, CgK, B_PLAIN, NULL, gyg + l0, L, 1, tile, nb, 0, ws);
        /* col2im of the tile */
        for (tn_idx k = 0; k < CgK; k++) {
          src.x = xg;
          row_info ri = row_of(&src, k);
          float *plane = (float *)ri.plane;
          tn_idx lo, hi;
          valid_ow(p, ri.iw0, &lo, &hi);
          const float *tr = tile + k * nb;
          tn_idx l = l0, j = 0;
          while (j < nb) {
            tn_idx oh = l / p->ow, ow = l % p->ow;
            tn_idx run = p->ow - ow;
            if (run > nb - j) run = nb - j;
            tn_idx ih = ri.ih0 + oh * p->stride_h;
            if (ih >= 0 && ih < p->h) {
              float *dst = plane + ih * p->w + ri.iw0;
              tn_idx a = lo > ow ? lo : ow, b = hi < ow + run ? hi : ow + run;
              tn_idx sw = p->stride_w;
              const float *sr = tr + j - ow;
              for (tn_idx o = a; o < b; o++) dst[o * sw] += sr[o];
            }
            j += run;
            l += run;
          }
        }
      }
    }
  return TN_OK;
}

int tn_conv2d_weight_grad(int dtype, const tn_conv2d_params *p, tn_idx n0, tn_idx n1, const void *x, const void *grad, void *gw, int accumulate, void *workspace) {
  int s = check_params(dtype, p);
  if (s != TN_OK) return s;
  if (dtype == TN_F64) {
    weight_grad_f64(p, n0, n1, (const double *)x, (const double *)grad, (double *)gw, accumulate);
    return TN_OK;
  }
  tn_idx G = p->groups, Cg = p->c / G, Og = p->o / G, L = p->oh * p->ow, CgK = Cg * p->kh * p->kw;
  float *GW = (float *)gw;
  if (!accumulate && n1 <= n0)
    for (tn_idx i = 0; i < p->o * CgK; i++) GW[i] = 0;
  for (tn_idx n = n0; n < n1; n++)
    for (tn_idx g = 0; g < G; g++) {
      cols_src src = {p, (const float *)x + (n * p->c + g * Cg) * p->h * p->w};
      conv_gemm(Og, L, CgK, (const float *)grad + (n * p->o + g * Og) * L, L, 1, B_COLS_T, &src, NULL, 0, 0, GW + g * Og * CgK, CgK, accumulate || n > n0,
                (float *)workspace);
    }
  return TN_OK;
}
