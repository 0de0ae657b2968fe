// Reads the golden set packaged in @tensile/conformance (or $TENSILE_GOLDEN): PyTorch's reference values.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expect } from 'vitest';
import { type DType, tensor, type Tensor } from '@tensile/core';

export const GOLDEN_DIR = process.env.TENSILE_GOLDEN ?? fileURLToPath(new URL('../../../conformance/golden/', import.meta.url));

export type GoldenValue = number | boolean | 'nan' | 'inf' | '-inf';
export interface GoldenTensor {
  dtype: DType;
  shape: number[];
  data: GoldenValue[];
}

export interface GoldenFile<C> {
  notes?: string[];
  cases: C[];
}

export function goldenPath(...parts: string[]): string {
  return join(GOLDEN_DIR, ...parts);
}

export function readGolden<C>(...parts: string[]): GoldenFile<C> {
  return JSON.parse(readFileSync(goldenPath(...parts), 'utf8')) as GoldenFile<C>;
}

export function listGolden(dir: string): string[] {
  return readdirSync(goldenPath(dir)).sort();
}

export function num(v: GoldenValue): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return typeof v === 'boolean' ? Number(v) : v;
}

/** An option or plain argument as the files write it: special floats as strings, nested in lists. */
export function decode(v: unknown): unknown {
  if (v === 'nan' || v === 'inf' || v === '-inf') return num(v);
  return Array.isArray(v) ? v.map(decode) : v;
}

/** A golden tensor on the default device, in its own dtype (or `dtype` for floats). */
export function toTensor(t: GoldenTensor, opts: { requiresGrad?: boolean; dtype?: DType } = {}): Tensor {
  const values = t.data.map(num);
  const dtype = opts.dtype && (t.dtype === 'float32' || t.dtype === 'float64') ? opts.dtype : t.dtype;
  const host = dtype === 'int32' ? Int32Array.from(values) : dtype === 'float64' ? Float64Array.from(values) : dtype === 'bool' ? values.map(Boolean) : Float32Array.from(values);
  const out = Array.isArray(host) ? tensor(host, { shape: t.shape, dtype: 'bool' }) : tensor(host, { shape: t.shape, dtype });
  if (opts.requiresGrad) out.requiresGrad_(true);
  return out;
}

/** |got - want| <= atol + rtol |want| elementwise (NaN equal to NaN, infinities by sign), and equal shapes. */
export function expectClose(what: string, got: Tensor | null | undefined, want: GoldenTensor, rtol = 1e-4, atol = 1e-5): void {
  expect(got, `${what}: missing`).toBeTruthy();
  expect(got!.shape, `${what}: shape`).toEqual(want.shape);
  const g = got!.dataSync();
  want.data.forEach((wv, i) => {
    const w = num(wv);
    const x = g[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(x) : !Number.isFinite(w) ? x === w : Math.abs(x - w) <= atol + rtol * Math.abs(w);
    if (!ok) expect.fail(`${what}: element ${i}: got ${x}, want ${w} (rtol ${rtol}, atol ${atol})`);
  });
}
