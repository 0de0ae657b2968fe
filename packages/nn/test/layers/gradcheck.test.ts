// Float64 finite-difference gradient checks: for the layers that have no
// golden file (ReLU, Tanh, Sigmoid, Softmax, LogSoftmax, Flatten, Identity,
// Dropout), and for the functional math of the others with respect to every
// input and parameter (first and second derivatives).
import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { Generator, manualSeed, tensor, type Tensor } from '@tensile/core';
import * as nn from '@tensile/nn';
import { f64, gradcheck, gradgradcheck } from '../../../core/test/helpers.js';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  manualSeed(0);
});

const F = nn.functional;

describe('layers without a golden file', () => {
  const x = () => f64([3, 4], 11, -2, 2);
  const cases: [string, () => nn.Module][] = [
    ['ReLU', () => new nn.ReLU()],
    ['Tanh', () => new nn.Tanh()],
    ['Sigmoid', () => new nn.Sigmoid()],
    ['Softmax dim 1', () => new nn.Softmax(1)],
    ['Softmax dim 0', () => new nn.Softmax({ dim: 0 })],
    ['LogSoftmax dim 1', () => new nn.LogSoftmax(1)],
    ['LogSoftmax (implicit dim)', () => new nn.LogSoftmax()],
    ['Flatten', () => new nn.Sequential(new nn.Flatten(0), new nn.Softmax(0))],
    ['Identity', () => new nn.Identity()],
  ];
  for (const [name, make] of cases)
    test(name, () => {
      const m = make();
      gradcheck((v) => m(v) as Tensor, [x()]);
    });
  test('Dropout (same mask for every evaluation)', () => {
    gradcheck((v) => new nn.Dropout({ p: 0.4, generator: new Generator(3) })(v), [x()]);
  });
});

describe('functional layer math, float64, inputs and parameters', () => {
  const x = f64([4, 3], 21, -3, 3);
  test('linear', () => gradcheck((v, w, b) => F.linear(v, w, b), [x, f64([2, 3], 2), f64([2], 3)]));
  test('leakyRelu, elu, gelu (both), silu, mish, softplus, hardtanh', () => {
    gradcheck((v) => F.leakyRelu(v, 0.2), [x]);
    gradcheck((v) => F.elu(v, 0.7), [x]);
    gradcheck((v) => F.gelu(v), [x]);
    gradcheck((v) => F.gelu(v, 'tanh'), [x]);
    gradcheck((v) => F.silu(v), [x]);
    gradcheck((v) => F.mish(v), [x]);
    gradcheck((v) => F.softplus(v, 2, 3), [x]);
    gradcheck((v) => F.hardtanh(v, -0.5, 1.5), [x]);
  });
  test('second derivatives of the smooth activations', () => {
    for (const f of [(v: Tensor) => F.gelu(v), (v: Tensor) => F.gelu(v, 'tanh'), (v: Tensor) => F.silu(v), (v: Tensor) => F.mish(v), (v: Tensor) => F.elu(v)])
      gradgradcheck(f, [x]);
  });
  test('groupNorm (2.4 semantics) and rmsNorm, first and second order', () => {
    gradcheck((v, w, b) => F.groupNorm(v, 2, { weight: w, bias: b }), [f64([2, 4, 3], 21), f64([4], 22), f64([4], 23)]);
    gradgradcheck((v, w, b) => F.groupNorm(v, 2, { weight: w, bias: b, eps: 1e-3 }), [f64([2, 4, 2], 24), f64([4], 25), f64([4], 26)]);
    gradcheck((v, w) => F.rmsNorm(v, [3], { weight: w }), [f64([2, 4, 3], 27), f64([3], 28)]);
    gradgradcheck((v, w) => F.rmsNorm(v, [2, 3], { weight: w, eps: 1e-3 }), [f64([2, 2, 3], 29), f64([2, 3], 30)]);
    gradgradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }), [f64([1, 3, 2], 31), f64([1, 3, 2], 32), f64([1, 3, 2], 33)]);
  });

  test('layerNorm over one and two trailing dims', () => {
    gradcheck((v, w, b) => F.layerNorm(v, [3], { weight: w, bias: b }), [x, f64([3], 4), f64([3], 5)]);
    gradcheck((v, w) => F.layerNorm(v, [4, 3], { weight: w, eps: 1e-3 }), [x, f64([4, 3], 6)]);
    gradgradcheck((v, w, b) => F.layerNorm(v, 3, { weight: w, bias: b }), [f64([2, 3], 7), f64([3], 8), f64([3], 9)]);
  });
  test('batchNorm with batch statistics, 2-d and 3-d', () => {
    gradcheck((v, w, b) => F.batchNorm(v, null, null, { weight: w, bias: b, training: true }), [x, f64([3], 4), f64([3], 5)]);
    gradcheck((v, w, b) => F.batchNorm(v, null, null, { weight: w, bias: b, training: true }), [f64([2, 3, 2], 12), f64([3], 4), f64([3], 5)]);
    gradgradcheck((v, w) => F.batchNorm(v, null, null, { weight: w, training: true }), [f64([3, 2], 13), f64([2], 4)]);
  });
  test('batchNorm with running statistics (eval)', () => {
    const rm = f64([3], 14);
    const rv = f64([3], 15, 0.5, 2);
    gradcheck((v, w, b) => F.batchNorm(v, rm, rv, { weight: w, bias: b }), [x, f64([3], 4), f64([3], 5)]);
  });
  test('embedding; with paddingIdx, the same gradient but 0 on that row', () => {
    const idx = tensor(new Int32Array([0, 2, 2, 1, 3, 1]), { shape: [2, 3] });
    gradcheck((w) => F.embedding(idx, w), [f64([4, 3], 16)]);
    const gradOf = (pad: number | null) => {
      const w = f64([4, 3], 16).requiresGrad_(true);
      F.embedding(idx, w, pad).backward(f64([2, 3, 3], 18));
      return [...w.grad!.dataSync()];
    };
    const full = gradOf(null);
    expect(gradOf(2)).toEqual(full.map((g, i) => (Math.floor(i / 3) === 2 ? 0 : g)));
    expect(gradOf(-2)).toEqual(gradOf(2));
  });
});

