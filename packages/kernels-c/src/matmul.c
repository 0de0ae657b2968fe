/*
 * Batched matrix product. float32: the operands are packed into the caller's
 * workspace (A in MR-row strips, B in NR-column strips, both k-major, zero
 * padded), then an MR x NR register-blocked micro-kernel accumulates in vector
 * registers; KC x NC panels of B and MC x KC blocks of A are sized to stay in
 * L2 and L1 (cache blocking). float64 and int32 use a plain i-k-j loop.
 */
#include "gemm.h"

size_t tn_matmul_workspace(int dtype, tn_idx M, tn_idx K, tn_idx N) {
  if (dtype != TN_F32) return 0;
  tn_idx kc = min_i(K, KC), mc = round_up(min_i(M, MC), MR), nc = round_up(min_i(N, NC), NR);
  return (size_t)(mc * kc + kc * nc) * sizeof(float);
}

static void sgemm(tn_idx M, tn_idx K, tn_idx N, const float *a, tn_idx a_rs, tn_idx a_cs, const float *b, tn_idx b_rs, tn_idx b_cs, float *c, float *ws) {
  if (K == 0) {
    for (tn_idx i = 0; i < M * N; i++) c[i] = 0;
    return;
  }
  tn_idx kcap = min_i(K, KC);
  float *pb = ws;
  float *pa = ws + kcap * round_up(min_i(N, NC), NR);
  for (tn_idx jc = 0; jc < N; jc += NC) {
    tn_idx nc = min_i(NC, N - jc);
    for (tn_idx pc = 0; pc < K; pc += KC) {
      tn_idx kc = min_i(KC, K - pc);
      pack_b(b + pc * b_rs + jc * b_cs, b_rs, b_cs, kc, nc, pb);
      for (tn_idx ic = 0; ic < M; ic += MC) {
        tn_idx mc = min_i(MC, M - ic);
        pack_a(a + ic * a_rs + pc * a_cs, a_rs, a_cs, mc, kc, pa);
        for (tn_idx jr = 0; jr < nc; jr += NR)
          for (tn_idx ir = 0; ir < mc; ir += MR)
            micro(kc, pa + ir * kc, pb + jr * kc, c + (ic + ir) * N + jc + jr, N, min_i(MR, mc - ir), min_i(NR, nc - jr), pc > 0);
      }
    }
  }
}

#define GEMM_S(name, T, ACC)                                                                                       \
  static void name(tn_idx M, tn_idx K, tn_idx N, const T *a, tn_idx a_rs, tn_idx a_cs, const T *b, tn_idx b_rs, tn_idx b_cs, T *c) { \
    for (tn_idx i = 0; i < M; i++) {                                                                               \
      T *ci = c + i * N;                                                                                           \
      for (tn_idx j = 0; j < N; j++) ci[j] = 0;                                                                    \
      for (tn_idx k = 0; k < K; k++) {                                                                             \
        ACC aik = (ACC)a[i * a_rs + k * a_cs];                                                                     \
        const T *bk = b + k * b_rs;                                                                                \
        for (tn_idx j = 0; j < N; j++) ci[j] = (T)((ACC)ci[j] + aik * (ACC)bk[j * b_cs]);                          \
      }                                                                                                            \
    }                                                                                                              \
  }
GEMM_S(gemm_f64, double, double)
GEMM_S(gemm_i32, int32_t, uint32_t)

int tn_matmul(int dtype, tn_idx batch, tn_idx M, tn_idx K, tn_idx N, const void *a, tn_idx a_bs, tn_idx a_rs, tn_idx a_cs, const void *b, tn_idx b_bs,
              tn_idx b_rs, tn_idx b_cs, void *out, void *workspace) {
  if (dtype != TN_F32 && dtype != TN_F64 && dtype != TN_I32) return TN_E_DTYPE;
  if (M == 0 || N == 0) return TN_OK;
  for (tn_idx t = 0; t < batch; t++) {
    tn_idx co = t * M * N;
    if (dtype == TN_F32)
      sgemm(M, K, N, (const float *)a + t * a_bs, a_rs, a_cs, (const float *)b + t * b_bs, b_rs, b_cs, (float *)out + co, (float *)workspace);
    else if (dtype == TN_F64)
      gemm_f64(M, K, N, (const double *)a + t * a_bs, a_rs, a_cs, (const double *)b + t * b_bs, b_rs, b_cs, (double *)out + co);
    else
      gemm_i32(M, K, N, (const int32_t *)a + t * a_bs, a_rs, a_cs, (const int32_t *)b + t * b_bs, b_rs, b_cs, (int32_t *)out + co);
  }
  return TN_OK;
}
