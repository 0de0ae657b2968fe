import { bytesPerElement, type DType, DeviceError, IndexError, type TensorView } from '@tensile/core';
import type { WasmBackend, WasmStorage } from '../backend.js';
import { KERNEL_STATUS, MAX_DIMS } from '../generated/kernel-api.js';
const SCALARS_AT = MAX_DIMS * 6 * 4;

/**
 * Kernel arguments go through the module's static argument area (shapes,
 * strides and scalar operands), so a call allocates nothing in wasm or JS.
 * Addresses returned here are valid until the next call writes the same slot.
 */
export class Args {
  constructor(private readonly backend: WasmBackend) {}

  private base(): number {
    return this.backend.argsAt;
  }

  /** Writes a list into slot k (0: shape, 1..5: operands' strides) and returns its address. */
  list(k: number, values: readonly number[], op: string): number {
    if (values.length > MAX_DIMS) throw new DeviceError(`${op}: wasm kernels take at most ${MAX_DIMS} dims, got ${values.length}`);
    const at = this.base() + k * MAX_DIMS * 4;
    const i32 = this.backend.heap().i32;
    const w = at >> 2;
    for (let i = 0; i < values.length; i++) i32[w + i] = values[i]!;
    return at;
  }

  /** Writes n zeros into slot k (the strides of a scalar operand) and returns its address. */
  zeros(k: number, n: number): number {
    const at = this.base() + k * MAX_DIMS * 4;
    this.backend.heap().i32.fill(0, at >> 2, (at >> 2) + n);
    return at;
  }

  /** A one-element buffer in slot k holding `value` as `dtype` (a scalar operand, broadcast with zero strides). */
  scalar(k: number, value: number, dtype: DType): number {
    const at = this.base() + SCALARS_AT + k * 8;
    const h = this.backend.heap();
    switch (dtype) {
      case 'float32':
        h.f32[at >> 2] = value;
        break;
      case 'float64':
        h.f64[at >> 3] = value;
        break;
      case 'int32':
        h.i32[at >> 2] = value;
        break;
      case 'bool':
        h.u8[at] = value !== 0 ? 1 : 0;
        break;
    }
    return at;
  }
}

/** Byte address of a view's first element. */
export function ptr(v: TensorView): number {
  const p = (v.storage as WasmStorage).ptr;
  if (p < 0) throw new DeviceError('wasm: kernel called on freed storage');
  return p + v.offset * bytesPerElement(v.dtype);
}

/** The error for a failed C call (status < 0), naming the operands; callers test `status !== 0` first so success allocates nothing. */
export function failure(status: number, op: string, operands: readonly (TensorView | number)[]): Error {
  const detail = operands.map((v) => (typeof v === 'number' ? `scalar ${v}` : `${v.dtype}[${v.shape.join(', ')}]`)).join(', ');
  if (status === KERNEL_STATUS.INDEX.code) return new IndexError(`${op}: index out of range (operands ${detail})`);
  const why = Object.values(KERNEL_STATUS).find((s) => s.code === status)?.meaning ?? `status ${status}`;
  return new DeviceError(`${op}: wasm kernel failed: ${why} (operands ${detail})`);
}
