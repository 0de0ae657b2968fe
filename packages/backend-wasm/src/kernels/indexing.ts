import type { KernelSignatures, TensorView } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE } from '../generated/kernel-api.js';
import { Args, failure, ptr } from './call.js';

/**
 * gather / scatter along one dim. A 0-d operand is walked as one element
 * (shape [1], stride 0), as core allows 0-d x or index next to a 1-d one.
 */
export function indexingKernels(backend: WasmBackend) {
  const args = new Args(backend);
  const ONE = [1];
  const ZERO = [0];
  const shapeOf = (v: TensorView) => (v.shape.length === 0 ? ONE : v.shape);
  const stridesOf = (v: TensorView) => (v.shape.length === 0 ? ZERO : v.strides);

  const gather: KernelSignatures['gather'] = (x, index, dim, out) => {
    const shape = shapeOf(index);
    const nd = shape.length;
    const sh = args.list(0, shape, 'gather');
    // x's strides padded to the index's rank (0-d x against a 1-d index).
    const xs = x.shape.length === 0 ? args.zeros(1, nd) : args.list(1, x.strides, 'gather');
    const is = args.list(2, stridesOf(index), 'gather');
    const dimSize = x.shape.length === 0 ? 1 : x.shape[dim]!;
    const s = backend.kernels.tn_gather(DTYPE_CODE[x.dtype], nd, sh, dim, dimSize, ptr(x), xs, ptr(index), is, ptr(out));
    if (s !== 0) throw failure(s, 'gather', [x, index, out]);
  };

  const scatter =
    (accumulate: boolean): KernelSignatures['scatter'] =>
    (dst, index, src, dim) => {
      const op = accumulate ? 'scatterAdd' : 'scatter';
      const shape = shapeOf(index);
      const nd = shape.length;
      const sh = args.list(0, shape, op);
      const ds = dst.shape.length === 0 ? args.zeros(1, nd) : args.list(1, dst.strides, op);
      const is = args.list(2, stridesOf(index), op);
      const ss = src.shape.length === 0 ? args.zeros(3, nd) : args.list(3, src.strides, op);
      const dimSize = dst.shape.length === 0 ? 1 : dst.shape[dim]!;
      const s = backend.kernels.tn_scatter(accumulate ? 1 : 0, DTYPE_CODE[dst.dtype], nd, sh, dim, dimSize, ptr(dst), ds, ptr(index), is, ptr(src), ss);
      if (s !== 0) throw failure(s, op, [dst, index, src]);
    };

  return { gather, scatter: scatter(false), scatterAdd: scatter(true) };
}