describe('attention and transformer layers, float64, first and second order', () => {
  const mha = (q: Tensor, k: Tensor, v: Tensor, w: Tensor, b: Tensor, ow: Tensor, bk: Tensor, bv: Tensor) =>
    F.multiHeadAttentionForward(q, k, v, 4, 2, w, b, bk, bv, true, 0, ow, null, {
      attnMask: tensor([[false, true, false], [false, false, true]]),
      keyPaddingMask: tensor([[false, false, true]]),
      averageAttnWeights: false,
    });
  const inputs = () => [f64([2, 1, 4], 40), f64([3, 1, 4], 41), f64([3, 1, 4], 42), f64([12, 4], 43, -0.5, 0.5), f64([12], 44), f64([4, 4], 45, -0.5, 0.5), f64([1, 1, 4], 46), f64([1, 1, 4], 47)];
  test('multiHeadAttentionForward: output and weights, every input and parameter', () => {
    gradcheck((...a) => mha(...(a as Parameters<typeof mha>))[0], inputs());
    gradcheck((...a) => mha(...(a as Parameters<typeof mha>))[1]!, inputs());
    gradgradcheck((...a) => mha(...(a as Parameters<typeof mha>))[0], inputs());
  });
  test('MultiheadAttention with kdim / vdim (separate projections), unbatched, twice', () => {
    const m = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 2, dtype: 'float64' });
    gradgradcheck((q, k, v) => m(q, k, v, { attnMask: nn.Transformer.generateSquareSubsequentMask(3, { dtype: 'float64' }) })[0], [f64([3, 4], 48), f64([3, 3], 49), f64([3, 2], 50)]);
  });
  test('TransformerEncoderLayer and TransformerDecoderLayer (gelu, both norm orders), twice', () => {
    const opts = { dimFeedforward: 5, dropout: 0, activation: 'gelu' as const, dtype: 'float64' as const };
    const enc = new nn.TransformerEncoderLayer(4, 2, { ...opts, normFirst: true });
    gradgradcheck((src) => enc(src, { srcMask: nn.Transformer.generateSquareSubsequentMask(3, { dtype: 'float64' }) }), [f64([3, 1, 4], 51)]);
    const dec = new nn.TransformerDecoderLayer(4, 2, { ...opts, batchFirst: true });
    gradgradcheck((tgt, mem) => dec(tgt, mem, { memoryKeyPaddingMask: tensor([[false, true, false]]) }), [f64([1, 2, 4], 52), f64([1, 3, 4], 53)]);
  });
  test('Transformer, first order', () => {
    const m = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 4, dropout: 0, activation: 'gelu', dtype: 'float64' });
    gradcheck((src, tgt) => m(src, tgt), [f64([3, 1, 4], 54), f64([2, 1, 4], 55)]);
  });
});

describe('modules built in float64 (dtype option)', () => {
  test('Linear, LayerNorm, BatchNorm1d parameters are float64 and differentiable', () => {
    const seq = new nn.Sequential(new nn.Linear(3, 4, { dtype: 'float64' }), new nn.LayerNorm(4, { dtype: 'float64' }), new nn.Tanh(), new nn.BatchNorm1d(4, { dtype: 'float64' }), new nn.Linear(4, 2, { dtype: 'float64' }));
    gradcheck((v) => seq(v) as Tensor, [f64([5, 3], 17)]);
  });
});
