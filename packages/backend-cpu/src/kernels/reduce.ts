import type { KernelSignatures, ReduceOp } from '@tensile/core';
import { dataOf } from '../strided.js';

/**
 * Reductions over the middle axis of a contiguous [outer, r, inner] view.
 * Partial sums live in JS numbers (float64), so float32 sums of millions of
 * elements stay within 1e-6 relative of the exact result.
 */
function sumLike(isProd: boolean): KernelSignatures['reduce'] {
  return (x, out) => {
    const [outer, r, inner] = x.shape as [number, number, number];
    const X = dataOf(x);
    const O = dataOf(out);
    const xo = x.offset;
    const oo = out.offset;
    const init = isProd ? 1 : 0;
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let acc = init;
        const base = xo + o * r;
        if (isProd) for (let j = 0; j < r; j++) acc *= X[base + j]!;
        else for (let j = 0; j < r; j++) acc += X[base + j]!;
        O[oo + o] = acc;
      }
      return;
    }
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(init);
      for (let j = 0; j < r; j++) {
        const base = xo + (o * r + j) * inner;
        if (isProd) for (let k = 0; k < inner; k++) acc[k]! *= X[base + k]!;
        else for (let k = 0; k < inner; k++) acc[k]! += X[base + k]!;
      }
      for (let k = 0; k < inner; k++) O[oo + o * inner + k] = acc[k]!;
    }
  };
}

/** max/min (NaN propagates) or the index of the first extreme (a NaN counts as the extreme). */
function extreme(isMax: boolean, wantIndex: boolean): KernelSignatures['reduce'] {
  return (x, out) => {
    const [outer, r, inner] = x.shape as [number, number, number];
    const X = dataOf(x);
    const O = dataOf(out);
    const xo = x.offset;
    const oo = out.offset;
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < inner; k++) {
        const base = xo + o * r * inner + k;
        let best = X[base]!;
        let bi = 0;
        if (best === best)
          for (let j = 1; j < r; j++) {
            const v = X[base + j * inner]!;
            if (v !== v) {
              best = v;
              bi = j;
              break;
            }
            if (isMax ? v > best : v < best) {
              best = v;
              bi = j;
            }
          }
        O[oo + o * inner + k] = wantIndex ? bi : best;
      }
  };
}

export const REDUCE_KERNELS: Record<ReduceOp, KernelSignatures['reduce']> = {
  sum: sumLike(false),
  prod: sumLike(true),
  amax: extreme(true, false),
  amin: extreme(false, false),
  argmax: extreme(true, true),
  argmin: extreme(false, true),
};
