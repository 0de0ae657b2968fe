import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';

// PyTorch's engine casts each gradient to its input's dtype; ops that promote (cat, stack) hand back the promoted one.
test('cat and stack of float32 and float64 give each input a gradient of its own dtype, with the right values', () => {
  for (const join of [(ts: T.Tensor[]) => T.cat(ts), (ts: T.Tensor[]) => T.stack(ts)]) {
    const a = T.tensor([1, 2], { requiresGrad: true });
    const b = T.tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const c = join([a, b]);
    expect(c.dtype).toBe('float64');
    T.mul(c, c).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(Array.from(a.grad!.dataSync())).toEqual([2, 4]);
    expect(Array.from(b.grad!.dataSync())).toEqual([6, 8]);
  }
});

test('the cast gradient is differentiable: a second derivative through a mixed-dtype cat keeps the dtypes', () => {
  const a = T.tensor([1.5, -2], { requiresGrad: true });
  const b = T.tensor([0.5], { dtype: 'float64' });
  const y = T.pow(T.cat([a, b]), 3).sum();
  const [ga] = T.grad([y], [a], undefined, { createGraph: true });
  expect(ga!.dtype).toBe('float32');
  const [gga] = T.grad([ga!.sum()], [a]);
  expect(gga!.dtype).toBe('float32');
  expect(Array.from(gga!.dataSync())).toEqual([9, -12]);
});
