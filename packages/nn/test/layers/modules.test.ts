// Behaviour of the layer classes beyond their math: containers and PyTorch's
// key names, options checking, Dropout's randomness, modes, state dicts.
import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { Generator, IndexError, manualSeed, ShapeError, tensor, type Tensor, ValueError } from '@tensile/core';
import * as nn from '@tensile/nn';

// Layers with random init draw from the default generator: tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  manualSeed(0);
});

const values = (t: Tensor) => [...t.dataSync()];

describe('containers', () => {
  test('Sequential names children 0, 1, ... and is indexable', () => {
    const seq = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq[0]).toBeInstanceOf(nn.Linear);
    expect(seq.at(-1)).toBe(seq[2]);
    expect(seq.length).toBe(3);
    expect([...seq].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
    expect(() => seq.at(3)).toThrow(IndexError);
    expect((seq(tensor([[1, 2, 3, 4]])) as Tensor).shape).toEqual([1, 3]);
  });

  test('append, extend and insert renumber as PyTorch', () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2));
    seq.append(new nn.Tanh()).extend([new nn.Linear(2, 1)]);
    const bn = new nn.BatchNorm1d(2);
    seq.insert(1, bn);
    expect([...seq.namedChildren()].map(([n, m]) => `${n}:${m.constructor.name}`)).toEqual(['0:Linear', '1:BatchNorm1d', '2:Tanh', '3:Linear']);
    expect(Object.keys(seq.stateDict())).toContain('1.num_batches_tracked');
    expect(seq[1]).toBe(bn);
    expect(() => seq.append({} as nn.Module)).toThrow(ValueError);
  });

  test('Sequential with named children, nested containers', () => {
    const seq = new nn.Sequential({ encoder: new nn.Sequential(new nn.Linear(3, 2)), act: new nn.ReLU() });
    expect(Object.keys(seq.stateDict())).toEqual(['encoder.0.weight', 'encoder.0.bias']);
    expect(seq.at(0)).toBeInstanceOf(nn.Sequential);
    expect(() => new nn.Sequential(new nn.ReLU(), 3 as unknown as nn.Module)).toThrow(ValueError);
  });

  test('ModuleList and ModuleDict register their modules and are not callable', () => {
    const list = new nn.ModuleList([new nn.Linear(2, 2), new nn.Linear(2, 2)]);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(list.parameters().length).toBe(4);
    expect(() => (list as unknown as () => void)()).toThrow(/not callable/);
    const dict = new nn.ModuleDict({ a: new nn.Linear(2, 1), b: new nn.ReLU() });
    dict.set('c', new nn.Linear(1, 1));
    expect(dict.keys()).toEqual(['a', 'b', 'c']);
    expect(Object.keys(dict.stateDict())).toEqual(['a.weight', 'a.bias', 'c.weight', 'c.bias']);
    expect(dict.pop('a')).toBeInstanceOf(nn.Linear);
    expect(dict.has('a')).toBe(false);
    expect(Object.keys(dict.stateDict())).toEqual(['c.weight', 'c.bias']);
    expect(() => (dict as unknown as () => void)()).toThrow(/not callable/);
  });
});

