import type { FusedKernel } from '@tensile/core';
import { contiguousData, dataOf } from '../strided.js';

/**
 * Fused softmax / logSoftmax along options.dim: one pass for the max, one for
 * the float64 sum of exp(x - max), one to write, instead of the composite's
 * seven kernels. Shifts by the max (0 when it is infinite) exactly as core's
 * composite does, and log-softmax is (x - max) - log(sum).
 */
export function softmaxKernel(log: boolean): FusedKernel {
  return (inputs, options, out) => {
    const x = inputs[0]!;
    const X = contiguousData(x);
    const O = dataOf(out);
    const oo = out.offset;
    const nd = x.shape.length;
    const dim = nd === 0 ? 0 : (options.dim as number) < 0 ? (options.dim as number) + nd : (options.dim as number);
    let outer = 1;
    let inner = 1;
    for (let i = 0; i < dim; i++) outer *= x.shape[i]!;
    for (let i = dim + 1; i < nd; i++) inner *= x.shape[i]!;
    const n = nd === 0 ? 1 : x.shape[dim]!;
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < inner; c++) {
        const base = o * n * inner + c;
        let m = X[base]!;
        for (let j = 1; j < n && m === m; j++) {
          const v = X[base + j * inner]!;
          if (v !== v || v > m) m = v;
        }
        if (m === Infinity || m === -Infinity) m = 0;
        let sum = 0;
        for (let j = 0; j < n; j++) sum += Math.exp(X[base + j * inner]! - m);
        if (log) {
          const lse = Math.log(sum);
          for (let j = 0; j < n; j++) O[oo + base + j * inner] = X[base + j * inner]! - m - lse;
        } else for (let j = 0; j < n; j++) O[oo + base + j * inner] = Math.exp(X[base + j * inner]! - m) / sum;
      }
  };
}
