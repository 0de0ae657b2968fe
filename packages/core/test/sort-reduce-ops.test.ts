// Issue 20's sort-based and reduction ops (tile, hypot, cummax/cummin, logcumsumexp, median,
// quantile, searchsorted, bincount, repeatInterleave with a tensor of counts): behaviour the goldens
// do not pin down, and float64 first- and second-order gradient checks of each differentiable composite.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import { f64, gradcheck, gradgradcheck } from './helpers.js';

const list = (t: T.Tensor) => t.tolistSync();

describe('values', () => {
  test('Tensor methods forward to the functions', () => {
    const x = T.tensor([[3, 1, 2], [0, 5, 5]]);
    expect(list(x.tile(2))).toEqual(list(T.tile(x, [1, 2])));
    expect(list(x.cummax(1).indices)).toEqual([[0, 0, 0], [0, 1, 2]]);
    expect(list(x.cummin(1).values)).toEqual([[3, 1, 1], [0, 0, 0]]);
    expect(list(x.median(1).indices)).toEqual([[2], [1]].flat());
    expect(x.median().itemSync()).toBe(2);
    const f = T.tensor([1, 2, 3, 4]);
    expect(f.quantile(0.5).itemSync()).toBeCloseTo(2.5);
    expect(f.quantile(0.5, { interpolation: 'lower' }).itemSync()).toBe(2);
    expect(f.logcumsumexp(0).shape).toEqual([4]);
    expect(T.tensor([3]).hypot(T.tensor([4])).itemSync()).toBe(5);
    expect(list(T.tensor([0, 2, 2], { dtype: 'int32' }).bincount())).toEqual([1, 0, 2]);
    expect(list(T.tensor([1, 2]).repeatInterleave(T.tensor([2, 1], { dtype: 'int32' })))).toEqual([1, 1, 2]);
  });
  test('bincountAsync gives what bincount gives; options are checked', async () => {
    const x = T.tensor([1, 1, 4], { dtype: 'int32' });
    expect(list(await T.bincountAsync(x, { minlength: 6 }))).toEqual(list(T.bincount(x, { minlength: 6 })));
    expect(() => T.bincount(x, { min_length: 3 } as never)).toThrow(/unknown option 'min_length'/);
    expect(() => T.searchsorted(T.tensor([1, 2]), T.tensor([1]), { sorted: true } as never)).toThrow(/unknown option 'sorted'/);
    expect(() => T.quantile(T.tensor([1, 2]), 0.5, { dims: 0 } as never)).toThrow(/unknown option 'dims'/);
  });
  test('errors are the exported classes and name the op', () => {
    expect(() => T.bincount(T.tensor([-1, 2], { dtype: 'int32' }))).toThrow(T.ValueError);
    expect(() => T.bincount(T.tensor([[1, 2]], { dtype: 'int32' }))).toThrow(/bincount: .*\[1, 2\]/);
    expect(() => T.quantile(T.tensor([1, 2]), T.tensor([0.5, 1.5]))).toThrow(/quantile: .*range \[0, 1\]/);
    expect(() => T.searchsorted(T.tensor([[1, 2]]), T.tensor([1, 2]))).toThrow(T.ShapeError);
    expect(() => T.hypot(T.tensor([1], { dtype: 'int32' }), T.tensor([1], { dtype: 'int32' }))).toThrow(T.DTypeError);
    expect(() => T.repeatInterleave(T.tensor([1, 2]), T.tensor([1, 2, 3], { dtype: 'int32' }))).toThrow(/repeatInterleave: .*size\(0\) = 3/);
  });
  test('logcumsumexp keeps a prefix far below the later maximum (no underflow)', () => {
    const y = T.logcumsumexp(T.tensor([-1000, 0, -2000]), 0);
    expect(list(y)).toEqual([-1000, 0, 0]);
  });
  test('hypot does not overflow in float32', () => {
    expect(T.hypot(T.tensor([3e30]), T.tensor([4e30])).itemSync()).toBeCloseTo(5e30, -25);
  });
});

type Case = [string, (...xs: T.Tensor[]) => T.Tensor, number[][]];
const cases: Case[] = [
  ['tile', (x) => T.tile(x, [2, 1, 3]), [[2, 3]]],
  ['hypot broadcast', (a, b) => T.hypot(a, b), [[2, 3], [3]]],
  ['cummax', (x) => T.cummax(x, 1).values, [[3, 5]]],
  ['cummin dim 0', (x) => T.cummin(x, 0).values, [[4, 2]]],
  ['logcumsumexp', (x) => T.logcumsumexp(x, 1), [[2, 7]]],
  ['logcumsumexp dim 0', (x) => T.logcumsumexp(x, 0), [[5, 2]]],
  ['median all', (x) => T.median(x), [[3, 3]]],
  ['median dim', (x) => T.median(x, 1).values, [[3, 4]]],
  ['quantile linear', (x) => T.quantile(x, T.tensor([0.2, 0.5, 0.9], { dtype: 'float64' }), 1), [[2, 5]]],
  ['quantile midpoint all', (x) => T.quantile(x, 0.3, { interpolation: 'midpoint' }), [[2, 3]]],
  ['quantile nearest keepdim', (x) => T.quantile(x, 0.7, 0, true, 'nearest'), [[4, 2]]],
  ['repeatInterleave tensor', (x) => T.repeatInterleave(x, T.tensor([2, 0, 3], { dtype: 'int32' }), 1), [[2, 3]]],
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

test("the README's sort-reduce example runs and logs what its comments say", () => {
  const md = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```ts\n\/\/ example: sort-reduce\n([\s\S]*?)```/.exec(md)![1]!;
  const imports = /^import \{([^}]*)\} from '@tensile\/core';\n/m.exec(block)!;
  const names = imports[1]!.split(',').map((s) => s.trim());
  const logged: unknown[] = [];
  const lib = T as unknown as Record<string, unknown>;
  new Function('console', ...names, block.replace(imports[0], ''))({ log: (v: unknown) => logged.push(v) }, ...names.map((n) => lib[n]));
  expect(logged.slice(0, 8)).toEqual([[[1, 2, 1, 2], [1, 2, 1, 2]], [[0, 0, 2, 2, 4, 4], [0, 1, 1, 3, 3, 3]], [0, 4], 1, [1.5, 2.5], [3, 4], [1, 0, 2, 0], [-1000, 0]]);
  expect(logged[8] as number).toBeCloseTo(5e30, -25);
});
