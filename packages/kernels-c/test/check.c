/*
 * A native build of the shared kernels checked against straightforward
 * double-precision references. The wasm build is covered by backend-wasm's
 * tests; this catches what only the native build sees (32-byte vectors, the
 * host compiler, libm). Exit status: number of failed checks.
 */
#include "../include/tensile_kernels.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void expect(int ok, const char *what, double got, double want) {
  if (!ok) {
    failures++;
    fprintf(stderr, "FAIL %s: got %.9g, want %.9g\n", what, got, want);
  }
}

static int close_to(double got, double want, double rtol, double atol) {
  if (isnan(want)) return isnan(got);
  if (isinf(want)) return got == want;
  return fabs(got - want) <= atol + rtol * fabs(want);
}

static float value(int i) { return (float)(((i * 7919) % 2001) - 1000) / 250.0f; }

static void check_matmul(tn_idx M, tn_idx K, tn_idx N, int transpose_b) {
  float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N), *c = malloc(sizeof(float) * (M * N + 1));
  for (tn_idx i = 0; i < M * K; i++) a[i] = value((int)i);
  for (tn_idx i = 0; i < K * N; i++) b[i] = value((int)i + 5);
  size_t bytes = tn_matmul_workspace(TN_F32, M, K, N);
  void *ws = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
  /* b read as [K, N]: row-major, or the transpose of a row-major [N, K]. */
  tn_idx rs = transpose_b ? 1 : N, cs = transpose_b ? K : 1;
  expect(tn_matmul(TN_F32, 1, M, K, N, a, 0, K, 1, b, 0, rs, cs, c, ws) == TN_OK, "matmul status", 0, 0);
  for (tn_idx i = 0; i < M; i++)
    for (tn_idx j = 0; j < N; j++) {
      double want = 0;
      for (tn_idx k = 0; k < K; k++) want += (double)a[i * K + k] * b[k * rs + j * cs];
      char what[64];
      snprintf(what, sizeof what, "matmul %dx%dx%d%s [%d,%d]", (int)M, (int)K, (int)N, transpose_b ? " bT" : "", (int)i, (int)j);
      expect(close_to(c[i * N + j], want, 1e-4, 1e-3), what, c[i * N + j], want);
    }
  free(a), free(b), free(c), free(ws);
}

static double reference(int op, double x) {
  switch (op) {
    case TN_EXP: return exp(x);
    case TN_LOG: return log(x);
    case TN_LOG1P: return log1p(x);
    case TN_EXPM1: return expm1(x);
    case TN_SQRT: return sqrt(x);
    case TN_TANH: return tanh(x);
    case TN_SIGMOID: return 1 / (1 + exp(-x));
    case TN_SOFTPLUS: return x > 20 ? x : log1p(exp(x));
    case TN_ROUND: return nearbyint(x);
    case TN_FLOOR: return floor(x);
    default: return NAN;
  }
}

static void check_unary(void) {
  static const int ops[] = {TN_EXP, TN_LOG, TN_LOG1P, TN_EXPM1, TN_SQRT, TN_TANH, TN_SIGMOID, TN_SOFTPLUS, TN_ROUND, TN_FLOOR};
  static const float special[] = {0.0f, -0.0f, 0.5f, -0.5f, 2.5f, -2.5f, 1e-30f, -1e-30f, 88.0f, -90.0f, 1e30f, -1e30f, INFINITY, -INFINITY, NAN, 1e-41f};
  enum { N = 1000 + sizeof special / sizeof *special };
  float x[N], y[N];
  for (int i = 0; i < 1000; i++) x[i] = value(i) * 5;
  for (unsigned i = 0; i < sizeof special / sizeof *special; i++) x[1000 + i] = special[i];
  tn_idx shape[1] = {N}, one[1] = {1};
  for (unsigned o = 0; o < sizeof ops / sizeof *ops; o++) {
    expect(tn_unary(ops[o], TN_F32, TN_F32, 1, shape, x, one, y, one) == TN_OK, "unary status", 0, 0);
    for (int i = 0; i < N; i++) {
      double want = (float)reference(ops[o], x[i]);
      char what[64];
      snprintf(what, sizeof what, "unary op %d at x = %g", ops[o], x[i]);
      expect(close_to(y[i], want, 3e-6, 1e-37), what, y[i], want);
    }
  }
}

