// The ops attention models need (tril/triu, bmm, baddbmm, addmm, unbind, T/mT, repeat, diagonal,
// einsum, scaledDotProductAttention): behaviour PyTorch's goldens do not pin down, and float64
// first- and second-order gradient checks of every new composite.
import { describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import { f64, gradcheck, gradgradcheck } from './helpers.js';

const list = (t: T.Tensor) => t.tolistSync();

describe('values', () => {
  test('tril / triu with a diagonal, batched', () => {
    const x = T.arange(12).reshape(1, 3, 4);
    expect(list(T.tril(x))).toEqual([[[0, 0, 0, 0], [4, 5, 0, 0], [8, 9, 10, 0]]]);
    expect(list(x.triu(1))).toEqual([[[0, 1, 2, 3], [0, 0, 6, 7], [0, 0, 0, 11]]]);
    expect(list(T.tril(T.ones([2, 2], { dtype: 'bool' }), -1))).toEqual([[false, false], [true, false]]);
  });
  test('T reverses all dims, mT swaps the last two', () => {
    const x = T.zeros([2, 3, 4]);
    expect(x.T.shape).toEqual([4, 3, 2]);
    expect(x.mT.shape).toEqual([2, 4, 3]);
    expect(() => T.zeros([3]).mT).toThrow(T.ShapeError);
  });
  test('repeat tiles, unbind splits', () => {
    const x = T.tensor([[1, 2]]);
    expect(list(x.repeat(2, 2))).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
    expect(T.repeat(x, [3, 1, 1]).shape).toEqual([3, 1, 2]);
    expect(T.unbind(T.tensor([[1, 2], [3, 4]]), 1).map(list)).toEqual([[1, 3], [2, 4]]);
  });
  test('einsum: trace, diagonal, outer, implicit output, ellipsis', () => {
    const m = T.tensor([[1, 2], [3, 4]]);
    expect(T.einsum('ii', m).itemSync()).toBe(5);
    expect(list(T.einsum('ii->i', m))).toEqual([1, 4]);
    expect(list(T.einsum('i,j', T.tensor([1, 2]), T.tensor([3, 4, 5])))).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(list(T.einsum('ij->', m))).toEqual(10);
    expect(list(T.einsum('ba', m))).toEqual([[1, 3], [2, 4]]);
    expect(T.einsum('...ij,...jk', T.ones([2, 1, 3, 4]), T.ones([5, 4, 2])).shape).toEqual([2, 5, 3, 2]);
    expect(list(T.einsum('bij,bjk->bik', [T.ones([1, 1, 2]), T.ones([1, 2, 1])]))).toEqual([[[2]]]);
  });
  test('scaledDotProductAttention: a fully masked row is zeros with zero gradients', () => {
    T.manualSeed(0);
    const q = T.randn([1, 2, 3], { requiresGrad: true });
    const k = T.randn([1, 4, 3], { requiresGrad: true });
    const v = T.randn([1, 4, 2], { requiresGrad: true });
    const mask = T.tensor([[true, true, false, false], [false, false, false, false]]);
    const y = T.scaledDotProductAttention(q, k, v, { attnMask: mask });
    expect(list(y.select(1, 1))).toEqual([[0, 0]]);
    y.sum().backward();
    expect(list(q.grad!.select(1, 1))).toEqual([[0, 0, 0]]);
    for (const g of [q.grad!, k.grad!, v.grad!]) expect(g.dataSync().every(Number.isFinite)).toBe(true);
  });
  test('scaledDotProductAttention options are checked', () => {
    const x = T.zeros([2, 3]);
    expect(() => T.scaledDotProductAttention(x, x, x, { isCausal: true, attnMask: T.ones([2, 2], { dtype: 'bool' }) })).toThrow(T.ValueError);
    expect(() => T.scaledDotProductAttention(x, x, x, { dropoutP: 1.5 })).toThrow(/dropout probability/);
    expect(() => T.scaledDotProductAttention(x, T.zeros([2, 4]), x)).toThrow(T.ShapeError);
    expect(() => T.scaledDotProductAttention(x, x, x, { is_causal: true } as never)).toThrow(/unknown option/);
  });
});

type Case = [string, (...xs: T.Tensor[]) => T.Tensor, number[][]];
const bool = (rows: boolean[][]) => T.tensor(rows);
const cases: Case[] = [
  ['tril', (x) => T.tril(x, -1), [[2, 3, 4]]],
  ['triu', (x) => T.triu(x, 1), [[3, 4]]],
  ['bmm', (a, b) => T.bmm(a, b), [[2, 2, 3], [2, 3, 2]]],
  ['addmm beta alpha', (i, a, b) => T.addmm(i, a, b, { beta: 0.5, alpha: -2 }), [[3], [2, 4], [4, 3]]],
  ['addmm beta 0', (i, a, b) => T.addmm(i, a, b, { beta: 0 }), [[2, 3], [2, 4], [4, 3]]],
  ['baddbmm', (i, a, b) => T.baddbmm(i, a, b, { beta: 2, alpha: 0.5 }), [[1, 2, 2], [2, 2, 3], [2, 3, 2]]],
  ['unbind', (x) => T.stack(T.unbind(x, 1).reverse()), [[2, 3]]],
  ['T and mT', (x) => T.mul(x.T.mT, 1), [[2, 3, 4]]],
  ['repeat', (x) => T.repeat(x, [2, 1, 3]), [[2, 2]]],
  ['diagonal', (x) => T.diagonal(x, 1, 0, 2), [[3, 2, 4]]],
  ['einsum matmul chain', (a, b, c) => T.einsum('ij,jk,kl->il', a, b, c), [[2, 3], [3, 2], [2, 2]]],
  ['einsum diagonal and ellipsis', (a, b) => T.einsum('...ii,...i->...', a, b), [[2, 3, 3], [3]]],
  ['einsum bilinear', (a, w, b) => T.einsum('bn,anm,bm->ba', a, w, b), [[2, 3], [2, 3, 2], [2, 2]]],
  ['sdpa', (q, k, v) => T.scaledDotProductAttention(q, k, v), [[2, 3, 4], [2, 5, 4], [2, 5, 2]]],
  ['sdpa causal scale', (q, k, v) => T.scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.7 }), [[1, 3, 2], [1, 4, 2], [1, 4, 3]]],
  ['sdpa bool mask with a masked row', (q, k, v) => T.scaledDotProductAttention(q, k, v, { attnMask: bool([[true, false, true], [false, false, false]]) }), [[2, 2, 2], [2, 3, 2], [2, 3, 2]]],
  ['sdpa float mask broadcast over heads', (q, k, v, m) => T.scaledDotProductAttention(q, k, v, { attnMask: m }), [[2, 2, 3, 2], [2, 2, 3, 2], [2, 2, 3, 2], [2, 1, 3, 3]]],
];

describe('float64 gradients of the new composites', () => {
  for (const [name, fn, shapes] of cases)
    test(name, () => {
      const xs = shapes.map((s, i) => f64(s, 31 + i));
      expect(() => gradcheck(fn, xs)).not.toThrow();
    });
});

// Squared, so that a composite linear in its inputs still has a first gradient that depends on
// them: the check then differentiates the composite's own backward formula.
describe('double backward of the new composites', () => {
  for (const [name, fn, shapes] of cases)
    test(name, () => {
      const xs = shapes.map((s, i) => f64(s, 41 + i));
      expect(() => gradgradcheck((...a) => T.square(fn(...a)), xs)).not.toThrow();
    });
});
