// Options, dtypes and bad input: what the golden files cannot show.
import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { DTypeError, IndexError, manualSeed, ShapeError, type Tensor, ValueError, randn, tensor, zeros } from '@tensile/core';
import * as nn from '@tensile/nn';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

const F = nn.functional;
type LossClass = new (options?: Record<string, unknown>) => nn.Module & ((...args: unknown[]) => Tensor);
const classes = nn as unknown as Record<string, LossClass>;

/** Every loss class, from the loss registry. */
const LOSSES = nn.LOSS_SPECS.map((s) => s.name);

describe('options', () => {
  test('the registry lists the 21 losses', () => expect(LOSSES).toHaveLength(21));

  test.each(LOSSES)('%s rejects an unknown option key, listing the valid ones', (name) => {
    expect(() => new classes[name]!({ ignore_index: 0 })).toThrow(ValueError);
    expect(() => new classes[name]!({ ignore_index: 0 })).toThrow(/unknown option 'ignore_index'.*reduction/);
  });

  test.each(LOSSES)('%s rejects an unknown reduction', (name) => {
    expect(() => new classes[name]!({ reduction: 'average' })).toThrow(ValueError);
    expect(() => new classes[name]!({ reduction: 'average' })).toThrow(new RegExp(`${name}: average is not a valid value for reduction`));
  });

  test('functional forms check options too', () => {
    expect(() => F.nllLoss(randn(2, 3).logSoftmax(1), zeros([2], { dtype: 'int32' }), { ignore_index: 0 } as never)).toThrow(/nllLoss: unknown option 'ignore_index'; valid options are reduction, weight, ignoreIndex/);
    expect(() => F.mseLoss(randn(2), randn(2), { reduction: 'batchmean' } as never)).toThrow(ValueError);
    expect(F.klDiv(randn(2, 3).logSoftmax(1), randn(2, 3).softmax(1), { reduction: 'batchmean' }).shape).toEqual([]);
  });

  test('classes expose their options under PyTorch names', () => {
    const ce = new nn.CrossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: 3, weight: tensor([1, 2, 3]) });
    expect([ce.reduction, ce.labelSmoothing, ce.ignoreIndex]).toEqual(['mean', 0.1, 3]);
    expect(Object.keys(ce.stateDict())).toEqual(['weight']);
    const bce = new nn.BCEWithLogitsLoss({ posWeight: tensor([2]) });
    expect(Object.keys(bce.stateDict())).toEqual(['posWeight']);
    expect(new nn.KLDivLoss({ reduction: 'batchmean', logTarget: true }).logTarget).toBe(true);
    expect(String(new nn.HuberLoss({ reduction: 'sum' }))).toBe("HuberLoss(reduction='sum')");
  });

  test('TripletMarginWithDistanceLoss takes any margin, as PyTorch 1.13', () => {
    expect(new nn.TripletMarginWithDistanceLoss({ margin: 0 }).margin).toBe(0);
    expect(new nn.TripletMarginWithDistanceLoss({ margin: -0.5 }).margin).toBe(-0.5);
  });
});

