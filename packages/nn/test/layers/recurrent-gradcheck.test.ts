// RNN and the single-step cells are composites of core ops: float64 finite-difference checks of
// their first and second derivatives with respect to the input and the initial state.
import { beforeEach, describe, test } from 'vitest';
import '@tensile/backend-cpu';
import { manualSeed, type Tensor } from '@tensile/core';
import * as nn from '@tensile/nn';
import { f64, gradcheck, gradgradcheck } from '../../../core/test/helpers.js';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

const both = (fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) => {
  gradcheck(fn, inputs);
  gradgradcheck(fn, inputs);
};

describe('RNN, float64, first and second order', () => {
  test('tanh, 2 layers, bidirectional: output and h_n', () => {
    const m = new nn.RNN(3, 2, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    both((x, h) => m(x, h)[0], [f64([3, 2, 3], 60), f64([4, 2, 2], 61, -0.5, 0.5)]);
    both((x, h) => m(x, h)[1] as Tensor, [f64([3, 2, 3], 62), f64([4, 2, 2], 63, -0.5, 0.5)]);
  });
  test('relu, batchFirst, unbatched', () => {
    const m = new nn.RNN(3, 2, { nonlinearity: 'relu', batchFirst: true, dtype: 'float64' });
    both((x, h) => m(x, h)[0], [f64([2, 3, 3], 64), f64([1, 2, 2], 65, -0.5, 0.5)]);
    both((x) => m(x)[0], [f64([3, 3], 66)]);
  });
});

describe('RNNCell, LSTMCell, GRUCell, float64, first and second order', () => {
  test('RNNCell tanh and relu, batched and unbatched', () => {
    const tanh = new nn.RNNCell(3, 2, { dtype: 'float64' });
    both((x, h) => tanh(x, h), [f64([2, 3], 70), f64([2, 2], 71, -0.5, 0.5)]);
    const relu = new nn.RNNCell(3, 2, { nonlinearity: 'relu', bias: false, dtype: 'float64' });
    both((x, h) => relu(x, h), [f64([3], 72), f64([2], 73, -0.5, 0.5)]);
  });
  test('LSTMCell: h and c', () => {
    const m = new nn.LSTMCell(3, 2, { dtype: 'float64' });
    both((x, h, c) => m(x, [h, c])[0]!, [f64([2, 3], 74), f64([2, 2], 75, -0.5, 0.5), f64([2, 2], 76, -0.5, 0.5)]);
    both((x, h, c) => m(x, [h, c])[1]!, [f64([2, 3], 77), f64([2, 2], 78, -0.5, 0.5), f64([2, 2], 79, -0.5, 0.5)]);
  });
  test('GRUCell, batched and without a state', () => {
    const m = new nn.GRUCell(3, 2, { dtype: 'float64' });
    both((x, h) => m(x, h), [f64([2, 3], 80), f64([2, 2], 81, -0.5, 0.5)]);
    both((x) => m(x), [f64([3], 82)]);
  });
});
