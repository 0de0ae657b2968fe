import { kernel } from '../backend/registry.js';
import { needsGrad, record } from '../autograd/record.js';
import { type DType, isFloat } from '../dtype.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { deviceOf, empty } from './util.js';

/** A copy of x converted to dtype (x itself is never returned). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  const backend = deviceOf('cast', x);
  if (dtype === 'float64' && !backend.supportsFloat64)
    throw new DTypeError(`cast: device "${backend.name}" has no float64 support`);
  const out = empty(backend, x.shape, dtype);
  kernel('copy', backend)(x, out);
  if (isFloat(dtype) && needsGrad(x)) {
    const from = x.dtype;
    record('cast', [x], [out], [], (g) => [castTo(g, from)]);
  }
  return out;
}

/** x itself when it already has dtype, else a converted copy (PyTorch's `x.to(dtype)`). */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : castTo(x, dtype);
}
