import { expect } from 'vitest';
import { type DType, fromHostArray, type HostArray, type Tensor } from '@tensile/core';

/** Deterministic values with the edge cases kernels get wrong: signed zeros, halves, infinities, NaN, huge and tiny. */
const SPECIAL = [0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 3, Infinity, -Infinity, NaN, 1e30, -1e30, 1e-40, 88.5, -104, 20.5, 1e-5];

export function values(n: number, seed: number, special = true): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    if (special && i % 7 === 3) out.push(SPECIAL[(s >>> 8) % SPECIAL.length]!);
    else out.push(((s >>> 8) / 16777216 - 0.5) * 8);
  }
  return out;
}

function host(data: number[], dtype: DType): HostArray {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(data);
    case 'float64':
      return Float64Array.from(data);
    case 'int32':
      return Int32Array.from(data, (v) => (Number.isFinite(v) ? Math.trunc(v) : 7));
    case 'bool':
      return Uint8Array.from(data, (v) => (v > 0 ? 1 : 0));
  }
}

/** The same data on cpu and on wasm. */
export function pair(shape: number[], dtype: DType, seed: number, special = true): [Tensor, Tensor] {
  const n = shape.reduce((a, b) => a * b, 1);
  const h = host(values(n, seed, special), dtype);
  return [fromHostArray(h, shape, dtype, 'cpu'), fromHostArray(h, shape, dtype, 'wasm')];
}

/** NaN equals NaN, infinities by sign, else |got - want| <= atol + rtol |want|. */
export function expectClose(got: Tensor, want: Tensor, rtol = 1e-6, atol = 1e-6, label = ''): void {
  expect(got.device, label).toBe('wasm');
  expect(got.shape, label).toEqual(want.shape);
  expect(got.dtype, label).toBe(want.dtype);
  const g = got.dataSync();
  const w = want.dataSync();
  const exact = got.dtype === 'int32' || got.dtype === 'bool';
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!;
    const b = w[i]!;
    if (Number.isNaN(b) ? Number.isNaN(a) : exact ? a === b : a === b || Math.abs(a - b) <= atol + rtol * Math.abs(b)) continue;
    throw new Error(`${label}: element ${i} is ${a}, cpu has ${b}`);
  }
}

/** Runs f on both devices: same result, or the same error class on both. */
export function same(label: string, f: (x: Tensor[]) => Tensor, cpuIn: Tensor[], wasmIn: Tensor[], rtol = 1e-6, atol = 1e-6): void {
  let want: Tensor;
  try {
    want = f(cpuIn);
  } catch (e) {
    expect(() => f(wasmIn), label).toThrow((e as Error).constructor as new () => Error);
    return;
  }
  expectClose(f(wasmIn), want, rtol, atol, label);
}
