// bernoulli and normal (issue 20): the distributions (moments and frequencies within 5 standard
// errors, bounds a wrong implementation fails), PyTorch's errors as exported classes, zero
// gradients, the generator contract. The same seed giving the same values on every backend is
// checked in @tensile/conformance (test/random-sampling.test.ts). Random, so no PyTorch goldens.
import '@tensile/backend-cpu';
import { beforeEach, describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import { DTypeError, Generator, ValueError } from '@tensile/core';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  T.manualSeed(0);
});

const N = 200_000;
const vals = (t: T.Tensor) => Array.from(t.dataSync() as Float32Array | Float64Array);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, b) => a + (b - m) * (b - m), 0) / (xs.length - 1);
};

describe('bernoulli', () => {
  test('each element is 1 with its own probability (frequencies within 5 standard errors), exactly 0 and 1 at p = 0 and 1', () => {
    const P = [0, 0.1, 0.3, 0.5, 0.9, 1];
    const rows = N / 10;
    const p = T.tensor(P).expand([rows, P.length]).contiguous();
    const d = vals(T.bernoulli(p, { generator: new Generator(1) }));
    P.forEach((pc, c) => {
      let ones = 0;
      for (let r = 0; r < rows; r++) ones += d[r * P.length + c]!;
      const f = ones / rows;
      if (pc === 0 || pc === 1) expect(f).toBe(pc);
      else expect(Math.abs(f - pc)).toBeLessThan(5 * Math.sqrt((pc * (1 - pc)) / rows));
    });
    expect(new Set(d)).toEqual(new Set([0, 1]));
  });

  test('a scalar p, bernoulli_ in place (default 0.5, tensor p broadcast), float64, the Tensor methods', () => {
    const x = T.zeros([N]);
    const d = vals(T.bernoulli(x, 0.3, { generator: new Generator(2) }));
    expect(Math.abs(mean(d) - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / N));
    const y = T.empty([N], { dtype: 'float64' });
    expect(y.bernoulli_(undefined, { generator: new Generator(3) })).toBe(y);
    expect(y.dtype).toBe('float64');
    expect(Math.abs(mean(vals(y)) - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
    const z = T.empty([N / 2, 2]).bernoulli_(T.tensor([0.2, 0.8]), { generator: new Generator(4) });
    const zd = vals(z);
    const col = (c: number) => mean(zd.filter((_, i) => i % 2 === c));
    expect(Math.abs(col(0) - 0.2)).toBeLessThan(5 * Math.sqrt(0.16 / (N / 2)));
    expect(Math.abs(col(1) - 0.8)).toBeLessThan(5 * Math.sqrt(0.16 / (N / 2)));
    expect(T.full([4], 1).bernoulli().tolistSync()).toEqual([1, 1, 1, 1]);
  });

  test('one seed, one result; the default generator follows manualSeed', () => {
    const p = T.rand([50], { generator: new Generator(9) });
    expect(vals(T.bernoulli(p, { generator: new Generator(5) }))).toEqual(vals(T.bernoulli(p, { generator: new Generator(5) })));
    expect(vals(T.bernoulli(p, { generator: new Generator(5) }))).not.toEqual(vals(T.bernoulli(p, { generator: new Generator(6) })));
    T.manualSeed(7);
    const a = vals(T.bernoulli(p));
    T.manualSeed(7);
    expect(vals(T.bernoulli(p))).toEqual(a);
  });

  test('errors: probabilities outside [0, 1] or NaN, integer input, unknown options; nothing changes', () => {
    expect(() => T.bernoulli(T.tensor([0.5, 1.5]))).toThrow(ValueError);
    expect(() => T.bernoulli(T.tensor([0.5, -0.1]))).toThrow(/p_in >= 0 && p_in <= 1/);
    expect(() => T.bernoulli(T.tensor([NaN]))).toThrow(ValueError);
    expect(() => T.bernoulli(T.zeros([2]), 1.5)).toThrow(/expects p to be in \[0, 1\], but got p=1.5/);
    expect(() => T.bernoulli(T.tensor([1, 0], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => T.bernoulli(T.zeros([2]), { seed: 1 } as never)).toThrow(ValueError);
    const x = T.tensor([0.25, 0.5]);
    expect(() => x.bernoulli_(2)).toThrow(ValueError);
    expect(x.tolistSync()).toEqual([0.25, 0.5]);
  });

  test('the gradient with respect to the probabilities is zero, as PyTorch', () => {
    const p = T.tensor([0.2, 0.7], { requiresGrad: true });
    T.bernoulli(p).sum().backward();
    expect(p.grad!.tolistSync()).toEqual([0, 0]);
  });
});

describe('normal', () => {
  test('normal(mean, std, size): mean, variance and the mass within one std (5 standard errors)', () => {
    const d = vals(T.normal(2, 3, [N], { generator: new Generator(11) }));
    expect(Math.abs(mean(d) - 2)).toBeLessThan((5 * 3) / Math.sqrt(N));
    expect(Math.abs(variance(d) - 9)).toBeLessThan((5 * Math.SQRT2 * 9) / Math.sqrt(N));
    const within = d.filter((v) => Math.abs(v - 2) < 3).length / N;
    expect(Math.abs(within - 0.6826894921370859)).toBeLessThan(5 * Math.sqrt((0.6827 * 0.3173) / N)); // erf(1/sqrt(2))
  });

  test('tensor mean and std broadcast elementwise; number and tensor forms; float64 follows the tensors', () => {
    const m = T.tensor([[-5], [0], [10]]);
    const s = T.tensor([0.5, 2]);
    const rep = 20_000;
    const draws: number[][] = Array.from({ length: 6 }, () => []);
    const g = new Generator(12);
    for (let i = 0; i < 4; i++) {
      const out = T.normal(m.expand([3, 2]).repeat(1, rep / 4), s.repeat(rep / 4), { generator: g });
      expect(out.shape).toEqual([3, rep / 2]);
      const d = vals(out);
      for (let r = 0; r < 3; r++) for (let c = 0; c < rep / 2; c++) draws[r * 2 + (c % 2)]!.push(d[r * (rep / 2) + c]!);
    }
    draws.forEach((xs, k) => {
      const [mu, sd] = [[-5, 0, 10][Math.floor(k / 2)]!, [0.5, 2][k % 2]!];
      expect(Math.abs(mean(xs) - mu)).toBeLessThan((5 * sd) / Math.sqrt(xs.length));
      expect(Math.abs(Math.sqrt(variance(xs)) - sd)).toBeLessThan((5 * sd) / Math.sqrt(2 * xs.length));
    });
    const a = T.normal(T.full([N], 1, { dtype: 'float64' }), 0.5, { generator: new Generator(13) });
    expect(a.dtype).toBe('float64');
    expect(Math.abs(mean(vals(a)) - 1)).toBeLessThan((5 * 0.5) / Math.sqrt(N));
    const b = vals(T.normal(-1, T.full([N], 2), { generator: new Generator(14) }));
    expect(Math.abs(variance(b) - 4)).toBeLessThan((5 * Math.SQRT2 * 4) / Math.sqrt(N));
    expect(T.normal(T.tensor([3, 4]), 0).tolistSync()).toEqual([3, 4]);
  });

  test('normal_ fills in place (defaults 0 and 1); one seed, one result', () => {
    const x = T.empty([N]);
    expect(x.normal_(0, 1, { generator: new Generator(15) })).toBe(x);
    const d = vals(x);
    expect(Math.abs(mean(d))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance(d) - 1)).toBeLessThan((5 * Math.SQRT2) / Math.sqrt(N));
    expect(vals(T.normal(0, 1, [64], { generator: new Generator(3) }))).toEqual(vals(T.empty([64]).normal_(0, 1, { generator: new Generator(3) })));
    T.manualSeed(4);
    const a = vals(T.normal(T.zeros([8]), 1));
    T.manualSeed(4);
    expect(vals(T.normal(T.zeros([8]), 1))).toEqual(a);
  });

  test('errors: negative or NaN std, a missing size, integer tensors; zero gradients for mean and std', () => {
    expect(() => T.normal(0, -1, [3])).toThrow(/normal expects std >= 0.0, but found std -1/);
    expect(() => T.normal(T.zeros([2]), T.tensor([1, -1]))).toThrow(ValueError);
    expect(() => T.normal(T.zeros([2]), NaN)).toThrow(ValueError);
    expect(() => T.normal(0, 1)).toThrow(/needs a size/);
    expect(() => T.normal(T.tensor([1, 2], { dtype: 'int32' }), 1)).toThrow(DTypeError);
    expect(() => T.normal(T.zeros([2]), T.ones([3]))).toThrow(T.ShapeError);
    const x = T.tensor([1, 2]);
    expect(() => x.normal_(0, -2)).toThrow(ValueError);
    expect(x.tolistSync()).toEqual([1, 2]);
    const m = T.tensor([1, 2], { requiresGrad: true });
    const s = T.tensor([1, 1], { requiresGrad: true });
    T.normal(m, s).sum().backward();
    expect([m.grad!.tolistSync(), s.grad!.tolistSync()]).toEqual([[0, 0], [0, 0]]);
  });
});
