/**
 * A small seeded generator for the randomized checks, independent of the
 * library's own (a bug there must not hide a bug here). mulberry32.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A stable per-name offset so each op's trials are reproducible on their own. */
export function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Values that stress a kernel: ±1e30, float32 denormals, signed zeros, halves (round), NaN and ±inf. */
export const EXTREMES = [1e30, -1e30, 1e-40, -3e-42, 0, -0, 0.5, 1.5, -2.5, NaN, Infinity, -Infinity];
/** Specials that accumulating ops define whatever the order of accumulation. */
export const SPECIALS = [NaN, Infinity, -Infinity, 1e-40, 0];

export type Distribution = 'any' | 'moderate' | 'finite' | 'near-one' | 'ties';

export function sample(rng: Rng, dist: Distribution): number {
  switch (dist) {
    case 'any':
      return rng.next() < 0.25 ? rng.pick(EXTREMES) : rng.normal() * 2;
    case 'moderate':
      return rng.next() < 0.05 ? rng.pick(SPECIALS) : rng.normal() * 2;
    case 'finite':
      return rng.normal() * 2;
    case 'near-one':
      return (rng.next() < 0.5 ? -1 : 1) * (0.9 + 0.2 * rng.next());
    case 'ties':
      return rng.next() < 0.05 ? NaN : rng.int(-3, 4);
  }
}
