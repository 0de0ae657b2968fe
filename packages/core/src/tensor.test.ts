import { beforeEach, describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import '../test/helpers.js';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  T.manualSeed(0);
});

describe('creation and dtype inference', () => {
  test('JS numbers infer float32, booleans bool, typed arrays their own dtype, int64 narrows to int32', () => {
    expect(T.tensor([1, 2, 3]).dtype).toBe('float32');
    expect(T.tensor([true, false]).dtype).toBe('bool');
    expect(T.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(T.tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    const big = T.tensor(BigInt64Array.of(-3n, 7n));
    expect(big.dtype).toBe('int32');
    expect(Array.from(big.dataSync())).toEqual([-3, 7]);
    expect(T.tensor([1, 2], { dtype: 'int64' }).dtype).toBe('int32');
    expect(() => T.tensor([2 ** 40], { dtype: 'int64' })).toThrow(/int32 without overflow/);
    expect(() => T.tensor([[1, 2], [3]])).toThrow(T.ValueError);
    expect(T.tensor(new Float32Array(6), { shape: [2, 3] }).shape).toEqual([2, 3]);
  });

  test('creation functions', () => {
    expect(T.zeros(2, 3).shape).toEqual([2, 3]);
    expect(T.ones([2]).tolistSync()).toEqual([1, 1]);
    expect(T.full([2], 7).tolistSync()).toEqual([7, 7]);
    expect(T.arange(5).tolistSync()).toEqual([0, 1, 2, 3, 4]);
    expect(T.arange(1, 2, 0.25).tolistSync()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(T.linspace(0, 1, 5).tolistSync()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(T.eye(2, 3).tolistSync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(T.zerosLike(T.ones([2], { dtype: 'int32' })).dtype).toBe('int32');
    const p = T.randperm(10).dataSync();
    expect([...p].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const r = T.randint(3, 6, [1000]).dataSync();
    expect(Math.min(...r)).toBe(3);
    expect(Math.max(...r)).toBe(5);
  });

  test('one seed gives one stream: manualSeed reproduces rand/randn, and a Generator is independent', () => {
    T.manualSeed(42);
    const a = Array.from(T.randn(5).dataSync());
    T.manualSeed(42);
    const b = Array.from(T.randn(5).dataSync());
    expect(a).toEqual(b);
    const g = new T.Generator(42);
    expect(Array.from(T.randn([5], { generator: g }).dataSync())).toEqual(a);
    const u = T.rand(10000).dataSync();
    const mean = Array.from(u).reduce((s, v) => s + v, 0) / u.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
  });
});

describe('printing and readback', () => {
  test('toString follows PyTorch', () => {
    expect(String(T.tensor([[1, 2], [3, 4]]))).toBe('tensor([[1., 2.],\n        [3., 4.]])');
    expect(String(T.tensor([0.5, -1.25]))).toBe('tensor([ 0.5000, -1.2500])');
    expect(String(T.tensor([1, 2], { dtype: 'int32' }))).toBe('tensor([1, 2])');
    expect(String(T.tensor([true, false]))).toBe('tensor([ True, False])');
    expect(String(T.tensor(3.5, { requiresGrad: true } as never))).toBe('tensor(3.5000, requiresGrad=true)');
    expect(String(T.ones(2, { requiresGrad: true }).mul(2))).toBe('tensor([2., 2.], gradFn=<mul>)');
    expect(String(T.tensor([1e-8, 1]))).toBe('tensor([1.0000e-08, 1.0000e+00])');
  });

  test('data(), item(), tolist() are async and portable; sync forms exist on cpu', async () => {
    const t = T.tensor([[1, 2], [3, 4]]);
    expect(Array.from(await t.t().data())).toEqual([1, 3, 2, 4]);
    expect(await t.sum().item()).toBe(10);
    expect(await t.tolist()).toEqual([[1, 2], [3, 4]]);
    await expect(t.item()).rejects.toThrow(T.ValueError);
  });
});

describe('registry', () => {
  test('a second copy of core with another registry version fails loudly', async () => {
    const key = Symbol.for('tensile.registry');
    const g = globalThis as unknown as Record<symbol, { version: number }>;
    const real = g[key]!;
    g[key] = { ...real, version: real.version + 1 };
    try {
      await expect(import('../src/backend/registry.js?copy=2' as string)).rejects.toThrow(/two incompatible copies of @tensile\/core/);
    } finally {
      g[key] = real;
    }
  });

  test('kernelCoverage lists every primitive the cpu backend implements', () => {
    const c = T.kernelCoverage('cpu');
    expect(c.missing).toEqual([]);
    expect(c.implemented.length).toBe(Object.keys(T.PRIMITIVES).length);
  });

  test('moving between devices keeps values and gradients flow back', () => {
    const x = T.tensor([1, 2, 3], { requiresGrad: true });
    const y = x.to('cpu');
    expect(y).toBe(x);
    expect(x.to('float64').dtype).toBe('float64');
    x.double().mul(2).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(Array.from(x.grad!.dataSync())).toEqual([2, 2, 2]);
  });
});
