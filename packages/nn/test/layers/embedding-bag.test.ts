// F.embeddingBag is a composite of core ops: float64 finite-difference checks of its first and
// second derivatives (weight and perSampleWeights), and the checks that must come before maxNorm
// touches weight.
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { mul, tensor, type Tensor, ValueError } from '@tensile/core';
import * as nn from '@tensile/nn';
import { f64, gradcheck, gradgradcheck } from '../../../core/test/helpers.js';

const F = nn.functional;
const idx = (...v: number[]) => tensor(new Int32Array(v));

describe('embeddingBag, float64, first and second order', () => {
  const input = idx(0, 2, 4, 2, 3, 1);
  const offsets = idx(0, 3, 3, 5);
  test('sum with perSampleWeights: weight and the weights', () => {
    const f = (w: ReturnType<typeof f64>, p: ReturnType<typeof f64>) => F.embeddingBag(input, w, offsets, { mode: 'sum', perSampleWeights: p });
    gradcheck(f, [f64([5, 3], 90), f64([6], 91)]);
    gradgradcheck(f, [f64([5, 3], 92), f64([6], 93)]);
  });
  test('mean with paddingIdx and includeLastOffset; max', () => {
    gradcheck((w) => F.embeddingBag(input, w, idx(0, 2, 6), { paddingIdx: 2, includeLastOffset: true }), [f64([5, 3], 94)]);
    // mean and max are (piecewise) linear in weight: squared, so that the second derivative runs through them.
    const squared = (y: Tensor) => mul(y, y);
    gradgradcheck((w) => squared(F.embeddingBag(input, w, offsets, { mode: 'mean', paddingIdx: 2 })), [f64([5, 3], 95)]);
    gradcheck((w) => F.embeddingBag(input, w, offsets, { mode: 'max' }), [f64([5, 3], 96)]);
    gradgradcheck((w) => squared(F.embeddingBag(input.reshape([2, 3]), w, null, { mode: 'max' })), [f64([5, 3], 97)]);
  });
});

test('a rejected call leaves weight as it was, maxNorm or not', () => {
  const w = f64([5, 3], 98, -3, 3);
  const before = Array.from(w.dataSync());
  expect(() => F.embeddingBag(idx(0, 1), w, idx(0, 1), { mode: 'mean', maxNorm: 0.1, perSampleWeights: f64([2], 99) })).toThrow(ValueError);
  expect(() => F.embeddingBag(idx(0, 1), w, idx(1), { maxNorm: 0.1 })).toThrow(ValueError);
  expect(Array.from(w.dataSync())).toEqual(before);
});
