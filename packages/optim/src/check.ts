import { ValueError } from '@tensile/core';

/** Bounds for checkNumber; each is inclusive (min, max) or strict (above, below). */
export interface NumberRange {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  integer?: boolean;
}

function describe(r: NumberRange): string {
  const parts: string[] = [];
  if (r.integer) parts.push('an integer');
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  return parts.length === 0 ? 'a finite number' : parts.join(' and ');
}

/**
 * A numeric option value, checked as PyTorch checks optimizer and scheduler
 * arguments ("Invalid learning rate: -1"), plus the type check that Python's
 * comparisons give for free: NaN, strings and infinities are rejected too.
 */
export function checkNumber(op: string, name: string, value: unknown, range: NumberRange = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (range.above === undefined || value > range.above) &&
    (range.below === undefined || value < range.below);
  if (!ok) throw new ValueError(`${op}: invalid ${name} value: ${String(value)} (expected ${describe(range)})`);
  return value as number;
}

export function checkBoolean(op: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${op}: invalid ${name} value: ${String(value)} (expected true or false)`);
  return value;
}

/** One value per parameter group: a list of exactly that length, or a single value for every group (PyTorch's _format_param). */
export function perGroup<T>(op: string, name: string, value: T | readonly T[], groups: number): T[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new ValueError(`${op}: expected ${groups} values for ${name} (one per parameter group), got ${value.length}`);
    return [...(value as readonly T[])];
  }
  return new Array<T>(groups).fill(value as T);
}
