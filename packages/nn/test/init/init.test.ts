import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { Generator, manualSeed, tensor, type Tensor, ValueError, zeros } from '@tensile/core';
import { init, Parameter } from '@tensile/nn';

const values = (t: Tensor) => [...t.dataSync()];
const stats = (t: Tensor) => {
  const v = values(t);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, max: Math.max(...v.map(Math.abs)), n: v.length };
};
// Sample moments of n draws sit within a few standard errors of the true ones: the mean's
// standard error is sigma / sqrt(n) and the sample std's at most 0.71 sigma / sqrt(n) (normal
// draws; uniform ones are tighter). Five standard errors is loose enough to never fail by chance,
// and each test seeds the default generator, so a failure is a wrong distribution, not bad luck.
const expectMoments = (t: Tensor, mean: number, std: number) => {
  const s = stats(t);
  expect(Math.abs(s.mean - mean)).toBeLessThan((5 * std) / Math.sqrt(s.n));
  expect(Math.abs(s.std - std)).toBeLessThan((5 * 0.71 * std) / Math.sqrt(s.n));
};

test('calculateGain follows PyTorch', () => {
  expect(init.calculateGain('linear')).toBe(1);
  expect(init.calculateGain('conv2d')).toBe(1);
  expect(init.calculateGain('sigmoid')).toBe(1);
  expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
  expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
  expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
  expect(init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
  expect(init.calculateGain('selu')).toBe(0.75);
  expect(() => init.calculateGain('swish' as never)).toThrow(ValueError);
});

test('fans: size(1) and size(0) times the receptive field', () => {
  expect(init.calculateFanInAndFanOut(zeros(5, 3))).toEqual({ fanIn: 3, fanOut: 5 });
  expect(init.calculateFanInAndFanOut(zeros(8, 4, 3, 3))).toEqual({ fanIn: 36, fanOut: 72 });
  expect(() => init.calculateFanInAndFanOut(zeros(5))).toThrow(/fewer than 2 dimensions/);
});

describe('fills in place, on parameters, without recording gradients', () => {
  test('constant_, zeros_, ones_', () => {
    const p = new Parameter(zeros(2, 2));
    expect(init.constant_(p, 0.5)).toBe(p);
    expect(values(p)).toEqual([0.5, 0.5, 0.5, 0.5]);
    init.ones_(p);
    expect(values(p)).toEqual([1, 1, 1, 1]);
    init.zeros_(p);
    expect(values(p)).toEqual([0, 0, 0, 0]);
    expect([p.gradFn, p.grad, p.requiresGrad]).toEqual([null, null, true]);
  });

  test('uniform_ and normal_: range, moments, seeding', () => {
    manualSeed(1);
    const p = new Parameter(zeros(100, 100));
    init.uniform_(p, -2, 3);
    expect(Math.min(...values(p))).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...values(p))).toBeLessThan(3);
    expectMoments(p, 0.5, 5 / Math.sqrt(12));
    init.normal_(p, 1, 2);
    expectMoments(p, 1, 2);
    const a = init.normal_(zeros(3, 3), 0, 1, { generator: new Generator(9) });
    const b = init.normal_(zeros(3, 3), 0, 1, { generator: new Generator(9) });
    expect(values(a)).toEqual(values(b));
    manualSeed(4);
    const c = values(init.uniform_(zeros(5)));
    manualSeed(4);
    expect(values(init.uniform_(zeros(5)))).toEqual(c);
    expect(() => init.normal_(p, 0, 1, { seed: 1 } as never)).toThrow(/unknown option 'seed'/);
    expect(() => init.uniform_(zeros(2), 1, 0)).toThrow(ValueError);
  });

  test('xavier: std gain * sqrt(2 / (fanIn + fanOut)); uniform bound sqrt(3) std', () => {
    manualSeed(2);
    const t = zeros(200, 300);
    const std = Math.sqrt(2 / 500);
    init.xavierUniform_(t);
    expect(stats(t).max).toBeLessThanOrEqual(Math.sqrt(3) * std);
    expectMoments(t, 0, std);
    init.xavierUniform_(t, 2);
    expectMoments(t, 0, 2 * std);
    init.xavierNormal_(t, { gain: init.calculateGain('tanh') });
    expectMoments(t, 0, (5 / 3) * std);
  });

  test("kaiming: std gain / sqrt(fan); Linear's a = sqrt(5) gives bound 1 / sqrt(fanIn)", () => {
    manualSeed(3);
    const t = zeros(400, 100);
    init.kaimingUniform_(t, { a: Math.sqrt(5) });
    expect(stats(t).max).toBeLessThanOrEqual(0.1);
    expect(stats(t).max).toBeGreaterThan(0.099);
    init.kaimingNormal_(t, { mode: 'fan_out', nonlinearity: 'relu' });
    expectMoments(t, 0, Math.SQRT2 / Math.sqrt(400));
    init.kaimingUniform_(t);
    expectMoments(t, 0, Math.sqrt(2 / (1 + 0)) / 10);
    expect(() => init.kaimingUniform_(t, { mode: 'fan_avg' as never })).toThrow(/fan_in, fan_out/);
    expect(init.kaimingUniform_(zeros(0, 3)).shape).toEqual([0, 3]);
  });

  test('non-float tensors are refused', () => {
    expect(() => init.uniform_(tensor(new Int32Array([1, 2])))).toThrow(/floating point/);
  });
});
