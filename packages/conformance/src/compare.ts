import type { HostArray, Tensor } from '@tensile/core';
import { DEFAULT_ATOL, DEFAULT_RTOL, type GoldenTensor, goldenValues } from './golden.js';

/** One value of a case that does not match: what, where, and by how much. */
export interface Mismatch {
  /** Which value: "output", "output[1]", "grad:input", "param:weight", "lr[3]", ... */
  what: string;
  message: string;
  maxAbsError?: number;
  maxRelError?: number;
  /** First mismatching flat index (row-major). */
  index?: number;
  got?: number;
  want?: number;
}

export interface Tolerance {
  rtol: number;
  atol: number;
}

export function toleranceOf(c: { rtol?: number; atol?: number }): Tolerance {
  return { rtol: c.rtol ?? DEFAULT_RTOL, atol: c.atol ?? DEFAULT_ATOL };
}

/** |got - want| <= atol + rtol * |want|; NaN equals NaN; infinities equal by sign. */
export function close(got: number, want: number, tol: Tolerance): boolean {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got);
  if (!Number.isFinite(want) || !Number.isFinite(got)) return got === want;
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

export interface ArrayComparison {
  ok: boolean;
  maxAbsError: number;
  maxRelError: number;
  index: number;
  got: number;
  want: number;
}

/** Compares flat arrays elementwise; errors are taken over finite pairs, the first failing index is kept. */
export function compareArrays(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): ArrayComparison {
  let maxAbs = 0;
  let maxRel = 0;
  let index = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    const ok = close(g, w, tol);
    if (Number.isFinite(g) && Number.isFinite(w)) {
      const a = Math.abs(g - w);
      if (a > maxAbs) maxAbs = a;
      const r = w === 0 ? (a === 0 ? 0 : Infinity) : a / Math.abs(w);
      if (r > maxRel) maxRel = r;
    } else if (!ok) {
      // A special value where a finite one was expected (or the reverse) is an unbounded error.
      maxAbs = Infinity;
      maxRel = Infinity;
    }
    if (index < 0 && !ok) index = i;
  }
  return { ok: index < 0, maxAbsError: maxAbs, maxRelError: maxRel, index, got: index >= 0 ? got[index]! : NaN, want: index >= 0 ? want[index]! : NaN };
}

function fmt(v: number): string {
  return Number.isNaN(v) ? 'nan' : Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : '-inf';
}

/** A mismatch from comparing host values with expected ones, or null when they agree. */
export function compareValues(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): Mismatch | null {
  if (got.length !== want.length) return { what, message: `${got.length} values, expected ${want.length}` };
  const c = compareArrays(got, want, tol);
  if (c.ok) return null;
  return {
    what,
    message: `max abs error ${c.maxAbsError.toExponential(3)}, max rel error ${c.maxRelError.toExponential(3)}; first mismatch at index ${c.index}: got ${fmt(c.got)}, want ${fmt(c.want)} (rtol ${tol.rtol}, atol ${tol.atol})`,
    maxAbsError: c.maxAbsError,
    maxRelError: c.maxRelError,
    index: c.index,
    got: c.got,
    want: c.want,
  };
}

/**
 * Largest relative error of a comparison that passed (for the report), over
 * expectations above atol: below it the absolute tolerance governs and a
 * relative error says nothing.
 */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!Number.isFinite(g) || !Number.isFinite(w) || Math.abs(w) <= tol.atol) continue;
    const r = Math.abs(g - w) / Math.abs(w);
    if (r > m) m = r;
  }
  return m;
}

/** Accumulates the largest relative error seen over a case's passing comparisons. */
export class ErrorStats {
  maxRelError = 0;
  note(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance): void {
    const r = relError(got, want, tol);
    if (r > this.maxRelError) this.maxRelError = r;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Compares a tensor with a golden tensor: shape, dtype family (integer and
 * bool outputs must match exactly), then values. Reads back asynchronously,
 * the portable form on every backend.
 */
export async function compareTensor(what: string, got: unknown, want: GoldenTensor, tol: Tolerance, stats?: ErrorStats): Promise<Mismatch | null> {
  if (typeof got !== 'object' || got === null || (got as { _isTensor?: boolean })._isTensor !== true)
    return { what, message: `expected a tensor of shape [${want.shape.join(', ')}], got ${describe(got)}` };
  const t = got as Tensor;
  if (!sameShape(t.shape, want.shape)) return { what, message: `shape [${t.shape.join(', ')}], expected [${want.shape.join(', ')}]` };
  const exact = want.dtype === 'int32' || want.dtype === 'bool';
  if (exact && t.dtype !== want.dtype) return { what, message: `dtype ${t.dtype}, expected ${want.dtype}` };
  if (!exact && t.dtype !== 'float32' && t.dtype !== 'float64') return { what, message: `dtype ${t.dtype}, expected a float tensor` };
  const data: HostArray = await t.data();
  const w = goldenValues(want);
  const m = compareValues(what, data, w, exact ? { rtol: 0, atol: 0 } : tol);
  if (m === null) stats?.note(data, w, tol);
  return m;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' && (v as { _isTensor?: boolean })._isTensor === true) return `a tensor of shape [${(v as Tensor).shape.join(', ')}]`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `${typeof v} ${String(v)}`;
}
