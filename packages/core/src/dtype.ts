import { DTypeError } from './errors.js';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';

export type HostArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
// Promotion order, as PyTorch's categories: bool < integer < floating.
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function bytesPerElement(dtype: DType): number {
  return BYTES[dtype];
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'float64' || value === 'int32' || value === 'bool';
}

export function arrayFor(dtype: DType, size: number): HostArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** The result dtype of combining two tensors (PyTorch's promotion among our dtypes). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * The result dtype of a tensor combined with a JS number: a number never widens
 * a tensor of its own category, but a fractional number lifts bool/int to float32.
 */
export function promoteWithScalar(a: DType, scalar: number | boolean): DType {
  if (typeof scalar === 'boolean') return a;
  if (isFloat(a)) return a;
  if (Number.isInteger(scalar)) return a === 'bool' ? 'int32' : a;
  return 'float32';
}

export function assertDType(dtype: unknown, op: string): DType {
  if (!isDType(dtype)) {
    if (dtype === 'int64') return 'int32';
    throw new DTypeError(`${op}: unknown dtype ${String(dtype)}; expected one of ${DTYPES.join(', ')}`);
  }
  return dtype;
}