static void check_reduce_and_softmax(void) {
  enum { N = 1 << 20 };
  float *x = malloc(sizeof(float) * N);
  for (int i = 0; i < N; i++) x[i] = 1.0f;
  float s;
  tn_reduce(TN_SUM, TN_F32, TN_F32, x, 1, N, 1, &s);
  expect(s == (float)N, "sum of ones", s, N);
  for (int i = 0; i < 37; i++) x[i] = value(i);
  float out[37];
  tn_softmax_f32(x, out, 1, 37, 1, 0);
  double m = -INFINITY, total = 0;
  for (int i = 0; i < 37; i++) m = x[i] > m ? x[i] : m;
  for (int i = 0; i < 37; i++) total += exp(x[i] - m);
  for (int i = 0; i < 37; i++) expect(close_to(out[i], exp(x[i] - m) / total, 1e-5, 1e-7), "softmax", out[i], exp(x[i] - m) / total);
  free(x);
}

/* Reference extreme of n values at stride s: NaN wins, the first extreme is kept. */
static void ref_extreme(const float *p, tn_idx n, tn_idx s, int is_max, float *best, int *at) {
  *best = p[0];
  *at = 0;
  for (tn_idx j = 1; j < n && *best == *best; j++) {
    float v = p[j * s];
    if (v != v || (is_max ? v > *best : v < *best)) {
      *best = v;
      *at = (int)j;
    }
  }
}

/* Rows of every length around the vector widths (ties everywhere, NaN anywhere or nowhere) and columns. */
static void check_extremes(void) {
  enum { R = 3, MAXN = 140 };
  float x[R * MAXN], got[MAXN];
  int32_t idx[MAXN];
  for (tn_idx n = 1; n <= MAXN; n += (n < 40 ? 1 : 13))
    for (int nan_at = -1; nan_at < n; nan_at += (nan_at < 0 ? 1 + (int)(n / 3) : 1 + (int)(n / 2))) {
      for (int i = 0; i < R * n; i++) x[i] = floorf(value(i * 3 + (int)n));
      if (nan_at >= 0) x[n + nan_at] = NAN; /* the middle row only */
      for (int is_max = 0; is_max < 2; is_max++) {
        tn_reduce(is_max ? TN_AMAX : TN_AMIN, TN_F32, TN_F32, x, R, n, 1, got);
        tn_reduce(is_max ? TN_ARGMAX : TN_ARGMIN, TN_F32, TN_I32, x, R, n, 1, idx);
        for (int o = 0; o < R; o++) {
          float want;
          int at;
          ref_extreme(x + o * n, n, 1, is_max, &want, &at);
          expect(close_to(got[o], want, 0, 0), is_max ? "amax row" : "amin row", got[o], want);
          expect(idx[o] == at, is_max ? "argmax row" : "argmin row", idx[o], at);
        }
        /* float64 rows take the scalar path. */
        double xd[R * MAXN];
        for (int i = 0; i < R * n; i++) xd[i] = x[i];
        tn_reduce(is_max ? TN_ARGMAX : TN_ARGMIN, TN_F64, TN_I32, xd, R, n, 1, idx);
        for (int o = 0; o < R; o++) {
          float want;
          int at;
          ref_extreme(x + o * n, n, 1, is_max, &want, &at);
          expect(idx[o] == at, is_max ? "argmax row f64" : "argmin row f64", idx[o], at);
        }
        /* The same data as [1, R, n]: R values per column. */
        tn_reduce(is_max ? TN_ARGMAX : TN_ARGMIN, TN_F32, TN_I32, x, 1, R, n, idx);
        for (tn_idx c = 0; c < n; c++) {
          float want;
          int at;
          ref_extreme(x + c, R, n, is_max, &want, &at);
          expect(idx[c] == at, is_max ? "argmax column" : "argmin column", idx[c], at);
        }
      }
    }
}

