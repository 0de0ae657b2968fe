import type { KernelSignatures, ReduceOp } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE, REDUCE_CODE } from '../generated/kernel-api.js';
import { failure, ptr } from './call.js';

export function reduceKernel(backend: WasmBackend, op: ReduceOp): KernelSignatures['reduce'] {
  const code = REDUCE_CODE[op];
  return (x, out) => {
    const [outer, r, inner] = x.shape as [number, number, number];
    const s = backend.kernels.tn_reduce(code, DTYPE_CODE[x.dtype], DTYPE_CODE[out.dtype], ptr(x), outer, r, inner, ptr(out));
    if (s !== 0) throw failure(s, op, [x, out]);
  };
}