describe('class indices', () => {
  const x = randn(3, 4, { requiresGrad: true });
  const floatTarget = tensor([0, 1, 2]);
  test.each([
    ['nllLoss', () => F.nllLoss(x, floatTarget)],
    ['crossEntropy', () => F.crossEntropy(x, floatTarget)],
    ['multiMarginLoss', () => F.multiMarginLoss(x, floatTarget)],
    ['multilabelMarginLoss', () => F.multilabelMarginLoss(x, tensor([[0, -1, 0, 0], [1, -1, 0, 0], [2, -1, 0, 0]]))],
  ])('%s: a float target is a DTypeError that suggests int32', (name, call) => {
    expect(call).toThrow(DTypeError);
    expect(call).toThrow(new RegExp(`${name}.*\\{dtype: 'int32'\\}`));
  });

  test('ctcLoss reads float and bool targets as integer labels (truncated), as PyTorch', () => {
    const lp = randn(5, 3, 4).logSoftmax(2);
    const ints = F.ctcLoss(lp, tensor(Int32Array.from([1, 2, 3]), { shape: [3, 1] }), [5, 5, 5], [1, 1, 1], { reduction: 'none' });
    const floats = F.ctcLoss(lp, tensor([[1.5], [2.9], [3]]), [5, 5, 5], [1, 1, 1], { reduction: 'none' });
    expect(Array.from(floats.dataSync())).toEqual(Array.from(ints.dataSync()));
  });

  test('out-of-range indices throw IndexError before any gradient exists', () => {
    const bad = tensor(new Int32Array([0, 4, 1]));
    expect(() => F.crossEntropy(x, bad)).toThrow(IndexError);
    expect(() => F.nllLoss(x, bad, { ignoreIndex: 4 })).not.toThrow();
    expect(() => F.multiMarginLoss(x, bad)).toThrow(IndexError);
    expect(() => F.multilabelMarginLoss(x, tensor(new Int32Array([0, 5, -1, 0, 1, -1, 9, 9, -1, 0, 0, 0]), { shape: [3, 4] }))).toThrow(IndexError);
    // Labels after a row's -1 are never read, so they may hold anything.
    expect(() => F.multilabelMarginLoss(x, tensor(new Int32Array([0, -1, 9, 9, 1, -1, 9, 9, 2, 3, -1, 0]), { shape: [3, 4] }))).not.toThrow();
    expect(x.grad).toBeNull();
  });

  test('CTC rejects labels out of range and bad lengths', () => {
    const lp = randn(5, 2, 4).logSoftmax(2);
    expect(() => F.ctcLoss(lp, tensor(new Int32Array([[1, 4], [1, 1]].flat()), { shape: [2, 2] }), [5, 5], [2, 2])).toThrow(IndexError);
    expect(() => F.ctcLoss(lp, tensor(new Int32Array([1, 2, 3])), [5, 5], [2, 2])).toThrow(ShapeError);
    expect(() => F.ctcLoss(lp, tensor(new Int32Array([1, 2])), [5], [1, 1])).toThrow(ShapeError);
    expect(() => F.ctcLoss(lp, tensor(new Int32Array([1, 2])), [5, 6], [1, 1])).toThrow(/ctcLoss: Expected inputLengths to have value at most 5/);
  });
});

describe('calling', () => {
  test('a loss is callable and has forward, with the same result', () => {
    const lossFunction = new nn.MSELoss();
    const output = randn(4, 3, { requiresGrad: true });
    const target = randn(4, 3);
    const a = lossFunction(output, target);
    const b = lossFunction.forward(output, target);
    expect(a.itemSync()).toBe(b.itemSync());
    a.backward();
    expect(output.grad!.shape).toEqual([4, 3]);
  });

  test('the weight is a buffer: a replaced weight is the one used', () => {
    const nll = new nn.NLLLoss({ weight: tensor([1, 0, 0]) });
    const x = tensor([[-1, -2, -3]]);
    const t = tensor(new Int32Array([0]));
    const sum = new nn.NLLLoss({ weight: tensor([1, 0, 0]), reduction: 'sum' });
    expect(sum(x, t).itemSync()).toBeCloseTo(1);
    sum.weight = tensor([2, 0, 0]);
    expect(sum(x, t).itemSync()).toBeCloseTo(2);
    expect(sum.stateDict().weight!.dataSync()[0]).toBe(2);
    expect(nll(x, t).itemSync()).toBeCloseTo(1);
  });
});

describe('CTC edge cases', () => {
  test('an input of no frames aligns only the empty target: loss 0, else inf (0 with zeroInfinity)', () => {
    const lp = randn(4, 2, 3, { requiresGrad: true }).logSoftmax(2);
    const targets = tensor(new Int32Array([1, 2]), { shape: [2, 1] });
    expect(Array.from(F.ctcLoss(lp, targets, [0, 0], [0, 1], { reduction: 'none' }).dataSync())).toEqual([0, Infinity]);
    expect(Array.from(F.ctcLoss(lp, targets, [0, 0], [0, 1], { reduction: 'none', zeroInfinity: true }).dataSync())).toEqual([0, 0]);
  });
});
