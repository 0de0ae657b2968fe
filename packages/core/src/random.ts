import { ValueError } from './errors.js';

// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"):
// counter-based, so any backend can produce the same stream from (seed, offset).
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function mulhi(a: number, b: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const ll = aL * bL;
  const lh = aL * bH;
  const hl = aH * bL;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/** Fills `out` with 4 uint32 words of block `counter` for key (k0, k1). */
function philoxBlock(c0: number, c1: number, k0: number, k1: number, out: Uint32Array, at: number): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = 0;
  let x3 = 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ k0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ k1) >>> 0;
    x3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[at] = x0;
  out[at + 1] = x1;
  out[at + 2] = x2;
  out[at + 3] = x3;
}

/** A seeded random stream (PyTorch's torch.Generator). */
export class Generator {
  private k0 = 0;
  private k1 = 0;
  /** Blocks of 4 words consumed so far. */
  private offset = 0;
  private seedValue = 0;

  constructor(seed?: number) {
    this.manualSeed(seed ?? defaultSeed());
  }

  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new ValueError(`manualSeed: seed must be a finite number, got ${seed}`);
    const s = Math.trunc(seed);
    this.seedValue = s;
    this.k0 = s >>> 0;
    this.k1 = Math.floor(s / 4294967296) >>> 0;
    this.offset = 0;
    return this;
  }

  initialSeed(): number {
    return this.seedValue;
  }

  /** The generator's position, for saving and restoring a stream. */
  getState(): { seed: number; offset: number } {
    return { seed: this.seedValue, offset: this.offset };
  }

  setState(state: { seed: number; offset: number }): this {
    this.manualSeed(state.seed);
    this.offset = state.offset;
    return this;
  }

  /** n uniform 32-bit words. */
  nextUint32(n: number): Uint32Array {
    const blocks = Math.ceil(n / 4);
    const out = new Uint32Array(blocks * 4);
    for (let b = 0; b < blocks; b++) {
      const c = this.offset + b;
      philoxBlock(c >>> 0, Math.floor(c / 4294967296), this.k0, this.k1, out, b * 4);
    }
    this.offset += blocks;
    return n === out.length ? out : out.subarray(0, n);
  }

  /** n uniform numbers in [0, 1): 24-bit resolution for float32, 53-bit for float64. */
  uniform(n: number, float64 = false): Float64Array {
    const out = new Float64Array(n);
    if (float64) {
      const w = this.nextUint32(2 * n);
      for (let i = 0; i < n; i++) out[i] = ((w[2 * i]! >>> 5) * 67108864 + (w[2 * i + 1]! >>> 6)) / 9007199254740992;
    } else {
      const w = this.nextUint32(n);
      for (let i = 0; i < n; i++) out[i] = (w[i]! >>> 8) / 16777216;
    }
    return out;
  }

  /** n standard normal numbers (Box-Muller on pairs). */
  normal(n: number, float64 = false): Float64Array {
    const m = n + (n & 1);
    const u = this.uniform(m, float64);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - u[i]!));
      const th = 2 * Math.PI * u[i + 1]!;
      out[i] = r * Math.cos(th);
      if (i + 1 < n) out[i + 1] = r * Math.sin(th);
    }
    return out;
  }
}

let seedCounter = 0;
function defaultSeed(): number {
  return (Date.now() ^ (seedCounter++ * 2654435761)) >>> 0;
}

export const defaultGenerator = new Generator(defaultSeed());

/** Seeds the default generator, so every backend then produces the same random tensors. */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
