// Lives beside the classes so that `tsc -p packages/nn` type-checks the calls:
// a loss is callable like PyTorch's (`lossFunction(output, target)`) and has
// `forward`, both typed with the loss's own arguments.
import { expect, expectTypeOf, test } from 'vitest';
import '@tensile/backend-cpu';
import { type Loss, manualSeed, type Tensor, randn, tensor } from '@tensile/core';
import * as nn from '../index.js';

test('losses are callable and typed like their forward', () => {
  manualSeed(0);
  const output = randn(3, 4, { requiresGrad: true });
  const target = randn(3, 4);
  const lossFunction = new nn.MSELoss();
  const loss: Tensor = lossFunction(output, target);
  const same: Tensor = lossFunction.forward(output, target);
  loss.backward();
  expect(same.itemSync()).toBe(loss.itemSync());
  // @ts-expect-error MSELoss takes (input, target)
  expect(() => lossFunction(output)).toThrow();

  const triplet = new nn.TripletMarginLoss({ margin: 2 });
  const t: Tensor = triplet(output, target, randn(3, 4));
  expect(t.shape).toEqual([]);

  const ctc = new nn.CTCLoss({ blank: 0 });
  const c: Tensor = ctc(randn(5, 2, 3).logSoftmax(2), tensor(new Int32Array([1, 2])), [5, 5], tensor(new Int32Array([1, 1])));
  expect(c.shape).toEqual([]);

  // Every class satisfies core's Loss interface.
  const all: Loss[] = [lossFunction, triplet, ctc, new nn.KLDivLoss({ reduction: 'batchmean' }), new nn.CrossEntropyLoss()];
  expect(all.map((l) => l.reduction)).toEqual(['mean', 'mean', 'mean', 'batchmean', 'mean']);
});

test('the registry-made classes keep their typed attributes, options and forwards', () => {
  manualSeed(0);
  const ce = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
  expectTypeOf(ce.labelSmoothing).toEqualTypeOf<number>();
  expectTypeOf(ce.ignoreIndex).toEqualTypeOf<number>();
  expectTypeOf(ce.weight).toEqualTypeOf<Tensor | null>();
  expectTypeOf(ce.reduction).toEqualTypeOf<'none' | 'mean' | 'sum'>();
  expectTypeOf(ce.forward).parameters.toEqualTypeOf<[input: Tensor, target: Tensor]>();
  expectTypeOf(nn.CrossEntropyLoss).constructorParameters.toEqualTypeOf<[options?: nn.functional.CrossEntropyLossOptions]>();
  expectTypeOf(new nn.KLDivLoss().reduction).toEqualTypeOf<'none' | 'mean' | 'sum' | 'batchmean'>();
  expectTypeOf(new nn.BCEWithLogitsLoss().posWeight).toEqualTypeOf<Tensor | null>();
  expectTypeOf(new nn.TripletMarginWithDistanceLoss().distanceFunction).toEqualTypeOf<nn.functional.DistanceFunction | null>();
  expectTypeOf(new nn.TripletMarginLoss().swap).toEqualTypeOf<boolean>();
  expectTypeOf(new nn.CTCLoss().forward).parameters.toEqualTypeOf<
    [logProbs: Tensor, targets: Tensor, inputLengths: nn.functional.CTCLengths, targetLengths: nn.functional.CTCLengths]
  >();
  expectTypeOf(new nn.GaussianNLLLoss()).toBeCallableWith(randn(2), randn(2), randn(2));
  // The class name is a type too, as a class declaration's is.
  const m: nn.MSELoss = new nn.MSELoss();
  expect(m).toBeInstanceOf(nn.MSELoss);
  expect([nn.MSELoss.name, String(new nn.HuberLoss())]).toEqual(['MSELoss', "HuberLoss(reduction='mean')"]);
  // @ts-expect-error MSELoss has no margin option
  expect(() => new nn.MSELoss({ margin: 1 })).toThrow(/unknown option 'margin'/);
});

test('LOSS_SPECS lists the 21 losses in registry order, each the spec of its class', () => {
  expect(nn.LOSS_SPECS).toHaveLength(21);
  for (const spec of nn.LOSS_SPECS) {
    const cls = (nn as unknown as Record<string, nn.LossClass>)[spec.name]!;
    expect(cls.spec).toBe(spec);
    expect((nn.functional as unknown as Record<string, unknown>)[spec.functional]).toBe(spec.fn);
  }
  expect(nn.LOSS_SPECS[0]!.name).toBe('L1Loss');
  expect(nn.CrossEntropyLoss.spec.defaults).toEqual({ reduction: 'mean', weight: null, ignoreIndex: -100, labelSmoothing: 0 });
  // Written once and read by everyone, so nobody can change them under the others.
  expect(Object.isFrozen(nn.LOSS_SPECS) && nn.LOSS_SPECS.every((spec) => Object.isFrozen(spec) && Object.isFrozen(spec.defaults))).toBe(
    true,
  );
  expect(nn.CrossEntropyLoss.spec.defaults).toBe(nn.functional.CROSS_ENTROPY_LOSS_DEFAULTS);
});
