// Lives beside the classes so that `tsc -p packages/nn` type-checks the calls:
// a loss is callable like PyTorch's (`lossFunction(output, target)`) and has
// `forward`, both typed with the loss's own arguments.
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { type Loss, type Tensor, randn, tensor } from '@tensile/core';
import * as nn from '../index.js';

test('losses are callable and typed like their forward', () => {
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
