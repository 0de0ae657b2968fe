import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';

describe('cpu matmul', () => {
  // IEEE arithmetic, as PyTorch's BLAS: a zero row entry times an infinite column entry makes the dot product NaN.
  test.each([
    ['small (direct dot products)', 2],
    ['large (packed)', 64],
  ])('0 * inf gives NaN on the %s path', (_label, n) => {
    const a = T.zeros([n, n], { device: 'cpu' });
    const b = T.full([n, n], Infinity, { device: 'cpu' });
    const out = T.matmul(a, b).dataSync();
    expect(Array.from(out).every((v) => Number.isNaN(v))).toBe(true);
  });
});