/* float32 and float64 sums of rows and columns of awkward lengths against float64 references. */
static void check_sums(void) {
  enum { MAXN = 700 };
  static float x[3 * MAXN];
  static double xd[3 * MAXN];
  float got[MAXN];
  double gotd[3];
  for (tn_idx n = 1; n <= MAXN; n += (n < 70 ? 1 : 97)) {
    for (int i = 0; i < 3 * n; i++) xd[i] = x[i] = value(i + (int)n);
    tn_reduce(TN_SUM, TN_F32, TN_F32, x, 3, n, 1, got);
    tn_reduce(TN_SUM, TN_F64, TN_F64, xd, 3, n, 1, gotd);
    for (int o = 0; o < 3; o++) {
      double want = 0;
      for (tn_idx j = 0; j < n; j++) want += x[o * n + j];
      expect(close_to(got[o], want, 1e-6, 1e-5), "sum row f32", got[o], want);
      expect(close_to(gotd[o], want, 1e-12, 1e-12), "sum row f64", gotd[o], want);
    }
    tn_reduce(TN_SUM, TN_F32, TN_F32, x, 1, 3, n, got);
    for (tn_idx c = 0; c < n; c++) {
      double want = (double)x[c] + x[n + c] + x[2 * n + c];
      expect(close_to(got[c], want, 1e-6, 1e-6), "sum column f32", got[c], want);
    }
  }
  /* Many rows per column: the float32 blocks and their float64 total. */
  enum { ROWS = 1000, COLS = 70 };
  float *m = malloc(sizeof(float) * ROWS * COLS);
  for (int i = 0; i < ROWS * COLS; i++) m[i] = value(i) + 1000.0f;
  tn_reduce(TN_SUM, TN_F32, TN_F32, m, 1, ROWS, COLS, got);
  for (int c = 0; c < COLS; c++) {
    double want = 0;
    for (int j = 0; j < ROWS; j++) want += m[j * COLS + c];
    expect(close_to(got[c], want, 1e-6, 0), "sum long column f32", got[c], want);
  }
  free(m);
}

static void check_fill(void) {
  float f[21];
  int32_t k[21];
  uint8_t b[21];
  tn_idx shape[1] = {7}, stride[1] = {3};
  for (int i = 0; i < 21; i++) f[i] = -1, k[i] = -1, b[i] = 7;
  tn_fill(TN_F32, 1, shape, f, stride, 0.1);
  tn_fill(TN_I32, 1, shape, k, stride, -2.5e9);
  tn_fill(TN_BOOL, 1, shape, b, stride, 0.5);
  for (int i = 0; i < 21; i++) {
    int on = i % 3 == 0;
    expect(f[i] == (on ? 0.1f : -1.0f), "fill f32", f[i], on ? 0.1f : -1.0f);
    /* -2.5e9 wraps modulo 2^32 as JavaScript's ToInt32 does. */
    expect(k[i] == (on ? 1794967296 : -1), "fill i32", k[i], on ? 1794967296 : -1);
    expect(b[i] == (on ? 1 : 7), "fill bool", b[i], on ? 1 : 7);
  }
}

/* Both softmax gradients on rows (inner 1, vector path plus tail) and on strided lines (inner 3), against double references. */
static void check_softmax_backward(void) {
  enum { OUTER = 2, N = 37, INNER = 3, TOTAL = OUTER * N * INNER };
  float g[TOTAL], y[TOTAL], out[TOTAL];
  for (int i = 0; i < TOTAL; i++) g[i] = value(i), y[i] = value(i + 11) / 4;
  for (int log = 0; log <= 1; log++)
    for (int inner = 1; inner <= INNER; inner += INNER - 1) {
      tn_idx outer = TOTAL / (N * inner);
      expect(tn_softmax_backward_f32(g, y, out, outer, N, inner, log) == TN_OK, "softmax backward status", 0, 0);
      for (tn_idx o = 0; o < outer; o++)
        for (tn_idx c = 0; c < inner; c++) {
          double s = 0;
          for (int j = 0; j < N; j++) {
            tn_idx k = o * N * inner + c + j * inner;
            s += log ? g[k] : (double)g[k] * y[k];
          }
          for (int j = 0; j < N; j++) {
            tn_idx k = o * N * inner + c + j * inner;
            double want = log ? g[k] - exp(y[k]) * s : y[k] * (g[k] - s);
            expect(close_to(out[k], want, 1e-5, 1e-5), log ? "log_softmax backward" : "softmax backward", out[k], want);
          }
        }
    }
}

