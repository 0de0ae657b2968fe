// nonzero, maskedSelect, unique (issue 20): the async forms and their Sync twins agree, the
// results follow PyTorch's conventions checked here by construction (values against positions),
// and bad input is an exported error class. Values against PyTorch are the goldens (ops/index.json).
import '@tensile/backend-cpu';
import { expect, test } from 'vitest';
import * as T from '@tensile/core';
import { DTypeError, ShapeError, ValueError } from '@tensile/core';

test('nonzero: async and sync agree; every index points at a nonzero and every nonzero is listed once', async () => {
  const x = T.tensor([[0, 1.5, 0], [NaN, 0, -2]]);
  const idx = (await T.nonzero(x)) as T.Tensor;
  expect(idx.dtype).toBe('int32');
  expect(idx.tolistSync()).toEqual((T.nonzeroSync(x) as T.Tensor).tolistSync());
  const rows = idx.tolistSync() as number[][];
  const data = x.tolistSync() as number[][];
  expect(rows.length).toBe(3);
  for (const [i, j] of rows) expect(data[i!]![j!]).not.toBe(0);
  const cols = (await x.nonzero({ asTuple: true })) as T.Tensor[];
  expect(cols.map((c) => c.tolistSync())).toEqual([rows.map((r) => r[0]), rows.map((r) => r[1])]);
  expect(() => T.nonzeroSync(x, { as_tuple: true } as never)).toThrow(ValueError);
});

test('maskedSelect: the selected values in row-major order, a gradient scattered back; a non-bool mask is a DTypeError', async () => {
  const x = T.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const m = T.tensor([true, false, true]);
  const y = await T.maskedSelect(x, m);
  expect(y.tolistSync()).toEqual([1, 3, 4, 6]);
  expect(x.maskedSelectSync(m).tolistSync()).toEqual([1, 3, 4, 6]);
  T.mul(y, T.tensor([1, 2, 3, 4])).sum().backward();
  expect(x.grad!.tolistSync()).toEqual([[1, 0, 2], [3, 0, 4]]);
  await expect(T.maskedSelect(x, T.tensor([1, 0, 1]))).rejects.toThrow(DTypeError);
  expect(() => T.maskedSelectSync(x, T.tensor([true, false]))).toThrow(ShapeError);
});

test('unique: sorted values whose inverse rebuilds the input and whose counts add up; dim slices; errors', async () => {
  const x = T.tensor([[3, 1, 2], [1, 3, 3]], { dtype: 'int32' });
  const [vals, inv, counts] = (await T.unique(x, { returnInverse: true, returnCounts: true })) as T.Tensor[];
  const v = vals!.tolistSync() as number[];
  expect(v).toEqual([...v].sort((a, b) => a - b));
  expect((inv!.tolistSync() as number[][]).map((r) => r.map((i) => v[i]))).toEqual(x.tolistSync());
  expect((counts!.tolistSync() as number[]).reduce((a, b) => a + b, 0)).toBe(6);
  expect((T.uniqueSync(x) as T.Tensor).tolistSync()).toEqual(v);
  const r = T.tensor([[1, 2], [0, 5], [1, 2]]);
  const [rowsU, rowsInv] = (await r.unique({ dim: 0, returnInverse: true })) as T.Tensor[];
  expect(rowsU!.tolistSync()).toEqual([[0, 5], [1, 2]]);
  expect(rowsInv!.tolistSync()).toEqual([1, 0, 1]);
  await expect(T.unique(r, { dim: 2 })).rejects.toThrow(T.IndexError);
  expect(() => T.uniqueSync(r, { sorted: 'yes' } as never)).toThrow(ValueError);
  expect(() => T.uniqueSync(r, { returnIndex: true } as never)).toThrow(ValueError);
});
