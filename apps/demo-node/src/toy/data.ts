import { Generator } from 'tensile';

/** A 2-D, two-class toy data set: points as [x0, y0, x1, y1, ...] and a class index per point. */
export interface ToyData {
  readonly points: Float32Array;
  readonly labels: Int32Array;
  readonly length: number;
}

export const TOY_DATA_SETS = ['spirals', 'circles', 'moons'] as const;
export type ToyDataSet = (typeof TOY_DATA_SETS)[number];

export interface ToyOptions {
  /** Number of points, split evenly between the two classes. */
  n: number;
  /** Standard deviation of the Gaussian noise added to every coordinate. */
  noise: number;
  seed: number;
}

/**
 * Deterministic toy data (the same seed gives the same points everywhere):
 * nothing is downloaded, so the demos run offline. Coordinates lie in about [-1, 1].
 */
export function makeToyData(kind: ToyDataSet, { n, noise, seed }: ToyOptions): ToyData {
  const gen = new Generator(seed);
  const u = gen.uniform(n, true);
  const eps = gen.normal(2 * n, true);
  const points = new Float32Array(2 * n);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Alternate the classes so that any prefix of the data is balanced.
    const c = i % 2;
    const [px, py] = SHAPES[kind](u[i]!, c);
    points[2 * i] = px + noise * eps[2 * i]!;
    points[2 * i + 1] = py + noise * eps[2 * i + 1]!;
    labels[i] = c;
  }
  return { points, labels, length: n };
}

/** A point of class c at position t in [0, 1) along that class's curve. */
const SHAPES: Record<ToyDataSet, (t: number, c: number) => [number, number]> = {
  // Two arms of an Archimedean spiral, 1.75 turns each, the second rotated by half a turn.
  spirals: (t, c) => {
    const r = 0.08 + 0.92 * t;
    const a = 1.75 * 2 * Math.PI * t + c * Math.PI;
    return [r * Math.cos(a), r * Math.sin(a)];
  },
  // An outer ring (class 0) around an inner ring half its radius (class 1).
  circles: (t, c) => {
    const r = c === 0 ? 0.9 : 0.45;
    const a = 2 * Math.PI * t;
    return [r * Math.cos(a), r * Math.sin(a)];
  },
  // scikit-learn's two interleaving half circles, scaled and centred on the origin.
  moons: (t, c) => {
    const a = Math.PI * t;
    const [x, y] = c === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
    return [(x - 0.5) * 0.6, (y - 0.25) * 0.6];
  },
};