/* Adam and AdamW (with amsgrad and maximize) over 13 elements, vector path plus tail, against a double reference. */
static void check_adam(void) {
  enum { N = 13 };
  for (int variant = 0; variant < 2; variant++) {
    float p[N], g[N], m[N], v[N], mx[N];
    for (int i = 0; i < N; i++) p[i] = value(i), g[i] = value(i + 3), m[i] = value(i + 5) / 10, v[i] = fabsf(value(i + 7)) / 10, mx[i] = i % 2 ? 0 : 1;
    tn_adam_options o = {.lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.1, .decoupled = variant, .maximize = variant};
    o.step_size = o.lr / (1 - pow(o.beta1, 3));
    o.bias2_sqrt = sqrt(1 - pow(o.beta2, 3));
    float p0[N], m0[N], v0[N], mx0[N];
    for (int i = 0; i < N; i++) p0[i] = p[i], m0[i] = m[i], v0[i] = v[i], mx0[i] = mx[i];
    expect(tn_adam_f32(p, g, m, v, variant ? mx : NULL, N, &o) == TN_OK, "adam status", 0, 0);
    for (int i = 0; i < N; i++) {
      double d = variant ? -g[i] : g[i], pp = p0[i];
      if (variant) pp *= 1 - o.lr * o.weight_decay;
      else d += o.weight_decay * pp;
      double mm = o.beta1 * m0[i] + (1 - o.beta1) * d, vv = o.beta2 * v0[i] + (1 - o.beta2) * d * d;
      double second = variant ? fmax(mx0[i], vv) : vv;
      double want = pp - o.step_size * mm / (sqrt(second) / o.bias2_sqrt + o.eps);
      expect(close_to(m[i], mm, 1e-5, 1e-7), "adam exp_avg", m[i], mm);
      expect(close_to(v[i], vv, 1e-5, 1e-7), "adam exp_avg_sq", v[i], vv);
      if (variant) expect(close_to(mx[i], second, 1e-5, 1e-7), "adam max_exp_avg_sq", mx[i], second);
      expect(close_to(p[i], want, 1e-5, 1e-6), "adam param", p[i], want);
    }
  }
}

/*
 * The three conv2d kernels (float32 implicit GEMM and float64 loops) against a
 * double reference of the definition, over stride, padding, dilation, groups
 * and sizes that leave partial micro-tiles, panels and gradient tiles.
 */
