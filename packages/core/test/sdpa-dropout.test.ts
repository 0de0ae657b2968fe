import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';

// With zero queries and keys every row attends uniformly (1/S each), so against value = eye(S) each
// output element is the kept weight 1/(S (1 - p)) or 0: the drop rate and the rescaling can be read off.
const L = 2000;
const S = 50;

test('scaledDotProductAttention dropout drops each weight with probability p and rescales the kept ones by 1/(1-p)', () => {
  for (const p of [0.1, 0.3, 0.7]) {
    const q = T.zeros([L, 8]);
    const k = T.zeros([S, 8]);
    const out = T.scaledDotProductAttention(q, k, T.eye(S), { dropoutP: p, generator: new T.Generator(7) });
    const v = out.dataSync();
    const kept = Math.fround(Math.fround(1 / S) * Math.fround(1 / (1 - p)));
    let n = 0;
    let other = 0;
    for (const x of v) {
      if (x !== 0) n++;
      // Every element is exactly a dropped 0 or a kept, rescaled weight.
      if (x !== 0 && Math.abs(x - kept) > 2e-7 * kept) other++;
    }
    expect(other).toBe(0);
    // Binomial(L S, 1 - p): 6 standard deviations, a false failure about once in 5e8 runs.
    const sd = Math.sqrt((L * S * p * (1 - p)));
    expect(Math.abs(n - L * S * (1 - p))).toBeLessThan(6 * sd);
  }
});

test('the dropout mask comes from the generator: one seed gives one result, and the gradient goes through the same mask', () => {
  const run = () => {
    const value = T.randn([S, 3], { generator: new T.Generator(1), requiresGrad: true });
    const out = T.scaledDotProductAttention(T.zeros([4, 8]), T.zeros([S, 8]), value, { dropoutP: 0.5, generator: new T.Generator(11) });
    out.sum().backward();
    return { out: Array.from(out.dataSync()), grad: Array.from(value.grad!.dataSync()) };
  };
  const a = run();
  expect(run()).toEqual(a);
  // d(sum out)/d value[s] = sum over rows of the dropped-and-rescaled weight of s: 0 where every row dropped s.
  const keptWeight = Math.fround(Math.fround(1 / S) * 2);
  for (const g of a.grad) {
    const rows = g / keptWeight;
    expect(Math.abs(rows - Math.round(rows))).toBeLessThan(1e-4);
    expect(Math.round(rows)).toBeGreaterThanOrEqual(0);
    expect(Math.round(rows)).toBeLessThanOrEqual(4);
  }
  expect(a.grad.some((g) => g === 0) && a.grad.some((g) => g > 0)).toBe(true);
});