describe('options', () => {
  const makers: [string, (o: Record<string, unknown>) => unknown][] = [
    ['Linear', (o) => new nn.Linear(2, 3, o)],
    ['Flatten', (o) => new nn.Flatten(o)],
    ['ReLU', (o) => new nn.ReLU(o as never)],
    ['Tanh', (o) => new nn.Tanh(o as never)],
    ['Sigmoid', (o) => new nn.Sigmoid(o as never)],
    ['SiLU', (o) => new nn.SiLU(o as never)],
    ['Mish', (o) => new nn.Mish(o as never)],
    ['LeakyReLU', (o) => new nn.LeakyReLU(o)],
    ['ELU', (o) => new nn.ELU(o)],
    ['GELU', (o) => new nn.GELU(o)],
    ['Softplus', (o) => new nn.Softplus(o)],
    ['Hardtanh', (o) => new nn.Hardtanh(o)],
    ['Softmax', (o) => new nn.Softmax(o)],
    ['LogSoftmax', (o) => new nn.LogSoftmax(o)],
    ['Dropout', (o) => new nn.Dropout(o)],
    ['Embedding', (o) => new nn.Embedding(4, 2, o)],
    ['LayerNorm', (o) => new nn.LayerNorm(3, o)],
    ['BatchNorm1d', (o) => new nn.BatchNorm1d(3, o)],
  ];
  for (const [name, make] of makers)
    test(`${name} rejects an unknown option, listing the valid ones`, () => {
      expect(() => make({ no_such_option: 1 })).toThrow(ValueError);
      expect(() => make({ no_such_option: 1 })).toThrow(/unknown option 'no_such_option'; valid options are/);
    });

  test('layers take PyTorch positional arguments or one object of named ones', () => {
    const a = new nn.Linear({ inFeatures: 2, outFeatures: 3, bias: false });
    expect([a.inFeatures, a.outFeatures, a.bias]).toEqual([2, 3, null]);
    expect(Object.keys(a.stateDict())).toEqual(['weight']);
    expect(new nn.BatchNorm1d({ numFeatures: 5, momentum: null }).momentum).toBeNull();
    expect(new nn.LayerNorm({ normalizedShape: [2, 3] }).weight!.shape).toEqual([2, 3]);
    expect(new nn.Embedding({ numEmbeddings: 4, embeddingDim: 2, paddingIdx: -1 }).paddingIdx).toBe(3);
    expect(new nn.LeakyReLU(0.2).negativeSlope).toBe(0.2);
    expect(() => new nn.Linear({ inFeatures: 2 } as never)).toThrow(/missing required argument outFeatures/);
    expect(() => new nn.Linear(2.5, 3)).toThrow(/inFeatures must be a non-negative integer/);
    expect(() => new nn.BatchNorm1d(0)).toThrow(ValueError);
    expect(() => new nn.Embedding(4, 2, { paddingIdx: 4 })).toThrow(IndexError);
    expect(() => new nn.Dropout(1.5)).toThrow(/between 0 and 1/);
    expect(() => new nn.GELU({ approximate: 'sigmoid' as never })).toThrow(/approximate/);
    expect(() => new nn.Hardtanh({ minVal: 1, maxVal: -1 })).toThrow(/maxVal/);
  });
});

describe('Dropout', () => {
  test('zeroes about p of the elements, scales the rest by 1 / (1 - p), and is seeded', () => {
    const x = tensor(Array.from({ length: 4000 }, () => 1));
    manualSeed(123);
    const a = values(new nn.Dropout(0.25)(x));
    manualSeed(123);
    const b = values(new nn.Dropout(0.25)(x));
    expect(a).toEqual(b);
    const zeros = a.filter((v) => v === 0).length;
    // Five standard errors of a binomial proportion: seeded, so only a wrong p fails this.
    expect(Math.abs(zeros / a.length - 0.25)).toBeLessThan(5 * Math.sqrt((0.25 * 0.75) / a.length));
    expect(new Set(a.filter((v) => v !== 0).map((v) => v.toFixed(6)))).toEqual(new Set([(1 / 0.75).toFixed(6)]));
    const g = (seed: number) => values(new nn.Dropout({ p: 0.5, generator: new Generator(seed) })(x));
    expect(g(1)).toEqual(g(1));
    expect(g(1)).not.toEqual(g(2));
  });
  test('is the identity in eval mode and for p = 0; p = 1 zeroes everything', () => {
    const x = tensor([[1, -2], [3, 4]]);
    expect(values(new nn.Dropout(0.9).eval()(x))).toEqual([1, -2, 3, 4]);
    expect(values(new nn.Dropout(0)(x))).toEqual([1, -2, 3, 4]);
    expect(values(new nn.Dropout(1)(x)).map(Math.abs)).toEqual([0, 0, 0, 0]);
  });
});

describe('BatchNorm1d', () => {
  test('buffers under PyTorch names; num_batches_tracked is int32 and counts training forwards', () => {
    const bn = new nn.BatchNorm1d(2);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    const x = tensor([[1, 2], [3, 6]]);
    bn(x);
    bn(x);
    expect(bn.num_batches_tracked!.itemSync()).toBe(2);
    bn.eval()(x);
    expect(bn.num_batches_tracked!.itemSync()).toBe(2);
    // running_mean after two updates of factor 0.1 toward the batch mean [2, 4].
    expect(values(bn.running_mean!).map((v) => +v.toFixed(6))).toEqual([0.38, 0.76]);
    bn.resetRunningStats();
    expect([values(bn.running_mean!), values(bn.running_var!), bn.num_batches_tracked!.itemSync()]).toEqual([[0, 0], [1, 1], 0]);
  });
  test('momentum null averages every batch equally', () => {
    const bn = new nn.BatchNorm1d(1, { momentum: null, affine: false });
    for (const m of [1, 2, 6]) bn(tensor([[m - 1], [m + 1]]));
    expect(values(bn.running_mean!)[0]).toBeCloseTo(3, 6);
    expect(values(bn.running_var!)[0]).toBeCloseTo(2, 6);
  });
  test('rejected input changes nothing', () => {
    const bn = new nn.BatchNorm1d(3);
    expect(() => bn(tensor([[1, 2, 3]]))).toThrow(/more than 1 value per channel/);
    expect(() => bn(tensor([[1, 2], [3, 4]]))).toThrow(ShapeError);
    expect(() => bn(tensor([[[[1, 2, 3]]]]))).toThrow(/expected 2D or 3D input/);
    expect(bn.num_batches_tracked!.itemSync()).toBe(0);
    expect(values(bn.running_mean!)).toEqual([0, 0, 0]);
  });
});

