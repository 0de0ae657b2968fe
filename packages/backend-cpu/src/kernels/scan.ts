import type { KernelSignatures } from '@tensile/core';
import { dataOf } from '../strided.js';

function scan(isProd: boolean): KernelSignatures['scan'] {
  return (x, out) => {
    const [outer, n, inner] = x.shape as [number, number, number];
    const X = dataOf(x);
    const O = dataOf(out);
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < inner; k++) {
        let acc = isProd ? 1 : 0;
        for (let j = 0; j < n; j++) {
          const p = (o * n + j) * inner + k;
          acc = isProd ? acc * X[x.offset + p]! : acc + X[x.offset + p]!;
          O[out.offset + p] = acc;
        }
      }
  };
}

export const cumsumKernel = scan(false);
export const cumprodKernel = scan(true);

/** Stable sort of each [.., n, ..] line; NaN is larger than every number. */
export const sortKernel: KernelSignatures['sort'] = (x, values, indices, descending) => {
  const [outer, n, inner] = x.shape as [number, number, number];
  const X = dataOf(x);
  const V = dataOf(values);
  const I = dataOf(indices);
  const order = new Array<number>(n);
  const keys = new Float64Array(n);
  const cmp = descending
    ? (p: number, q: number) => {
        const a = keys[p]!;
        const b = keys[q]!;
        if (a !== a) return b !== b ? 0 : -1;
        if (b !== b) return 1;
        return a > b ? -1 : a < b ? 1 : 0;
      }
    : (p: number, q: number) => {
        const a = keys[p]!;
        const b = keys[q]!;
        if (a !== a) return b !== b ? 0 : 1;
        if (b !== b) return -1;
        return a < b ? -1 : a > b ? 1 : 0;
      };
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < inner; k++) {
      const base = o * n * inner + k;
      for (let j = 0; j < n; j++) {
        order[j] = j;
        keys[j] = X[x.offset + base + j * inner]!;
      }
      order.sort(cmp);
      for (let j = 0; j < n; j++) {
        V[values.offset + base + j * inner] = keys[order[j]!]!;
        I[indices.offset + base + j * inner] = order[j]!;
      }
    }
};
