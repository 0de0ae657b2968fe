/*
 * A native build of the shared kernels checked against straightforward
 * double-precision references. The wasm build is covered by backend-wasm's
 * tests; this catches what only the native build sees (32-byte vectors, the
 * host compiler, libm). Exit status: number of failed checks.
 */
#include "../include/tensile_kernels.h"
#include <math.h>
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

int main(void) {
  check_matmul(1, 1, 1, 0);
  check_matmul(7, 300, 21, 0);
  check_matmul(97, 257, 70, 1);
  check_matmul(130, 40, 530, 0);
  check_unary();
  check_reduce_and_softmax();
  printf("%d failed\n", failures);
  return failures;
}