describe('state dicts', () => {
  const make = () => new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.GELU(), new nn.LayerNorm(4), new nn.Linear(4, 2));
  test('a copied state dict reproduces the model, buffers included', () => {
    const a = make();
    const x = tensor([[1, 2, 3], [-1, 0, 2], [0.5, 0.5, -3]]);
    a(x);
    const b = make();
    b.loadStateDict(a.stateDict());
    a.eval();
    b.eval();
    expect(values(b(x) as Tensor)).toEqual(values(a(x) as Tensor));
    expect(b.stateDict()['1.num_batches_tracked']!.itemSync()).toBe(1);
  });
  test('strict loading names missing and unexpected keys; a bad load changes nothing', () => {
    const a = make();
    const before = Object.values(a.stateDict()).map(values);
    const sd = { ...make().stateDict() };
    delete sd['0.bias'];
    expect(() => a.loadStateDict({ ...sd, extra: tensor([1]) })).toThrow(/missing key\(s\): 0.bias; unexpected key\(s\): extra/);
    expect(() => a.loadStateDict({ ...make().stateDict(), '4.weight': tensor([[1, 2]]) })).toThrow(ShapeError);
    expect(Object.values(a.stateDict()).map(values)).toEqual(before);
    expect(a.loadStateDict(sd, false)).toEqual({ missingKeys: ['0.bias'], unexpectedKeys: [] });
  });
});

test('Linear initializes as PyTorch: weight and bias in +-1/sqrt(inFeatures), seeded by manualSeed', () => {
  manualSeed(7);
  const a = new nn.Linear(16, 32);
  manualSeed(7);
  const b = new nn.Linear(16, 32);
  expect(values(a.weight)).toEqual(values(b.weight));
  for (const t of [a.weight, a.bias!]) {
    const v = values(t);
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.2);
  }
  const e = new nn.Embedding(5, 3, { paddingIdx: 1 });
  expect(values(e.weight).slice(3, 6)).toEqual([0, 0, 0]);
  expect(String(new nn.Sequential(new nn.Linear(2, 1)))).toContain('(0): Linear(inFeatures=2, outFeatures=1, bias=true)');
});

test('Embedding.fromPretrained copies the table and freezes it by default', () => {
  const table = tensor([[1, 2], [3, 4], [5, 6]]);
  const e = nn.Embedding.fromPretrained(table, { paddingIdx: 1 });
  expect([e.numEmbeddings, e.embeddingDim, e.weight.requiresGrad]).toEqual([3, 2, false]);
  expect(values(e(tensor(new Int32Array([2, 1]))))).toEqual([5, 6, 3, 4]);
  expect(nn.Embedding.fromPretrained(table, { freeze: false }).weight.requiresGrad).toBe(true);
  expect(() => nn.Embedding.fromPretrained(tensor([1, 2]))).toThrow(ShapeError);
  expect(() => nn.Embedding.fromPretrained(table, { frozen: true } as never)).toThrow(/unknown option 'frozen'/);
});

describe('MultiheadAttention isCausal', () => {
  // PyTorch 2's hint: isCausal needs the causal attnMask too (1.13 has no such option, so no golden).
  test('isCausal without attnMask is a ValueError naming the op, and changes nothing', () => {
    manualSeed(3);
    const mha = new nn.MultiheadAttention(4, 2);
    const before = Object.fromEntries(Object.entries(mha.stateDict()).map(([k, t]) => [k, values(t)]));
    const x = tensor([[[1, 2, 3, 4]], [[4, 3, 2, 1]]]);
    expect(() => mha(x, x, x, { isCausal: true })).toThrow(ValueError);
    expect(() => mha(x, x, x, { isCausal: true })).toThrow(/multiHeadAttentionForward|MultiheadAttention/);
    expect(() => mha(x, x, x, { isCausal: true })).toThrow(/Need attn_mask if specifying the is_causal hint/);
    expect(Object.fromEntries(Object.entries(mha.stateDict()).map(([k, t]) => [k, values(t)]))).toEqual(before);
    const mask = nn.Transformer.generateSquareSubsequentMask(2);
    expect((mha(x, x, x, { isCausal: true, attnMask: mask })[0] as Tensor).shape).toEqual([2, 1, 4]);
  });
});
