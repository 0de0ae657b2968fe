import type { KernelSignatures } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE } from '../generated/kernel-api.js';
import { Args, failure, ptr } from './call.js';

/** gather / scatter along one dim (core hands them operands of one rank >= 1). */
export function indexingKernels(backend: WasmBackend) {
  const args = new Args(backend);

  const gather: KernelSignatures['gather'] = (x, index, dim, out) => {
    const nd = index.shape.length;
    const sh = args.list(0, index.shape, 'gather');
    const xs = args.list(1, x.strides, 'gather');
    const is = args.list(2, index.strides, 'gather');
    const dimSize = x.shape[dim]!;
    const s = backend.kernels.tn_gather(DTYPE_CODE[x.dtype], nd, sh, dim, dimSize, ptr(x), xs, ptr(index), is, ptr(out));
    if (s !== 0) throw failure(s, 'gather', [x, index, out]);
  };

  const scatter =
    (accumulate: boolean): KernelSignatures['scatter'] =>
    (dst, index, src, dim) => {
      const op = accumulate ? 'scatterAdd' : 'scatter';
      const nd = index.shape.length;
      const sh = args.list(0, index.shape, op);
      const ds = args.list(1, dst.strides, op);
      const is = args.list(2, index.strides, op);
      const ss = args.list(3, src.strides, op);
      const dimSize = dst.shape[dim]!;
      const s = backend.kernels.tn_scatter(accumulate ? 1 : 0, DTYPE_CODE[dst.dtype], nd, sh, dim, dimSize, ptr(dst), ds, ptr(index), is, ptr(src), ss);
      if (s !== 0) throw failure(s, op, [dst, index, src]);
    };

  return { gather, scatter: scatter(false), scatterAdd: scatter(true) };
}
