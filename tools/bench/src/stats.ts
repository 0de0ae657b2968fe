export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function min(xs: readonly number[]): number {
  return Math.min(...xs);
}

/** |a - b| relative to b, with an absolute floor so values near zero compare sanely. */
export function relDiff(a: number, b: number, floor = 1e-6): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(b), floor);
}

/** numpy.isclose: |a - b| <= atol + rtol * |b|; NaN matches NaN (an all-ignored mean is NaN everywhere). */
export function isClose(a: number, b: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}
