/*
 * Batched matrix product. float32: the operands are packed into the caller's
 * workspace (A in MR-row strips, B in NR-column strips, both k-major, zero
 * padded), then an MR x NR register-blocked micro-kernel accumulates in vector
 * registers; KC x NC panels of B and MC x KC blocks of A are sized to stay in
 * L2 and L1 (cache blocking). float64 and int32 use a plain i-k-j loop.
 */
#include "strided.h"

/*
 * Rows per micro-tile. wasm: 4, so 8 accumulators + 2 B vectors + 1 A splat
 * stay in V8's x64 registers (6 rows spill and run at half speed). Native
 * compilers hold 6 x 2 AVX2 accumulators in 16 ymm registers.
 */
#ifndef MR
#if TN_VECTOR_BYTES >= 32
#define MR 6
#else
#define MR 4
#endif
#endif
#ifndef NV
#define NV 2 /* vectors per micro-tile row */
#endif
#define NR (NV * VL)
/*
 * wasm: a deeper KC (a 16 KB B strip still sits in L1 next to the streamed A
 * strip) and a wider NC (A is packed once per row block when N <= 1024) measured
 * about 3% faster than 256 x 512 on W4 (1024^3).
 */
#ifndef KC
#ifdef __wasm_simd128__
#define KC 512
#else
#define KC 256
#endif
#endif
#ifndef MC
#define MC 96 /* a multiple of MR (4 and 6) */
#endif
#ifndef NC
#ifdef __wasm_simd128__
#define NC 1024
#else
#define NC 512
#endif
#endif

/*
 * wasm: the packing routines stay out of line. Inlined, they share one large
 * function with the micro-kernel, and V8's register allocator then spills in
 * the micro-kernel's loop (about 5% slower).
 */
#ifdef __wasm_simd128__
#define PACK_FN __attribute__((noinline)) static
#else
#define PACK_FN static
#endif

TN_INLINE tn_idx min_i(tn_idx a, tn_idx b) { return a < b ? a : b; }
TN_INLINE tn_idx round_up(tn_idx a, tn_idx m) { return (a + m - 1) / m * m; }

size_t tn_matmul_workspace(int dtype, tn_idx M, tn_idx K, tn_idx N) {
  if (dtype != TN_F32) return 0;
  tn_idx kc = min_i(K, KC), mc = round_up(min_i(M, MC), MR), nc = round_up(min_i(N, NC), NR);
  return (size_t)(mc * kc + kc * nc) * sizeof(float);
}

/*
 * pb[strip][k][0..NR) = B[k0 + k][j0 + strip * NR + c], zero beyond n. B is
 * read in its memory order: along rows (k outer) normally, since walking a
 * column strip down the rows would touch one cache line per row with a
 * power-of-two stride, which thrashes; along columns for a transposed B.
 */
PACK_FN void pack_b(const float *b, tn_idx rs, tn_idx cs, tn_idx kc, tn_idx n, float *pb) {
  tn_idx full = n / NR * NR;
  if (rs == 1 && cs != 1) {
    /* B is a transposed view (x @ W^T in linear layers): read each column of B, contiguous in memory, into its strip. */
    for (tn_idx j = 0; j < n; j++) {
      const float *src = b + j * cs;
      float *dst = pb + (j / NR) * kc * NR + j % NR;
      for (tn_idx k = 0; k < kc; k++) dst[k * NR] = src[k];
    }
    for (tn_idx j = n; j < round_up(n, NR); j++) {
      float *dst = pb + (j / NR) * kc * NR + j % NR;
      for (tn_idx k = 0; k < kc; k++) dst[k * NR] = 0.0f;
    }
    return;
  }
  for (tn_idx k = 0; k < kc; k++) {
    const float *src = b + k * rs;
    float *dst = pb + k * NR;
    if (cs == 1)
      for (tn_idx j0 = 0; j0 < full; j0 += NR, dst += kc * NR)
        for (int v = 0; v < NV; v++) vstore(dst + v * VL, vload(src + j0 + v * VL));
    else
      for (tn_idx j0 = 0; j0 < full; j0 += NR, dst += kc * NR)
        for (tn_idx c = 0; c < NR; c++) dst[c] = src[(j0 + c) * cs];
    if (full < n)
      for (tn_idx c = 0; c < NR; c++) dst[c] = full + c < n ? src[(full + c) * cs] : 0.0f;
  }
}

/* pa[strip][k][0..MR) = A[i0 + strip * MR + r][k0 + k], zero beyond m. */
PACK_FN void pack_a(const float *a, tn_idx rs, tn_idx cs, tn_idx m, tn_idx kc, float *pa) {
  for (tn_idx i0 = 0; i0 < m; i0 += MR) {
    tn_idx h = min_i(MR, m - i0);
    for (tn_idx k = 0; k < kc; k++) {
      for (tn_idx r = 0; r < MR; r++) pa[r] = r < h ? a[(i0 + r) * rs + k * cs] : 0.0f;
      pa += MR;
    }
  }
}

/* C[0..h, 0..w) (+)= packed A strip x packed B strip over kc; the MR x NV accumulators stay in registers. */
static void micro(tn_idx kc, const float *pa, const float *pb, float *c, tn_idx ldc, tn_idx h, tn_idx w, int accumulate) {
  vf acc[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = vsplat(0);
#ifdef __wasm_simd128__
  /*
   * wasm: the empty asm hides how pa and pb advance, so clang keeps one pointer
   * each and reaches a step's MR + NV values through the loads' constant
   * offsets (after strength reduction it adds each address separately: one
   * more instruction per load in V8's code). The loop ends on pb rather than
   * on a count, which V8 spills around the loop's stack check. Keep the two
   * asm statements apart: one statement with both operands compiled to a loop
   * that ran 40% slower. Row 0 of each step runs after the previous step's
   * exit test (the first step's before the loop): measured about 2% faster in
   * V8 than the plain loop at every KC and NC tried (an empirical layout
   * effect; with rows 0-1 there it was no faster). kc >= 1 here.
   */
  const float *pe = pb + kc * NR;
  vf b[NV];
  __asm__("" : "+r"(pa));
  __asm__("" : "+r"(pb));
  for (int v = 0; v < NV; v++) b[v] = *(const vf *)(pb + v * VL);
  for (int v = 0; v < NV; v++) acc[0][v] += vsplat(pa[0]) * b[v];
  for (;;) {
    for (int r = 1; r < MR; r++) {
      vf a = vsplat(pa[r]);
      for (int v = 0; v < NV; v++) acc[r][v] += a * b[v];
    }
    pa += MR;
    pb += NR;
    if (pb == pe) break;
    __asm__("" : "+r"(pa));
    __asm__("" : "+r"(pb));
    for (int v = 0; v < NV; v++) b[v] = *(const vf *)(pb + v * VL);
    for (int v = 0; v < NV; v++) acc[0][v] += vsplat(pa[0]) * b[v];
  }
#else
  for (tn_idx k = 0; k < kc; k++) {
    vf b[NV];
    for (int v = 0; v < NV; v++) b[v] = *(const vf *)(pb + v * VL);
    for (int r = 0; r < MR; r++) {
      vf a = vsplat(pa[r]);
      for (int v = 0; v < NV; v++) acc[r][v] += a * b[v];
    }
    pa += MR;
    pb += NR;
  }
#endif
  if (h == MR && w == NR) {
    for (int r = 0; r < MR; r++) {
      float *cr = c + r * ldc;
      for (int v = 0; v < NV; v++) vstore(cr + v * VL, accumulate ? acc[r][v] + vload(cr + v * VL) : acc[r][v]);
    }
    return;
  }
  for (tn_idx r = 0; r < h; r++)
    for (tn_idx j = 0; j < w; j++) {
      float v = acc[r][j / VL][j % VL];
      c[r * ldc + j] = accumulate ? c[r * ldc + j] + v : v;
    }
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
