// Second derivatives of the losses against float64 finite differences of
// their first derivatives (PyTorch's gradgradcheck), at points away from the
// kinks (hinges, Huber's delta) where finite differences are meaningless.
import { describe, test } from 'vitest';
import '@tensile/backend-cpu';
import { logSoftmax, softmax, tensor, type Tensor } from '@tensile/core';
import { functional as F } from '@tensile/nn';
import { f64, gradcheck, gradgradcheck } from '../../../core/test/helpers.js';

const probs = (shape: number[], seed: number) => softmax(f64(shape, seed), -1);
const weight = tensor([0.5, 1.5, 0.75, 1.25], { dtype: 'float64' });
const classes = tensor(new Int32Array([2, 0, 3]));

/** Checks first and second derivatives of fn at inputs. */
function check(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  gradcheck(fn, inputs);
  gradgradcheck(fn, inputs);
}

describe('double backward against finite differences (float64)', () => {
  test('MSELoss', () => {
    check((x, t) => F.mseLoss(x, t), [f64([3, 4], 1), f64([3, 4], 2)]);
    check((x, t) => F.mseLoss(x, t, { reduction: 'sum' }), [f64([3, 4], 3), f64([4], 4)]);
  });

  test('CrossEntropyLoss with labelSmoothing and weight', () => {
    check((x) => F.crossEntropy(x, classes, { weight, labelSmoothing: 0.2 }), [f64([3, 4], 5, -2, 2)]);
    check((x) => F.crossEntropy(x, classes, { weight, labelSmoothing: 0.1, reduction: 'none' }), [f64([3, 4], 6, -2, 2)]);
    check((x, t) => F.crossEntropy(x, t, { weight, labelSmoothing: 0.1 }), [f64([3, 4], 7, -2, 2), probs([3, 4], 8)]);
  });

  test('BCEWithLogitsLoss with weight and posWeight', () => {
    const w = tensor([[0.5], [2], [1]], { dtype: 'float64' });
    const pw = tensor([3, 0.5, 1, 2], { dtype: 'float64' });
    check((x, t) => F.binaryCrossEntropyWithLogits(x, t, { weight: w, posWeight: pw }), [f64([3, 4], 9, -3, 3), f64([3, 4], 10, 0, 1)]);
  });

  test('BCEWithLogitsLoss where only the input requires grad (its own gradient formula)', () => {
    const t = f64([3, 4], 31, 0, 1);
    const w = tensor([[0.5], [2], [1]], { dtype: 'float64' });
    const pw = tensor([3, 0.5, 1, 2], { dtype: 'float64' });
    check((x) => F.binaryCrossEntropyWithLogits(x, t), [f64([3, 4], 32, -3, 3)]);
    check((x) => F.binaryCrossEntropyWithLogits(x, t, { weight: w, posWeight: pw, reduction: 'sum' }), [f64([3, 4], 33, -3, 3)]);
    check((x) => F.binaryCrossEntropyWithLogits(x, t, { posWeight: pw, reduction: 'none' }), [f64([3, 4], 34, -3, 3)]);
  });

  test('CTCLoss (second derivative through its log-sum-exp recursion)', () => {
    const targets = tensor(new Int32Array([1, 2, 3, 1]), { shape: [2, 2] });
    for (const reduction of ['mean', 'sum'] as const)
      check((x) => F.ctcLoss(logSoftmax(x, 2), targets, [5, 4], [2, 2], { reduction }), [f64([5, 2, 4], 35, -2, 2)]);
  });

  test('BCELoss (its own gradient formula)', () => {
    check((p, t) => F.binaryCrossEntropy(p, t, { reduction: 'sum' }), [f64([2, 3], 11, 0.05, 0.95), f64([2, 3], 12, 0, 1)]);
  });

  test('HuberLoss', () => {
    // |input - target| is either well below or well above delta = 1 in every element.
    const input = tensor([[0.1, 2.5, -0.3], [-3, 0.4, 1.9]], { dtype: 'float64' });
    const target = tensor([[0.2, -0.5, 0.1], [0.5, 0.2, -0.7]], { dtype: 'float64' });
    check((x, t) => F.huberLoss(x, t), [input, target]);
  });

  test('KLDivLoss', () => {
    check((x, t) => F.klDiv(x, t, { reduction: 'batchmean' }), [f64([3, 4], 13), probs([3, 4], 14)]);
    check((x, t) => F.klDiv(x, t, { reduction: 'sum', logTarget: true }), [f64([3, 4], 15), f64([3, 4], 16, -3, 0)]);
  });

  test('TripletMarginLoss', () => {
    // A margin of 5 keeps every triplet on the active side of the hinge.
    check((a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 5 }), [f64([3, 4], 17), f64([3, 4], 18), f64([3, 4], 19)]);
    check((a, p, n) => F.tripletMarginLoss(a, p, n, { margin: 5, p: 3, swap: true }), [f64([3, 4], 20), f64([3, 4], 21), f64([3, 4], 22)]);
  });

  test('GaussianNLLLoss (var clamped outside autograd)', () => {
    check((x, t, v) => F.gaussianNllLoss(x, t, v), [f64([3, 4], 23), f64([3, 4], 24), f64([3, 4], 25, 0.5, 2)]);
  });
});
