import type { BinaryOp, DType, KernelSignatures, TensorView, UnaryOp } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { BINARY_CODE, DTYPE_CODE, UNARY_CODE } from '../generated/kernel-api.js';
import { Args, failure, ptr } from './call.js';

/** Elementwise kernels over strided views: shapes and strides go to C, which walks and vectorizes. */
export function elementwiseKernels(backend: WasmBackend) {
  const args = new Args(backend);

  /** An operand's data address: the view's, or scalar slot k holding the number. */
  const data = (k: number, x: TensorView | number, dtype: DType): number => (typeof x === 'number' ? args.scalar(k, x, dtype) : ptr(x));
  /** Its strides in list slot k: the view's own, or zeros for a scalar. */
  const strides = (k: number, x: TensorView | number, nd: number, op: string): number => (typeof x === 'number' ? args.zeros(k, nd) : args.list(k, x.strides, op));

  const unary = (op: UnaryOp): KernelSignatures['unary'] => {
    const code = UNARY_CODE[op];
    return (x, out) => {
      const k = backend.kernels;
      const shape = args.list(0, out.shape, op);
      const xs = args.list(1, x.strides, op);
      const os = args.list(2, out.strides, op);
      const s = k.tn_unary(code, DTYPE_CODE[x.dtype], DTYPE_CODE[out.dtype], out.shape.length, shape, ptr(x), xs, ptr(out), os);
      if (s !== 0) throw failure(s, op, [x, out]);
    };
  };

  const binary = (op: BinaryOp): KernelSignatures['binary'] => {
    const code = BINARY_CODE[op];
    return (a, b, out) => {
      const k = backend.kernels;
      // Inputs share one dtype (core casts them); a scalar takes the tensor operand's.
      const dt = typeof a !== 'number' ? a.dtype : typeof b !== 'number' ? b.dtype : out.dtype;
      const nd = out.shape.length;
      const shape = args.list(0, out.shape, op);
      const ap = data(0, a, dt);
      const as = strides(1, a, nd, op);
      const bp = data(1, b, dt);
      const bs = strides(2, b, nd, op);
      const os = args.list(3, out.strides, op);
      const s = k.tn_binary(code, DTYPE_CODE[dt], DTYPE_CODE[out.dtype], nd, shape, ap, as, bp, bs, ptr(out), os);
      if (s !== 0) throw failure(s, op, [a, b, out]);
    };
  };

  const where: KernelSignatures['where'] = (cond, a, b, out) => {
    const k = backend.kernels;
    const nd = out.shape.length;
    const shape = args.list(0, out.shape, 'where');
    const cs = args.list(1, cond.strides, 'where');
    const ap = data(1, a, out.dtype);
    const as = strides(2, a, nd, 'where');
    const bp = data(2, b, out.dtype);
    const bs = strides(3, b, nd, 'where');
    const os = args.list(4, out.strides, 'where');
    const s = k.tn_where(DTYPE_CODE[out.dtype], nd, shape, ptr(cond), cs, ap, as, bp, bs, ptr(out), os);
      if (s !== 0) throw failure(s, 'where', [cond, a, b, out]);
  };

  const copy: KernelSignatures['copy'] = (x, out) => {
    const k = backend.kernels;
    const shape = args.list(0, out.shape, 'copy');
    const xs = args.list(1, x.strides, 'copy');
    const os = args.list(2, out.strides, 'copy');
    const s = k.tn_cast(DTYPE_CODE[x.dtype], DTYPE_CODE[out.dtype], out.shape.length, shape, ptr(x), xs, ptr(out), os);
      if (s !== 0) throw failure(s, 'copy', [x, out]);
  };

  const fill: KernelSignatures['fill'] = (dst, value) => {
    const k = backend.kernels;
    const shape = args.list(0, dst.shape, 'fill');
    const ds = args.list(1, dst.strides, 'fill');
    const s = k.tn_fill(DTYPE_CODE[dst.dtype], dst.shape.length, shape, ptr(dst), ds, value);
      if (s !== 0) throw failure(s, 'fill', [dst]);
  };

  return { unary, binary, where, copy, fill };
}
