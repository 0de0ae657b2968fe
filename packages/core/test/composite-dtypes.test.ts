// The op table's dtype rule of every composite is what core does: each composite runs on
// float32, float64, int32 and bool inputs, and the result dtype (or a DTypeError) must follow
// its rule. A composite added to the table without a probe here fails.
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { COMPOSITES, type CompositeOp, type DType, DTypeError, type Tensor } from '@tensile/core';

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'bool'];
const idx = (v: number[][] | number[]) => T.tensor(v, { dtype: 'int32' });
const win = { plane: [3], kernel: [2], stride: [1], dilation: [1], out: [2] };

/** Each composite called on tensors of the input's dtype (indices int32, masks bool). */
const PROBES: Record<CompositeOp, (x: Tensor) => Tensor> = {
  mean: (x) => T.mean(x),
  logsumexp: (x) => T.logsumexp(x, 1),
  var: (x) => T.variance(x),
  std: (x) => T.std(x),
  norm: (x) => T.norm(x),
  max: (x) => T.max(x),
  min: (x) => T.min(x),
  softmax: (x) => T.softmax(x, 1),
  logSoftmax: (x) => T.logSoftmax(x, 1),
  softmaxBackward: (x) => T.softmaxBackward(x, x, 1),
  logSoftmaxBackward: (x) => T.logSoftmaxBackward(x, x, 1),
  linear: (x) => T.linear(x, x),
  clamp: (x) => T.clamp(x, T.zeros([1], { dtype: x.dtype }), T.ones([1], { dtype: x.dtype })),
  indexSelect: (x) => T.indexSelect(x, 1, idx([0, 2])),
  takeAlongDim: (x) => T.takeAlongDim(x, idx([[0], [1]]), 1),
  oneHot: (x) => T.oneHot(x),
  maskedFill: (x) => T.maskedFill(x, T.tensor([true, false, true]), 0),
  indexPut: (x) => T.indexPut(x, [idx([1])], T.zeros([1, 3], { dtype: x.dtype })),
  topk: (x) => T.topk(x, 2).values,
  cat: (x) => T.cat([x, x]),
  pad: (x) => T.padSpatial(x, [1], [1]),
  unfold: (x) => T.unfoldWindows(T.reshape(x, [1, 2, 3]), win),
  fold: (x) => T.foldWindows(T.reshape(x, [1, 1, 3, 2]), { plane: [4], kernel: [3], stride: [1], dilation: [1], out: [2] }),
  stack: (x) => T.stack([x, x]),
  tril: (x) => T.tril(x),
  triu: (x) => T.triu(x, 1),
  repeat: (x) => T.repeat(x, [2, 1, 2]),
  bmm: (x) => T.bmm(T.reshape(x, [1, 2, 3]), T.reshape(x, [1, 3, 2])),
  addmm: (x) => T.addmm(T.zeros([2], { dtype: x.dtype }), x, x.t()),
  baddbmm: (x) => T.baddbmm(T.zeros([1, 2, 2], { dtype: x.dtype }), T.reshape(x, [1, 2, 3]), T.reshape(x, [1, 3, 2])),
  einsum: (x) => T.einsum('ij,kj->ik', x, x),
  scaledDotProductAttention: (x) => T.scaledDotProductAttention(x, x, x),
  scaledDotProductAttentionBackward: (x) => T.attentionBackwardComposed(x, x, x, x, null, { scale: 1, isCausal: false, mask: 'none' })[0]!,
  reluBackward: (x) => T.reluBackwardComposed(x, x),
  flip: (x) => T.flip(x, [0, 1]),
  roll: (x) => T.roll(x, [1, -1], [0, 1]),
  outer: (x) => T.outer(T.flatten(x), T.flatten(x)),
  diag: (x) => T.diag(T.flatten(x), 1),
  trace: (x) => T.trace(x),
  diff: (x) => T.diff(x, { n: 2, prepend: x }),
  lerp: (x) => T.lerp(x, x, 0.3),
  isclose: (x) => T.isclose(x, x),
  cross: (x) => T.cross(T.reshape(x, [3, 2]), T.reshape(x, [3, 2])),
  cdist: (x) => T.cdist(x, x),
  meshgrid: (x) => T.meshgrid(T.flatten(x), T.flatten(x))[0]!,
  repeatInterleave: (x) => T.repeatInterleave(x, 2, 1),
  multinomial: (x) => T.multinomial(x, 2, { generator: new T.Generator(0) }),
  tile: (x) => T.tile(x, [2]),
  hypot: (x) => T.hypot(x, x),
  cummax: (x) => T.cummax(x, 1).values,
  cummin: (x) => T.cummin(x, 1).values,
  logcumsumexp: (x) => T.logcumsumexp(x, 1),
  median: (x) => T.median(x),
  kthvalue: (x) => T.kthvalue(x, 1, -1).values,
  quantile: (x) => T.quantile(x, 0.5),
  searchsorted: (x) => T.searchsorted(x, x),
  bincount: (x) => T.bincount(T.flatten(x)),
};

/** What a rule says an input of dtype `d` gives: a dtype, 'refused', or for bool under same/promote either. */
function expected(rule: string, d: DType): DType | 'refused' | 'bool-or-refused' {
  const float = d === 'float32' || d === 'float64';
  switch (rule) {
    case 'float':
      return float ? d : 'float32';
    case 'float-only':
      return float ? d : 'refused';
    case 'same':
    case 'promote':
      // All the probe's tensors share the input's dtype; bool is refused where it makes no sense.
      return d === 'bool' ? 'bool-or-refused' : d;
    case 'any':
      return d;
    case 'bool':
      return 'bool';
    case 'index':
      return d === 'int32' ? 'int32' : 'refused';
    case 'sample':
      return float ? 'int32' : 'refused';
    case 'position':
      return d === 'bool' ? 'refused' : 'int32';
    default:
      throw new Error(`no expectation for dtype rule ${rule}`);
  }
}

test('every composite in the op table has a dtype probe', () => {
  expect(Object.keys(PROBES).sort()).toEqual(Object.keys(COMPOSITES).sort());
});

for (const [op, spec] of Object.entries(COMPOSITES) as [CompositeOp, (typeof COMPOSITES)[CompositeOp]][]) {
  test(`${op}: dtype rule '${spec.dtype}' holds for float32, float64, int32 and bool inputs`, () => {
    for (const d of DTYPES) {
      const x = T.tensor([[1, 0, 2], [0, 1, 1]], { dtype: d });
      const want = expected(spec.dtype, d);
      let got: DType | 'refused';
      try {
        got = PROBES[op](x).dtype;
      } catch (e) {
        if (!(e instanceof DTypeError)) throw e;
        got = 'refused';
      }
      if (want === 'bool-or-refused') expect([`${d}:bool`, `${d}:refused`]).toContain(`${d}:${got}`);
      else expect(`${d}:${got}`).toBe(`${d}:${want}`);
    }
  });
}
