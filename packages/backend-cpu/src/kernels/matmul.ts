import type { HostArray, KernelSignatures } from '@tensile/core';
import { dataOf } from '../strided.js';

function pack(src: HostArray, offset: number, rows: number, cols: number, rs: number, cs: number, into: Float64Array | Float32Array): void {
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const base = offset + i * rs;
    if (cs === 1) for (let j = 0; j < cols; j++) into[k++] = src[base + j]!;
    else for (let j = 0; j < cols; j++) into[k++] = src[base + j * cs]!;
  }
}

const KB = 256;

/**
 * [B, M, K] x [B, K, N]: both operands are packed row-major (so transposed
 * and broadcast views cost one copy), then an i-k-j loop blocked over k keeps
 * a panel of B in cache while rows of C accumulate.
 */
export const matmulKernel: KernelSignatures['matmul'] = (a, b, out) => {
  const [batch, M, K] = a.shape as [number, number, number];
  const N = b.shape[2]!;
  const A = dataOf(a);
  const Bd = dataOf(b);
  const C = dataOf(out);
  const f64 = out.dtype === 'float64';
  const Ctor = f64 ? Float64Array : Float32Array;
  const pa = new Ctor(M * K);
  const pb = new Ctor(K * N);
  const acc = new Float64Array(N);
  const [abs, ars, acs] = a.strides as [number, number, number];
  const [bbs, brs, bcs] = b.strides as [number, number, number];
  let lastB = -1;
  for (let t = 0; t < batch; t++) {
    pack(A, a.offset + t * abs, M, K, ars, acs, pa);
    const bOff = b.offset + t * bbs;
    if (bOff !== lastB || bbs !== 0) pack(Bd, bOff, K, N, brs, bcs, pb);
    lastB = bOff;
    const co = out.offset + t * M * N;
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k0 = 0; k0 < K; k0 += KB) {
        const k1 = Math.min(K, k0 + KB);
        for (let k = k0; k < k1; k++) {
          const aik = pa[i * K + k]!;
          if (aik === 0) continue;
          const rb = k * N;
          for (let j = 0; j < N; j++) acc[j]! += aik * pb[rb + j]!;
        }
      }
      const rc = co + i * N;
      for (let j = 0; j < N; j++) C[rc + j] = acc[j]!;
    }
  }
};
