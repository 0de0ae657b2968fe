import { type Backend, DeviceError, type Storage, type TensorView, ValueError } from '@tensile/core';
import type { Addon } from './addon.js';
import { ERRORS } from './generated/codes.js';

export interface NativeStorage extends Storage {
  /** The addon's handle for this storage; -1 once freed. */
  handle: number;
}

/**
 * The call protocol: arguments go into the addon's parameter block (P[1..]) in
 * the order src/calls.ts declares (the generated writers in generated/calls.ts
 * fill it), the addon writes a status into P[0]. Views are written as
 * handle, offset, ndim, shape..., strides...; a scalar operand as -1, value.
 * The TS side checks what it can cheaply (device, liveness, rank) before the
 * call; the addon checks everything again and bounds-checks every view.
 */
export class Bridge {
  readonly P: Float64Array;
  readonly maxDims: number;

  constructor(
    readonly addon: Addon,
    private readonly backend: Backend,
  ) {
    this.P = addon.params;
    this.maxDims = addon.maxDims;
  }

  /** Throws the addon's last error as the matching @tensile/core error class when the status says so. */
  check(): void {
    const status = this.P[0]!;
    if (status === 0) return;
    const { kind, message } = this.addon.lastError();
    const Ctor = ERRORS[kind] ?? ValueError;
    throw new Ctor(message);
  }

  /** Writes a view at P[i]; returns the next free slot. */
  put(op: string, v: TensorView, i: number): number {
    const s = v.storage as NativeStorage;
    if (s.backend !== this.backend) throw new DeviceError(`${op}: expected a tensor on device "native", got one on "${s.backend.name}"`);
    if (!(s.handle >= 0)) throw new ValueError(`${op}: the tensor's storage was freed`);
    const shape = v.shape;
    const nd = shape.length;
    if (nd > this.maxDims) throw new ValueError(`${op}: the native backend supports tensors of up to ${this.maxDims} dims, got ${nd}`);
    const P = this.P;
    const strides = v.strides;
    P[i] = s.handle;
    P[i + 1] = v.offset;
    P[i + 2] = nd;
    for (let d = 0; d < nd; d++) {
      P[i + 3 + d] = shape[d]!;
      P[i + 3 + nd + d] = strides[d]!;
    }
    return i + 3 + 2 * nd;
  }

  /** Writes a tensor or scalar operand. */
  putOperand(op: string, x: TensorView | number, i: number): number {
    if (typeof x !== 'number') return this.put(op, x, i);
    this.P[i] = -1;
    this.P[i + 1] = x;
    return i + 2;
  }
}
