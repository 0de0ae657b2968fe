// RNN/LSTM/GRU's `dropout`: applied in training to every layer's output but the last, as PyTorch.
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { manualSeed, randn, type Tensor, ValueError, zeros } from '@tensile/core';
import * as nn from '@tensile/nn';

const outputOf = (r: [Tensor, unknown]) => Array.from(r[0].dataSync());

for (const Layer of [nn.LSTM, nn.GRU, nn.RNN])
  test(`${Layer.name}: dropout is checked, off in eval and for one layer, and drops the inputs of layer 2 in training`, () => {
    for (const bad of [-0.1, 1.5, Number.NaN]) expect(() => new Layer(3, 4, { numLayers: 2, dropout: bad })).toThrow(ValueError);
    manualSeed(1);
    const x = randn([5, 2, 3]);
    const plain = new Layer(3, 4, { numLayers: 2 });
    const dropped = new Layer(3, 4, { numLayers: 2, dropout: 0.5 });
    dropped.loadStateDict(plain.stateDict());
    // eval: no dropout at all.
    expect(outputOf(dropped.eval()(x))).toEqual(outputOf(plain.eval()(x)));
    // training: the second layer sees dropped inputs.
    expect(outputOf(dropped.train()(x))).not.toEqual(outputOf(plain.train()(x)));
    // one layer: nothing between layers to drop.
    const one = new Layer(3, 4, { dropout: 0.5 });
    const oneRef = new Layer(3, 4);
    oneRef.loadStateDict(one.stateDict());
    expect(outputOf(one.train()(x))).toEqual(outputOf(oneRef.train()(x)));
    // p = 1: layer 2 gets zeros, so the output is a one-layer model with layer 2's weights run on zeros.
    const all = new Layer(3, 4, { numLayers: 2, dropout: 1 });
    all.loadStateDict(plain.stateDict());
    const second = new Layer(4, 4);
    second.loadStateDict(Object.fromEntries(Object.entries(plain.stateDict()).filter(([k]) => k.endsWith('_l1')).map(([k, v]) => [k.replace('_l1', '_l0'), v])));
    const got = outputOf(all.train()(x));
    const want = outputOf(second(zeros([5, 2, 4])));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });
