// The variance of equal values is exactly 0 (PyTorch's Welford pass gives 0), even where the
// mean itself rounds (float64 0.1 seven times sums to 0.7000000000000001), on every backend.
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';

test('var and std of equal values are exactly 0 over one dim and over several', () => {
  for (const dtype of ['float32', 'float64'] as const)
    for (const v of [0.1, 1e-3, 12345.678]) {
      const x = T.full([3, 7], v, { dtype });
      for (const r of [T.variance(x), T.std(x), T.variance(x, 1), T.std(x, [0, 1], { keepdim: true }), T.std(x, 0, { correction: 0 })])
        for (const y of r.dataSync()) expect([dtype, v, y]).toEqual([dtype, v, 0]);
    }
});

test('the shift does not change the variance of spread values, nor its gradient', () => {
  const x = T.tensor([[1.5, -2, 3.25, 0.5], [10, 10.5, 9.75, 10.25]], { dtype: 'float64', requiresGrad: true });
  const v = T.variance(x, 1);
  const ref = T.div(T.sum(T.pow(T.sub(x, T.mean(x, 1, true)), 2), 1), 3);
  expect(Array.from(v.dataSync()).map((a, i) => Math.abs(a - ref.dataSync()[i]!) <= 1e-12 * Math.abs(a))).toEqual([true, true]);
  const [g] = T.grad(T.sum(v), [x]);
  const [gr] = T.grad(T.sum(ref), [x]);
  Array.from(g!.dataSync()).forEach((a, i) => expect(Math.abs(a - gr!.dataSync()[i]!)).toBeLessThanOrEqual(1e-12));
});