static void check_conv(tn_idx N, tn_idx C, tn_idx H, tn_idx W, tn_idx O, tn_idx KH, tn_idx KW, tn_idx G, tn_idx sh, tn_idx sw, tn_idx ph, tn_idx pw, tn_idx dh,
                       tn_idx dw) {
  tn_idx OH = (H + 2 * ph - dh * (KH - 1) - 1) / sh + 1, OW = (W + 2 * pw - dw * (KW - 1) - 1) / sw + 1;
  tn_conv2d_params p = {N, C, H, W, O, KH, KW, OH, OW, G, sh, sw, ph, pw, dh, dw};
  tn_idx Cg = C / G, Og = O / G, nx = N * C * H * W, nw = O * Cg * KH * KW, ny = N * O * OH * OW;
  double *x = malloc(sizeof(double) * nx), *w = malloc(sizeof(double) * nw), *gy = malloc(sizeof(double) * ny);
  double *y = calloc(ny, sizeof(double)), *gx = calloc(nx, sizeof(double)), *gw = calloc(nw, sizeof(double));
  for (tn_idx i = 0; i < nx; i++) x[i] = (float)value((int)i);
  for (tn_idx i = 0; i < nw; i++) w[i] = (float)value((int)i + 3);
  for (tn_idx i = 0; i < ny; i++) gy[i] = (float)value((int)i + 11);
  for (tn_idx n = 0; n < N; n++)
    for (tn_idx o = 0; o < O; o++)
      for (tn_idx oh = 0; oh < OH; oh++)
        for (tn_idx ow = 0; ow < OW; ow++) {
          tn_idx g = o / Og, yi = ((n * O + o) * OH + oh) * OW + ow;
          for (tn_idx ci = 0; ci < Cg; ci++)
            for (tn_idx kh = 0; kh < KH; kh++)
              for (tn_idx kw = 0; kw < KW; kw++) {
                tn_idx ih = oh * sh - ph + kh * dh, iw = ow * sw - pw + kw * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                tn_idx xi = ((n * C + g * Cg + ci) * H + ih) * W + iw, wi = ((o * Cg + ci) * KH + kh) * KW + kw;
                y[yi] += w[wi] * x[xi];
                gx[xi] += w[wi] * gy[yi];
                gw[wi] += x[xi] * gy[yi];
              }
        }
  for (int dt = 0; dt < 2; dt++) {
    size_t e = dt == 0 ? sizeof(float) : sizeof(double);
    int dtype = dt == 0 ? TN_F32 : TN_F64;
    char *X = malloc(e * nx), *Wt = malloc(e * nw), *GY = malloc(e * ny), *Y = malloc(e * ny + 8), *GX = malloc(e * nx + 8), *GW = malloc(e * nw + 8);
    for (tn_idx i = 0; i < nx; i++) dt == 0 ? (void)(((float *)X)[i] = (float)x[i]) : (void)(((double *)X)[i] = x[i]);
    for (tn_idx i = 0; i < nw; i++) dt == 0 ? (void)(((float *)Wt)[i] = (float)w[i]) : (void)(((double *)Wt)[i] = w[i]);
    for (tn_idx i = 0; i < ny; i++) dt == 0 ? (void)(((float *)GY)[i] = (float)gy[i]) : (void)(((double *)GY)[i] = gy[i]);
    size_t bytes = tn_conv2d_workspace(dtype, &p);
    void *ws = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
    /* Two image ranges, the second accumulating into the weight gradient. */
    tn_idx half = N / 2;
    expect(tn_conv2d_forward(dtype, &p, 0, half, X, Wt, Y, ws) == TN_OK && tn_conv2d_forward(dtype, &p, half, N, X, Wt, Y, ws) == TN_OK, "conv status", 0, 0);
    expect(tn_conv2d_input_grad(dtype, &p, 0, N, GY, Wt, GX, ws) == TN_OK, "conv input grad status", 0, 0);
    expect(tn_conv2d_weight_grad(dtype, &p, 0, half, X, GY, GW, 0, ws) == TN_OK && tn_conv2d_weight_grad(dtype, &p, half, N, X, GY, GW, 1, ws) == TN_OK,
           "conv weight grad status", 0, 0);
    double tol = dt == 0 ? 2e-5 : 1e-12;
#define GET(B, i) (dt == 0 ? (double)((float *)(B))[i] : ((double *)(B))[i])
    for (tn_idx i = 0; i < ny; i++) expect(close_to(GET(Y, i), y[i], tol, tol * 100), dt == 0 ? "conv f32" : "conv f64", GET(Y, i), y[i]);
    for (tn_idx i = 0; i < nx; i++) expect(close_to(GET(GX, i), gx[i], tol, tol * 100), dt == 0 ? "conv input grad f32" : "conv input grad f64", GET(GX, i), gx[i]);
    for (tn_idx i = 0; i < nw; i++) expect(close_to(GET(GW, i), gw[i], tol, tol * 100), dt == 0 ? "conv weight grad f32" : "conv weight grad f64", GET(GW, i), gw[i]);
#undef GET
    free(X), free(Wt), free(GY), free(Y), free(GX), free(GW), free(ws);
  }
  free(x), free(w), free(gy), free(y), free(gx), free(gw);
}

int main(void) {
  check_matmul(1, 1, 1, 0);
  check_matmul(7, 300, 21, 0);
  check_matmul(97, 257, 70, 1);
  check_matmul(130, 40, 530, 0);
  check_unary();
  check_reduce_and_softmax();
  check_softmax_backward();
  check_adam();
  check_extremes();
  check_sums();
  check_fill();
  check_conv(2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  check_conv(3, 4, 11, 6, 6, 3, 2, 2, 2, 1, 0, 2, 1, 2);
  check_conv(1, 6, 5, 13, 9, 1, 3, 3, 1, 3, 2, 1, 2, 1);
  check_conv(2, 5, 1, 40, 7, 1, 4, 1, 1, 2, 0, 3, 1, 3);
  check_conv(2, 16, 20, 20, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  check_conv(1, 2, 3, 3, 2, 3, 3, 2, 1, 1, 0, 0, 1, 1);
  printf("%d failed\n", failures);
  return failures;
}
