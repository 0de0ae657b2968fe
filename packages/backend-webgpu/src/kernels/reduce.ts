import type { KernelSignatures, ReduceOp } from '@tensile/core';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { reduceSource } from './reduce.wgsl.js';

export function reduceKernel(backend: WebGPUBackend, op: ReduceOp): KernelSignatures['reduce'] {
  return (x, out) => {
    const [outer, r, inner] = x.shape as [number, number, number];
    const n = outer * inner;
    if (n === 0) return;
    const subgroups = backend.subgroups && (op === 'sum' || op === 'prod');
    const meta = new Meta().set(0, n).set(1, r).set(2, inner).set(3, x.offset).set(4, out.offset);
    backend.dispatch({
      kernel: op,
      key: `reduce:${op}:${WGSL_TYPE[x.dtype]}${subgroups ? ':subgroups' : ''}`,
      source: () => reduceSource(op, x.dtype, subgroups),
      bindings: [
        { buffer: backend.bufferOf(x, op), write: false },
        { buffer: backend.bufferOf(out, op), write: true },
      ],
      meta: meta.u32,
      groups: grid(n),
    });
  };
}
