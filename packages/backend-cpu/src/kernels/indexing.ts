import { IndexError, type KernelSignatures, type TensorView } from '@tensile/core';
import { dataOf } from '../strided.js';

/** Walks every position of `index`, calling back with the flat offsets into index and the matching coordinates' base offsets. */
function walk(index: TensorView, other: readonly (readonly number[])[], dim: number, visit: (ip: number, bases: readonly number[]) => void): void {
  const shape = index.shape;
  const nd = shape.length;
  let n = 1;
  for (const s of shape) n *= s;
  if (n === 0) return;
  const idx = new Int32Array(nd);
  const bases = other.map(() => 0);
  let ip = index.offset;
  for (let t = 0; t < n; t++) {
    visit(ip, bases);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      ip += index.strides[d]!;
      for (let k = 0; k < other.length; k++) if (d !== dim || k > 0) bases[k]! += other[k]![d]!;
      if (idx[d]! < shape[d]!) break;
      ip -= index.strides[d]! * shape[d]!;
      for (let k = 0; k < other.length; k++) if (d !== dim || k > 0) bases[k]! -= other[k]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function check(v: number, size: number, dim: number): void {
  if (v < 0 || v >= size) throw new IndexError(`index ${v} is out of bounds for dimension ${dim} with size ${size}`);
}

/** out[p] = x[p with p[dim] replaced by index[p]]. */
export const gatherKernel: KernelSignatures['gather'] = (x, index, dim, out) => {
  const X = dataOf(x);
  const I = dataOf(index);
  const O = dataOf(out);
  const size = x.shape[dim]!;
  const xs = x.strides;
  const ds = xs[dim]!;
  // bases[0] walks x (skipping dim), bases[1] walks the contiguous output.
  const outStrides = contiguous(index.shape);
  walk(index, [xs, outStrides], dim, (ip, bases) => {
    const v = I[ip]!;
    check(v, size, dim);
    O[out.offset + bases[1]!] = X[x.offset + bases[0]! + v * ds]!;
  });
};

function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

function scatterKernel(accumulate: boolean): KernelSignatures['scatter'] {
  return (dst, index, src, dim) => {
    const D = dataOf(dst);
    const I = dataOf(index);
    const S = dataOf(src);
    const size = dst.shape[dim]!;
    const ds = dst.strides;
    const step = ds[dim]!;
    walk(index, [ds, src.strides], dim, (ip, bases) => {
      const v = I[ip]!;
      check(v, size, dim);
      const at = dst.offset + bases[0]! + v * step;
      const s = S[src.offset + bases[1]!]!;
      if (accumulate) D[at] = D[at]! + s;
      else D[at] = s;
    });
  };
}

export const scatterAssignKernel = scatterKernel(false);
export const scatterAddKernel = scatterKernel(true);
