import { collapseDims, type HostArray, type TensorView } from '@tensile/core';
import type { CpuStorage } from './backend.js';

export function dataOf(v: TensorView): HostArray {
  return (v.storage as CpuStorage).data;
}

/** Dims merged where every operand lays them out as one (core's collapseDims, shared with the other backends). */
export const collapse = collapseDims;

/** Copies any strided view into a contiguous array of the same dtype (a subarray when already contiguous). */
export function contiguousData(v: TensorView): HostArray {
  const src = dataOf(v);
  let n = 1;
  for (const s of v.shape) n *= s;
  const { shape, strides } = collapse(v.shape, [v.strides]);
  const st = strides[0]!;
  if (shape.length === 1 && st[0] === 1) return src.subarray(v.offset, v.offset + n);
  const out = new (src.constructor as new (n: number) => HostArray)(n);
  stridedCopy(src, v.offset, shape, st, out, 0, null);
  return out;
}

/**
 * out[outOffset + ...] = src[...] walking `shape` with `srcStrides`; when
 * outStrides is null the output is contiguous.
 */
export function stridedCopy(
  src: HostArray,
  srcOffset: number,
  shape: readonly number[],
  srcStrides: readonly number[],
  out: HostArray,
  outOffset: number,
  outStrides: readonly number[] | null,
): void {
  const nd = shape.length;
  const inner = shape[nd - 1]!;
  const si = srcStrides[nd - 1]!;
  const oi = outStrides === null ? 1 : outStrides[nd - 1]!;
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= shape[d]!;
  const idx = new Int32Array(nd);
  let sb = srcOffset;
  let ob = outOffset;
  const contiguousOut = outStrides === null;
  for (let o = 0; o < outer; o++) {
    if (si === 1 && oi === 1) for (let j = 0; j < inner; j++) out[ob + j] = src[sb + j]!;
    else for (let j = 0; j < inner; j++) out[ob + j * oi] = src[sb + j * si]!;
    if (contiguousOut) ob += inner;
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      sb += srcStrides[d]!;
      if (!contiguousOut) ob += outStrides![d]!;
      if (idx[d]! < shape[d]!) break;
      sb -= srcStrides[d]! * shape[d]!;
      if (!contiguousOut) ob -= outStrides![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
