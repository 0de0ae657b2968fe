// TripletMarginWithDistanceLoss with a distance the user writes: values and
// gradients against the formula computed here in plain JS.
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { type Tensor, mul, sub, sum, tensor } from '@tensile/core';
import * as nn from '@tensile/nn';
import { f64, gradcheck } from '../../../core/test/helpers.js';

/** The user's distance: squared Euclidean over the last dim. */
const squared = (x: Tensor, y: Tensor) => {
  const d = sub(x, y);
  return sum(mul(d, d), -1);
};

const A = [[0, 0], [1, 2], [-1, 0.5]];
const P = [[0.5, 0], [1, 1], [0, 0.5]];
const N = [[2, 0], [1, 1.5], [-1, 0]];
const dist = (x: number[], y: number[]) => x.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0);

test('a user distance function: values and gradients follow max(0, margin + d(a, p) - d(a, n))', () => {
  const margin = 1;
  const [a, p, n] = [A, P, N].map((v) => tensor(v, { requiresGrad: true }));
  const loss = new nn.TripletMarginWithDistanceLoss({ distanceFunction: squared, margin })(a!, p!, n!);
  const hinge = A.map((_, i) => margin + dist(A[i]!, P[i]!) - dist(A[i]!, N[i]!));
  expect(hinge.some((h) => h <= 0) && hinge.some((h) => h > 0)).toBe(true); // both sides of the hinge are exercised
  expect(loss.itemSync()).toBeCloseTo(hinge.reduce((s, h) => s + Math.max(h, 0), 0) / A.length, 6);
  loss.backward();
  const active = hinge.map((h) => (h > 0 ? 1 / A.length : 0));
  const ga = A.map((row, i) => row.map((v, j) => active[i]! * (2 * (v - P[i]![j]!) - 2 * (v - N[i]![j]!))));
  const gp = A.map((row, i) => row.map((v, j) => active[i]! * -2 * (v - P[i]![j]!)));
  const gn = A.map((row, i) => row.map((v, j) => active[i]! * 2 * (v - N[i]![j]!)));
  for (const [t, want] of [[a!, ga], [p!, gp], [n!, gn]] as const) {
    const got = Array.from(t.grad!.dataSync());
    want.flat().forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));
  }
});

test('a user distance function with swap uses the smaller of d(a, n) and d(p, n)', () => {
  const loss = new nn.TripletMarginWithDistanceLoss({ distanceFunction: squared, margin: 2, swap: true, reduction: 'none' })(tensor(A), tensor(P), tensor(N));
  const want = A.map((_, i) => Math.max(0, 2 + dist(A[i]!, P[i]!) - Math.min(dist(A[i]!, N[i]!), dist(P[i]!, N[i]!))));
  Array.from(loss.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
});

test('gradients through a user distance function match finite differences (float64)', () => {
  gradcheck((a, p, n) => nn.functional.tripletMarginWithDistanceLoss(a, p, n, { distanceFunction: squared, margin: 8, swap: true }), [f64([3, 4], 1), f64([3, 4], 2), f64([3, 4], 3)]);
});

test('a distance function that does not return a tensor is a clear error', () => {
  const bad = (() => 1) as unknown as (x: Tensor, y: Tensor) => Tensor;
  expect(() => nn.functional.tripletMarginWithDistanceLoss(tensor(A), tensor(P), tensor(N), { distanceFunction: bad })).toThrow(/tripletMarginWithDistanceLoss: distanceFunction must return a Tensor/);
});
