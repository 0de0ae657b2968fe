import type { HostArray, KernelSignatures } from '@tensile/core';
import { dataOf } from '../strided.js';

// Scratch buffers reused across calls (JS runs kernels one at a time), so
// small matmuls allocate nothing.
let scratchA: Float64Array = new Float64Array(0);
let scratchB: Float64Array = new Float64Array(0);
let scratchRow: Float64Array = new Float64Array(0);

function scratch(buf: Float64Array, n: number): Float64Array {
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

const KB = 256;

/**
 * [B, M, K] x [B, K, N] with float64 accumulation. Two layouts need no
 * packing: B with unit stride along K (a transposed weight, as in linear)
 * becomes row-by-row dot products; otherwise both operands are packed
 * row-major and an i-k-j loop, blocked over k, streams rows of B.
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
  const dotForm = brs === 1 && acs === 1;
  if (!dotForm) {
    scratchA = scratch(scratchA, M * K);
    scratchB = scratch(scratchB, K * N);
    scratchRow = scratch(scratchRow, N);
  }
  const pa = scratchA;
  const pb = scratchB;
  const acc = scratchRow;
  for (let t = 0; t < batch; t++) {
    const aOff = a.offset + t * abs;
    const bOff = b.offset + t * bbs;
    const co = out.offset + t * M * N;
    if (dotForm) {
      for (let i = 0; i < M; i++) {
        const ra = aOff + i * ars;
        for (let j = 0; j < N; j++) {
          const rb = bOff + j * bcs;
          let s = 0;
          for (let k = 0; k < K; k++) s += A[ra + k]! * Bd[rb + k]!;
          C[co + i * N + j] = s;
        }
      }
      continue;
    }
    pack(A, aOff, M, K, ars, acs, pa);
    if (t === 0 || bbs !== 0) pack(Bd, bOff, K, N, brs, bcs, pb);
    for (let i = 0; i < M; i++) {
      acc.fill(0, 0, N);
      for (let k0 = 0; k0 < K; k0 += KB) {
        const k1 = Math.min(K, k0 + KB);
        for (let k = k0; k < k1; k++) {
          // No skip for aik === 0: 0 * inf must give NaN (IEEE, as PyTorch and the small-product path above).
          const aik = pa[i * K + k]!;
          const rb = k * N;
          for (let j = 0; j < N; j++) acc[j]! += aik * pb[rb + j]!;
        }
      }
      const rc = co + i * N;
      for (let j = 0; j < N; j++) C[rc + j] = acc[j]!;
    }
  }
};
