import type { Backend, TensorView } from '../backend/backend.js';
import { type DType, isFloat } from '../dtype.js';
import { DeviceError, DTypeError, fmtShape } from '../errors.js';
import { emptyOn, type Tensor } from '../tensor.js';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;

/** A transient view for a kernel call; it holds no reference, so it must not outlive the call. */
export function rawView(t: TensorView, shape: readonly number[], strides: readonly number[], offset = t.offset): TensorView {
  return { storage: t.storage, dtype: t.dtype, shape, strides, offset };
}

export function empty(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
  return emptyOn(backend.name, shape, dtype);
}

/** The one device shared by the tensor arguments of an op (DeviceError when they differ). */
export function deviceOf(op: string, a: TensorOrScalar | null | undefined, b?: TensorOrScalar | null, c?: TensorOrScalar | null): Backend {
  let backend: Backend | null = null;
  for (const t of [a, b, c]) {
    if (typeof t !== 'object' || t === null) continue;
    t._live(op);
    const tb = t.storage.backend;
    if (backend === null) backend = tb;
    else if (tb !== backend)
      throw new DeviceError(`${op}: expected all tensors to be on the same device, but found at least two devices, ${backend.name} and ${tb.name}`);
  }
  if (backend === null) throw new DeviceError(`${op}: needs at least one tensor argument`);
  return backend;
}

export function deviceOfList(op: string, ts: readonly Tensor[]): Backend {
  let backend: Backend | null = null;
  for (const t of ts) {
    t._live(op);
    if (backend === null) backend = t.storage.backend;
    else if (t.storage.backend !== backend)
      throw new DeviceError(`${op}: expected all tensors to be on the same device, but found at least two devices, ${backend.name} and ${t.storage.backend.name}`);
  }
  if (backend === null) throw new DeviceError(`${op}: needs at least one tensor`);
  return backend;
}

export function requireFloat(op: string, t: Tensor, name = 'input'): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected ${name} to be a floating point tensor, got ${t.dtype} of shape ${fmtShape(t.shape)}`);
}

export function requireIndex(op: string, t: Tensor, name = 'index'): void {
  if (t.dtype !== 'int32')
    throw new DTypeError(
      `${op}: expected ${name} to be an int32 tensor of indices, got ${t.dtype} of shape ${fmtShape(t.shape)}${isFloat(t.dtype) ? "; create it with {dtype: 'int32'}" : ''}`,
    );
}

