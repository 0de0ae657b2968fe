/*
 * The float32 GEMM building blocks shared by matmul.c and conv.c: the block
 * sizes, the packing of A strips, the MR x NR register-blocked micro-kernel
 * and the plain packing of B strips. Everything here is static, so each
 * including file gets its own copy (no new external symbols).
 */
#ifndef TN_GEMM_H
#define TN_GEMM_H
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

#endif
