import type { HostArray, KernelSignatures } from '@tensile/core';
import { dataOf } from '../strided.js';

// Scratch buffers reused across calls (JS runs kernels one at a time), so
// matmuls allocate nothing once warmed up.
let scratchA: Float64Array = new Float64Array(0);
let scratchB: Float64Array = new Float64Array(0);
let scratchC: Float64Array = new Float64Array(0);

function grow(buf: Float64Array, n: number): Float64Array {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

function pack(src: HostArray, offset: number, rows: number, cols: number, rs: number, cs: number, into: Float64Array): void {
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const base = offset + i * rs;
    if (cs === 1) for (let j = 0; j < cols; j++) into[k++] = src[base + j]!;
    else for (let j = 0; j < cols; j++) into[k++] = src[base + j * cs]!;
  }
}

// Cache blocking: a panel of KB rows x NB columns of B (256 KiB of float64)
// stays in L2 while every row of A streams past it; JB rows of a transposed
// B likewise stay cached across the rows of A in the dot-product form.
const KB = 128;
const NB = 256;
const JB = 64;

/** Dot-product form, for B with unit stride along K (a transposed weight, as in linear's x @ W^T). */
function dotForm(A: HostArray, aOff: number, ars: number, B: HostArray, bOff: number, bcs: number, C: HostArray, co: number, M: number, N: number, K: number): void {
  for (let j0 = 0; j0 < N; j0 += JB) {
    const j1 = Math.min(N, j0 + JB);
    for (let i = 0; i < M; i++) {
      const ra = aOff + i * ars;
      for (let j = j0; j < j1; j++) {
        const rb = bOff + j * bcs;
        let s0 = 0;
        let s1 = 0;
        let k = 0;
        for (; k + 1 < K; k += 2) {
          s0 += A[ra + k]! * B[rb + k]!;
          s1 += A[ra + k + 1]! * B[rb + k + 1]!;
        }
        if (k < K) s0 += A[ra + k]! * B[rb + k]!;
        C[co + i * N + j] = s0 + s1;
      }
    }
  }
}

/** Packed form: A and B row-major in float64 scratch, blocked i-k-j with four k at a time. */
function packedForm(pa: Float64Array, pb: Float64Array, C: HostArray, co: number, M: number, N: number, K: number): void {
  for (let j0 = 0; j0 < N; j0 += NB) {
    const nb = Math.min(NB, N - j0);
    const acc = (scratchC = grow(scratchC, M * nb));
    acc.fill(0, 0, M * nb);
    for (let k0 = 0; k0 < K; k0 += KB) {
      const k1 = Math.min(K, k0 + KB);
      for (let i = 0; i < M; i++) {
        const ra = i * K;
        const rc = i * nb;
        let k = k0;
        for (; k + 3 < k1; k += 4) {
          const a0 = pa[ra + k]!;
          const a1 = pa[ra + k + 1]!;
          const a2 = pa[ra + k + 2]!;
          const a3 = pa[ra + k + 3]!;
          const b0 = k * N + j0;
          const b1 = b0 + N;
          const b2 = b1 + N;
          const b3 = b2 + N;
          for (let j = 0; j < nb; j++) acc[rc + j]! += a0 * pb[b0 + j]! + a1 * pb[b1 + j]! + a2 * pb[b2 + j]! + a3 * pb[b3 + j]!;
        }
        for (; k < k1; k++) {
          const a = pa[ra + k]!;
          const b = k * N + j0;
          for (let j = 0; j < nb; j++) acc[rc + j]! += a * pb[b + j]!;
        }
      }
    }
    for (let i = 0; i < M; i++) {
      const rc = co + i * N + j0;
      for (let j = 0; j < nb; j++) C[rc + j] = acc[i * nb + j]!;
    }
  }
}

/**
 * [B, M, K] x [B, K, N] with float64 accumulation. A B with unit stride along
 * K (linear's transposed weight) needs no packing: blocked dot products.
 * Otherwise both operands are packed row-major and multiplied in cache blocks.
 */
export const matmulKernel: KernelSignatures['matmul'] = (a, b, out) => {
  const [batch, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  const A = dataOf(a);
  const Bd = dataOf(b);
  const C = dataOf(out);
  const [abs, ars, acs] = a.strides as [number, number, number];
  const [bbs, brs, bcs] = b.strides as [number, number, number];
  if (M === 0 || N === 0) return;
  if (K === 0) {
    C.fill(0, out.offset, out.offset + batch * M * N);
    return;
  }
  // Small products skip packing; large ones are faster packed and blocked even for a transposed B.
  const useDot = brs === 1 && acs === 1 && M * N * K <= 1 << 18;
  if (!useDot) {
    scratchA = grow(scratchA, M * K);
    scratchB = grow(scratchB, K * N);
  }
  for (let t = 0; t < batch; t++) {
    const aOff = a.offset + t * abs;
    const bOff = b.offset + t * bbs;
    const co = out.offset + t * M * N;
    if (useDot) {
      dotForm(A, aOff, ars, Bd, bOff, bcs, C, co, M, N, K);
      continue;
    }
    pack(A, aOff, M, K, ars, acs, scratchA);
    if (t === 0 || bbs !== 0) pack(Bd, bOff, K, N, brs, bcs, scratchB);
    packedForm(scratchA, scratchB, C, co, M, N, K);
  }
};
