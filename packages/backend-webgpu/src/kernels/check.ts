import type { TensorView, ValueCheck } from '@tensile/core';
import type { WebGPUBackend } from '../backend.js';
import { checkExpr, checkSink } from './check.wgsl.js';
import { run } from './elementwise.js';
import { WGSL_TYPE } from './elementwise.wgsl.js';

/** Backend.deferCheck: flags the first failing element; the next readback throws error(value). */
export function deferCheck(backend: WebGPUBackend): (x: TensorView, check: ValueCheck, error: (value: number) => Error) => void {
  return (x, check, error) => {
    const id = backend.registerCheck(error, x.dtype);
    const variant = `check:${check.nanFails ? 'n' : ''}${check.min !== undefined ? 'l' : ''}${check.max !== undefined ? 'h' : ''}`;
    run(backend, 'check', checkExpr(x.dtype, check), [x], x.dtype, x, {
      sink: checkSink(x.dtype),
      buffer: backend.errors,
      key: `${variant}:${WGSL_TYPE[x.dtype]}`,
      meta: (m) => {
        m.set(2, id);
        if (check.min !== undefined) m.scalar(48, check.min, x.dtype);
        if (check.max !== undefined) m.scalar(49, check.max, x.dtype);
      },
    });
  };
}
