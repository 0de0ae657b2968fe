// Issue 20's tensor ops (flip, roll, outer, diag, trace, diff, lerp, isclose/allclose/equal, cross,
// cdist, meshgrid, repeatInterleave, randintLike, long/typeAs/viewAs/reshapeAs): behaviour the
// goldens do not pin down, and float64 first- and second-order gradient checks of each composite.
import { describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import { f64, gradcheck, gradgradcheck } from './helpers.js';

const list = (t: T.Tensor) => t.tolistSync();

describe('values', () => {
  test('flip and roll are copies; roll without dims rolls the flattened tensor', () => {
    const x = T.arange(6).reshape(2, 3);
    expect(list(T.flip(x, [0, 1]))).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(list(x.flip(1))).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(list(T.roll(x, 1))).toEqual([[5, 0, 1], [2, 3, 4]]);
    expect(list(x.roll([1, -1], [0, 1]))).toEqual([[4, 5, 3], [1, 2, 0]]);
    const f = T.flip(x, []);
    expect(f.storage).not.toBe(x.storage);
    expect(() => T.flip(x, [0, 0])).toThrow(/appears multiple times/);
    expect(() => T.roll(x, [1, 2])).toThrow(/must align/);
  });
  test('diag both ways, trace, outer', () => {
    expect(list(T.diag(T.tensor([1, 2]), 1))).toEqual([[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    expect(list(T.diag(T.tensor([1, 2]), -1))).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
    expect(list(T.diag(T.arange(6).reshape(2, 3), 1))).toEqual([1, 5]);
    expect(T.trace(T.arange(6).reshape(2, 3)).itemSync()).toBe(4);
    expect(list(T.outer(T.tensor([1, 2]), T.tensor([3, 4, 5])))).toEqual([[3, 4, 5], [6, 8, 10]]);
  });
  test('diff: n, dim, prepend/append, bool xor', () => {
    expect(list(T.diff(T.tensor([1, 4, 9, 16]), 2))).toEqual([2, 2]);
    expect(list(T.diff(T.tensor([1, 2]), { prepend: T.tensor([0]), append: T.tensor([5]) }))).toEqual([1, 1, 3]);
    expect(list(T.diff(T.tensor([true, false, false])))).toEqual([true, false]);
    expect(list(T.diff(T.tensor([[1, 2], [4, 8]]), 1, 0))).toEqual([[3, 6]]);
  });
  test('lerp gives end exactly at weight 1, tensor weights broadcast', () => {
    const a = T.tensor([0.1, 7]);
    const b = T.tensor([0.3, -2]);
    expect(list(T.lerp(a, b, 1))).toEqual(list(b));
    expect(T.lerp(a, b, T.tensor([[0.2], [0.9]])).shape).toEqual([2, 2]);
    expect(() => T.lerp(T.tensor([1], { dtype: 'int32' }), T.tensor([1], { dtype: 'int32' }), 0.5)).toThrow(T.DTypeError);
  });
  test('isclose / allclose / equal', async () => {
    const a = T.tensor([1, NaN, Infinity, 1]);
    const b = T.tensor([1 + 1e-6, NaN, Infinity, 1.1]);
    expect(list(T.isclose(a, b))).toEqual([true, false, true, false]);
    expect(list(a.isclose(b, { equalNan: true }))).toEqual([true, true, true, false]);
    expect(await T.allclose(a, b, { equalNan: true, rtol: 0.2 })).toBe(true);
    expect(T.allcloseSync(a, b)).toBe(false);
    expect(await T.equal(T.tensor([1, 2]), T.tensor([1, 2]))).toBe(true);
    expect(await T.tensor([1, 2]).equal(T.tensor([[1, 2]]))).toBe(false);
    expect(T.tensor([NaN]).equalSync(T.tensor([NaN]))).toBe(false);
    expect(() => T.isclose(a, b, { rtol: -1 })).toThrow(/rtol/);
    expect(() => T.isclose(a, b, { equal_nan: true } as never)).toThrow(/unknown option/);
  });
  test('cross picks the first dim of size 3 without dim; cdist; meshgrid', () => {
    expect(list(T.cross(T.tensor([1, 0, 0]), T.tensor([0, 1, 0])))).toEqual([0, 0, 1]);
    expect(list(T.cdist(T.tensor([[0, 0], [3, 4]]), T.tensor([[0, 0]])))).toEqual([[0], [5]]);
    const [gx, gy] = T.meshgrid(T.tensor([1, 2, 3]), T.tensor([4, 5]), { indexing: 'xy' });
    expect(list(gx!)).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(list(gy!)).toEqual([[4, 4, 4], [5, 5, 5]]);
    expect(T.meshgrid([T.zeros([2]), T.zeros([3])]).map((t) => t.shape)).toEqual([[2, 3], [2, 3]]);
  });
  test('repeatInterleave and randintLike', () => {
    expect(list(T.repeatInterleave(T.tensor([[1, 2], [3, 4]]), 2))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(list(T.tensor([[1, 2], [3, 4]]).repeatInterleave(2, 0))).toEqual([[1, 2], [1, 2], [3, 4], [3, 4]]);
    T.manualSeed(3);
    const r = T.randintLike(T.zeros([50], { dtype: 'int32' }), 2, 5);
    expect(r.dtype).toBe('int32');
    expect(r.dataSync().every((v) => v >= 2 && v < 5)).toBe(true);
    expect(T.randintLike(T.zeros([3]), 4).dtype).toBe('float32');
  });
  test('long narrows to int32 with a range check; typeAs, viewAs, reshapeAs', () => {
    expect(list(T.tensor([1.7, -1.7]).long())).toEqual([1, -1]);
    expect(T.tensor([1.7]).long().dtype).toBe('int32');
    expect(() => T.tensor([3e9]).long()).toThrow(T.ValueError);
    expect(() => T.tensor([NaN]).long()).toThrow(T.ValueError);
    expect(T.tensor([true]).long().dtype).toBe('int32');
    expect(T.tensor([1.5]).double().dtype).toBe('float64');
    expect(T.tensor([1.5]).typeAs(T.tensor([1], { dtype: 'int32' })).dtype).toBe('int32');
    expect(T.zeros([2, 3]).viewAs(T.zeros([3, 2])).shape).toEqual([3, 2]);
    expect(T.zeros([2, 3]).t().reshapeAs(T.zeros([6])).shape).toEqual([6]);
    expect(() => T.zeros([2, 3]).t().viewAs(T.zeros([6]))).toThrow();
  });
});

type Case = [string, (...xs: T.Tensor[]) => T.Tensor, number[][]];
const cases: Case[] = [
  ['flip', (x) => T.flip(x, [0, 2]), [[2, 3, 2]]],
  ['roll', (x) => T.roll(x, [1, -2], [0, 1]), [[3, 4]]],
  ['roll flattened', (x) => T.roll(x, 4), [[2, 3]]],
  ['outer', (a, b) => T.outer(a, b), [[3], [4]]],
  ['diag vector', (x) => T.diag(x, -1), [[3]]],
  ['diag matrix', (x) => T.diag(x, 1), [[3, 4]]],
  ['trace', (x) => T.trace(x), [[3, 4]]],
  ['diff n 2 prepend append', (x, p, a) => T.diff(x, { n: 2, dim: 0, prepend: p, append: a }), [[3, 2], [1, 2], [2, 2]]],
  ['lerp scalar', (a, b) => T.lerp(a, b, 0.7), [[2, 3], [2, 3]]],
  ['lerp tensor weight', (a, b, w) => T.lerp(a, b, w), [[2, 3], [3], [2, 1]]],
  ['cross', (a, b) => T.cross(a, b, 1), [[2, 3], [1, 3]]],
  ['cdist p2', (a, b) => T.cdist(a, b), [[3, 2], [4, 2]]],
  ['cdist p1 batched', (a, b) => T.cdist(a, b, { p: 1 }), [[2, 3, 2], [1, 4, 2]]],
  ['cdist p3', (a, b) => T.cdist(a, b, { p: 3 }), [[2, 3], [2, 3]]],
  ['cdist p inf', (a, b) => T.cdist(a, b, { p: Infinity }), [[2, 3], [3, 3]]],
  ['meshgrid', (a, b) => T.stack(T.meshgrid(a, b, { indexing: 'xy' }).map((t) => t.mul(1))).sum(0), [[2], [3]]],
  ['repeatInterleave', (x) => T.repeatInterleave(x, 3, 1), [[2, 2]]],
];

describe('float64 gradients', () => {
  for (const [name, fn, shapes] of cases)
    test(name, () => {
      const xs = shapes.map((s, i) => f64(s, 31 + i));
      expect(() => gradcheck(fn, xs)).not.toThrow();
    });
});

describe('double backward', () => {
  for (const [name, fn, shapes] of cases)
    test(name, () => {
      const xs = shapes.map((s, i) => f64(s, 41 + i));
      expect(() => gradgradcheck((...a) => T.square(fn(...a)), xs)).not.toThrow();
    });
});
