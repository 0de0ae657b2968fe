import { type FusedKernel, splitAtDim } from '@tensile/core';
import { contiguousData, dataOf } from '../strided.js';

/**
 * Fused softmax / logSoftmax along options.dim: one pass for the max, one for
 * the float64 sum of exp(x - max), one to write, instead of the composite's
 * seven kernels. Shifts by the max (0 when it is -inf) exactly as core's
 * composite does, and log-softmax is (x - max) - log(sum).
 */
export function softmaxKernel(log: boolean): FusedKernel {
  return (inputs, options, out) => {
    const x = inputs[0]!;
    const X = contiguousData(x);
    const O = dataOf(out);
    const oo = out.offset;
    const { outer, n, inner } = splitAtDim('softmax', x.shape, options.dim as number);
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < inner; c++) {
        const base = o * n * inner + c;
        let m = X[base]!;
        for (let j = 1; j < n && m === m; j++) {
          const v = X[base + j * inner]!;
          if (v !== v || v > m) m = v;
        }
        // A +inf max is subtracted too (inf - inf: the line is NaN, as PyTorch); only an all -inf line shifts by 0.
        if (m === -Infinity) m = 0;
        let sum = 0;
        for (let j = 0; j < n; j++) sum += Math.exp(X[base + j * inner]! - m);
        if (log) {
          const lse = Math.log(sum);
          for (let j = 0; j < n; j++) O[oo + base + j * inner] = X[base + j * inner]! - m - lse;
        } else for (let j = 0; j < n; j++) O[oo + base + j * inner] = Math.exp(X[base + j * inner]! - m) / sum;
      }
  };
}

/**
 * Fused gradients of softmax (y * (g - sum(g * y))) and logSoftmax
 * (g - exp(y) * sum(g)) along options.dim, from contiguous g and y: one pass
 * for the float64 sum, one to write, rounding each step to float32 as the
 * composite's kernels do.
 */
export function softmaxBackwardKernel(log: boolean): FusedKernel {
  const f = Math.fround;
  return (inputs, options, out) => {
    const G = contiguousData(inputs[0]!);
    const Y = contiguousData(inputs[1]!);
    const O = dataOf(out);
    const oo = out.offset;
    const { outer, n, inner } = splitAtDim('softmaxBackward', inputs[1]!.shape, options.dim as number);
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < inner; c++) {
        const base = o * n * inner + c;
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const i = base + j * inner;
          sum += log ? G[i]! : f(G[i]! * Y[i]!);
        }
        const s = f(sum);
        for (let j = 0; j < n; j++) {
          const i = base + j * inner;
          O[oo + i] = log ? G[i]! - f(f(Math.exp(Y[i]!)) * s) : Y[i]! * f(G[i]! - s);
        }
      }
  };
}
