import type { DType, ValueCheck } from '@tensile/core';
import type { Sink } from './elementwise.wgsl.js';
import { ERROR_CODE } from './indexing.wgsl.js';

/**
 * Value-dependent input checks (probabilities in [0, 1], a non-negative
 * variance) on the device: the elementwise walk over the checked view with a
 * sink that, for a failing element, records the check's id (uniform slot 2)
 * and the value's bits in the device-side error record. Bounds are uniform
 * slots 48 (min) and 49 (max), in the view's dtype.
 */

export function checkExpr(dtype: DType, check: ValueCheck): string {
  const f = dtype === 'float32';
  const load = (slot: number) => (f ? `bitcast<f32>(M(${slot}u))` : dtype === 'int32' ? `bitcast<i32>(M(${slot}u))` : `M(${slot}u)`);
  const parts: string[] = [];
  if (f && check.nanFails) parts.push('is_nan(a)');
  if (check.min !== undefined) parts.push(f ? `f_lt(a, ${load(48)})` : `a < ${load(48)}`);
  if (check.max !== undefined) parts.push(f ? `f_lt(${load(49)}, a)` : `a > ${load(49)}`);
  return parts.length === 0 ? 'false' : parts.join(' || ');
}

export function checkSink(dtype: DType): Sink {
  const bits = dtype === 'bool' ? 'a' : 'bitcast<u32>(a)';
  return {
    decl: (binding) => `@group(0) @binding(${binding}) var<storage, read_write> err: array<atomic<u32>>;`,
    store: (expr) => `if (${expr}) {
    if (atomicAdd(&err[0], 1u) == 0u) {
      atomicStore(&err[1], ${ERROR_CODE.check}u);
      atomicStore(&err[2], ${bits});
      atomicStore(&err[3], M(2u));
    }
  }`,
  };
}
