import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DType, tensor, type Tensor } from '@tensile/core';

/** The golden set packaged in @tensile/conformance (format: its golden/README.md), or $TENSILE_GOLDEN. */
export const GOLDEN_DIR = process.env.TENSILE_GOLDEN ?? fileURLToPath(new URL('../../conformance/golden/', import.meta.url));

export interface GoldenTensor {
  dtype: DType;
  shape: number[];
  data: (number | string | boolean)[];
}

export interface GoldenCase {
  id: string;
  error?: string;
  rtol?: number;
  atol?: number;
  [key: string]: unknown;
}

export function decode(v: number | string | boolean): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  throw new Error(`golden: not a number: ${JSON.stringify(v)}`);
}

/** A plain golden value (an option, a metric) with its special floats ("nan", "inf", "-inf") as numbers; other strings stay. */
export function decodePlain(v: unknown): unknown {
  if (v === 'nan' || v === 'inf' || v === '-inf') return decode(v);
  if (Array.isArray(v)) return v.map(decodePlain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodePlain(x)]));
  return v;
}

export function values(t: GoldenTensor): number[] {
  return t.data.map(decode);
}

/** A tensor with the golden tensor's values, in its dtype unless another is asked for. */
export function toTensor(t: GoldenTensor, dtype: DType = t.dtype): Tensor {
  return tensor(values(t), { shape: t.shape, dtype });
}

function readKind(kind: string): unknown[] {
  const dir = join(GOLDEN_DIR, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown);
}

/** Every case of every file in a golden kind's folder. */
export function readCases(kind: string): GoldenCase[] {
  return readKind(kind).flatMap((f) => (f as { cases: GoldenCase[] }).cases);
}

/** The training files, each one case. */
export function readTraining<T>(): T[] {
  return readKind('training') as T[];
}

/** |got - want| <= atol + rtol * |want| elementwise, NaN equal to NaN (the golden README's rule); throws naming the first bad element. */
export function expectClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, want ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g === w || (Number.isNaN(g) && Number.isNaN(w))) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) throw new Error(`${what}[${i}]: got ${g}, want ${w} (rtol ${rtol}, atol ${atol})`);
  }
}
