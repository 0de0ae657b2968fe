import { type DType, type HostArray, type Tensor, tensor } from '@tensile/core';
import { expect } from 'vitest';
import type { Addon } from '../src/addon.js';
import { nativeBackend } from '../src/index.js';

export const addon = (): Addon => nativeBackend.addon;

/** Deterministic values (mulberry32) so a failure reproduces. */
export function values(n: number, seed: number, kind: 'float' | 'int' | 'bool' | 'special' = 'float'): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 0.5, 1.5, 2.5, -2.5, 1e-30, 3e9, -3e9, 88, -88, 20.5];
  return Array.from({ length: n }, (_, i) => {
    const u = next();
    if (kind === 'int') return Math.floor(u * 11) - 5;
    if (kind === 'bool') return u < 0.5 ? 1 : 0;
    if (kind === 'special' && i % 3 === 0) return SPECIAL[Math.floor(u * SPECIAL.length)]!;
    return (u - 0.5) * 6;
  });
}

const ARRAY: Record<DType, new (v: number[]) => HostArray> = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array };

/** The same data as a tensor on a device. */
export function make(data: number[], shape: number[], dtype: DType, device: string): Tensor {
  return tensor(new ARRAY[dtype](data) as Float32Array, { shape, dtype, device });
}

/** Element-wise closeness: |got - want| <= atol + rtol |want|, NaN equals NaN, infinities equal by sign. */
export function expectClose(got: Tensor, want: Tensor, label: string, rtol = 1e-5, atol = 1e-6): void {
  expect(got.device, label).toBe('native');
  expect(got.dtype, label).toBe(want.dtype);
  expect(got.shape, label).toEqual(want.shape);
  const g = got.dataSync();
  const w = want.dataSync();
  const bad: string[] = [];
  for (let i = 0; i < w.length && bad.length < 5; i++) {
    const a = g[i]!;
    const b = w[i]!;
    const ok = Number.isNaN(b) ? Number.isNaN(a) : !Number.isFinite(b) ? a === b : Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok) bad.push(`[${i}] native ${a} cpu ${b}`);
  }
  expect(bad, label).toEqual([]);
}
