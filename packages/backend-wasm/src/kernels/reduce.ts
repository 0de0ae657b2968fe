import type { KernelSignatures, ReduceOp } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE, failure, ptr } from './call.js';

/** Op codes of the C API (enum tn_reduce_op). */
export const REDUCE_CODES: readonly ReduceOp[] = ['sum', 'prod', 'amax', 'amin', 'argmax', 'argmin'];

export function reduceKernel(backend: WasmBackend, op: ReduceOp): KernelSignatures['reduce'] {
  const code = REDUCE_CODES.indexOf(op);
  return (x, out) => {
    const [outer, r, inner] = x.shape as [number, number, number];
    const s = backend.kernels.tn_reduce(code, DTYPE_CODE[x.dtype], DTYPE_CODE[out.dtype], ptr(x), outer, r, inner, ptr(out));
    if (s !== 0) throw failure(s, op, [x, out]);
  };
}
