import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { cumprod, tensor } from '@tensile/core';
import { gradcheck, gradgradcheck } from './helpers.js';

// Fibers with no zero, one zero, a zero first, and two zeros: the division formula alone gives NaN at a zero.
const rows = [
  [0.5, -1.5, 2, 0.75, 1.25],
  [0.5, 0, 2, -0.75, 1.25],
  [0, 1.5, -2, 0.75, 1.25],
  [0.5, 0, 2, 0, 1.25],
];

test('cumprod gradient is finite and exact at zeros (first zero of a fiber gets the product of the others)', () => {
  const x = tensor(rows, { dtype: 'float64' }).requiresGrad_(true);
  cumprod(x, 1).backward(tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]], { dtype: 'float64' }));
  const g = x.grad!.dataSync();
  // Row 1, the zero at index 1: sum over j >= 1 of prod_{k <= j, k != 1} x_k = 0.5 * (1 + 2 + 2 * -0.75 + 2 * -0.75 * 1.25).
  expect(g[5 + 1]).toBeCloseTo(0.5 * (1 + 2 - 1.5 - 1.875), 12);
  // Row 3: only the first zero gets a gradient; the second zero's products all hold the first.
  expect(g[15 + 3]).toBe(0);
  expect([...g].every(Number.isFinite)).toBe(true);
});

test('cumprod gradient matches finite differences with zeros along either dim', () => {
  const x = tensor(rows, { dtype: 'float64' });
  gradcheck((t) => cumprod(t, 1), [x]);
  gradcheck((t) => cumprod(t, 0), [x]);
});

test('cumprod double gradient matches finite differences with at most one zero per fiber', () => {
  // A later zero's gradient is 0 at the point but moves with the first zero: its second
  // derivative is not modelled (as PyTorch's cumprod backward, which special-cases the first zero only).
  gradgradcheck((t) => cumprod(t, 1), [tensor(rows.slice(0, 3), { dtype: 'float64' })]);
});
