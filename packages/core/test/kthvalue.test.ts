// kthvalue: what the goldens do not pin down (the method, the error classes and messages; ties
// and NaNs are golden cases), and float64 first- and second-order gradient checks through the gathered values.
import { describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import { f64, gradcheck, gradgradcheck } from './helpers.js';

const list = (t: T.Tensor) => t.tolistSync();

describe('values', () => {
  test('the Tensor method forwards to the function; dim defaults to the last', () => {
    const x = T.tensor([
      [3, 1, 2],
      [0, 5, 4],
    ]);
    expect(list(x.kthvalue(2).values)).toEqual([2, 4]);
    expect(list(x.kthvalue(2, 0, true).indices)).toEqual([[0, 1, 1]]);
  });
  test('a non-contiguous input selects as its contiguous copy', () => {
    const x = T.tensor([
      [2, 1, 2],
      [1, 3, 1],
      [2, 2, 0],
      [1, 1, 1],
    ]).transpose(0, 1);
    const a = T.kthvalue(x, 2, 1);
    const b = T.kthvalue(T.contiguous(x), 2, 1);
    expect([list(a.values), list(a.indices)]).toEqual([list(b.values), list(b.indices)]);
  });
  test('kthvalueAsync gives what kthvalue gives and checks the same way', async () => {
    const x = T.tensor([
      [2, 1, 2, 1, 3],
      [0, 5, 0, 5, 0],
    ]);
    const a = await T.kthvalueAsync(x, 2, 1, true);
    const b = T.kthvalue(x, 2, 1, true);
    expect([list(a.values), list(a.indices)]).toEqual([list(b.values), list(b.indices)]);
    await expect(T.kthvalueAsync(x, 6)).rejects.toThrow(T.IndexError);
  });
  test('errors are the exported classes, name the op, and leave the input alone', () => {
    const x = T.tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => T.kthvalue(x, 3, 1)).toThrow(T.IndexError);
    expect(() => T.kthvalue(x, 0)).toThrow(/kthvalue: .*k out of range.*\[2, 2\]/);
    expect(() => T.kthvalue(x, 1.5)).toThrow(T.IndexError);
    expect(() => T.kthvalue(x, 1, 2)).toThrow(T.IndexError);
    expect(() => T.kthvalue(T.zeros([0, 2]), 1, 0)).toThrow(/kthvalue: Expected reduction dim 0 to have non-zero size/);
    expect(() => T.kthvalue(T.tensor([true, false]), 1)).toThrow(T.DTypeError);
    expect(list(x)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

type Case = [string, (x: T.Tensor) => T.Tensor, number[]];
const cases: Case[] = [
  ['last dim', (x) => T.kthvalue(x, 2).values, [3, 4]],
  ['dim 0 keepdim', (x) => T.kthvalue(x, 3, 0, true).values, [4, 2]],
  ['k = size', (x) => T.kthvalue(x, 5, -1).values, [2, 3, 5]],
];

describe('float64 gradients', () => {
  for (const [name, fn, shape] of cases)
    test(name, () => {
      expect(() => gradcheck(fn, [f64(shape, 51)])).not.toThrow();
    });
});

describe('double backward', () => {
  for (const [name, fn, shape] of cases)
    test(name, () => {
      expect(() => gradgradcheck((a) => T.square(fn(a)), [f64(shape, 61)])).not.toThrow();
    });
});
