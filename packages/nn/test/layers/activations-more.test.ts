// Issue 20's activations and small layers: float64 finite-difference checks of
// first and second derivatives (the goldens pin values and PyTorch's kinks),
// plus the constructor forms and the inplace rule.
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { tensor, type Tensor, ShapeError, ValueError } from '@tensile/core';
import * as nn from '@tensile/nn';
import { f64, gradcheck, gradgradcheck } from '../../../core/test/helpers.js';

const F = nn.functional;

describe('first and second derivatives, float64', () => {
  const cases: [string, (...xs: Tensor[]) => Tensor, () => Tensor[]][] = [
    ['relu6', (v) => F.relu6(v), () => [f64([3, 4], 1, -2, 8)]],
    ['hardswish', (v) => F.hardswish(v), () => [f64([3, 4], 2, -5, 5)]],
    ['hardsigmoid', (v) => F.hardsigmoid(v), () => [f64([3, 4], 3, -5, 5)]],
    ['selu', (v) => F.selu(v), () => [f64([3, 4], 4, -3, 3)]],
    ['celu alpha 0.7', (v) => F.celu(v, 0.7), () => [f64([3, 4], 5, -3, 3)]],
    ['glu dim 0', (v) => F.glu(v, 0), () => [f64([4, 3], 6, -3, 3)]],
    ['glu dim -1', (v) => F.glu(v), () => [f64([2, 3, 4], 7, -3, 3)]],
    ['logsigmoid', (v) => F.logsigmoid(v), () => [f64([3, 4], 8, -6, 6)]],
    ['softsign', (v) => F.softsign(v), () => [f64([3, 4], 9, -3, 3)]],
    ['tanhshrink', (v) => F.tanhshrink(v), () => [f64([3, 4], 10, -3, 3)]],
    ['threshold', (v) => F.threshold(v, 0.2, -1.5), () => [f64([3, 4], 11, -2, 2)]],
    ['softmin dim 1', (v) => F.softmin(v, 1), () => [f64([3, 4], 12, -2, 2)]],
    ['prelu, per channel', (v, w) => F.prelu(v, w), () => [f64([2, 3, 2], 13, -2, 2), f64([3], 14, 0.1, 0.5)]],
    ['prelu, one slope', (v, w) => F.prelu(v, w), () => [f64([5], 15, -2, 2), f64([1], 16, 0.1, 0.5)]],
    ['cosineSimilarity, broadcast', (a, b) => F.cosineSimilarity(a, b, -1), () => [f64([2, 1, 4], 17), f64([3, 4], 18)]],
    ['pairwiseDistance p 3', (a, b) => F.pairwiseDistance(a, b, 3), () => [f64([3, 4], 19), f64([3, 4], 20)]],
    ['normalize p 2', (v) => F.normalize(v), () => [f64([3, 4], 21)]],
    ['normalize p 3 dim 0', (v) => F.normalize(v, { p: 3, dim: 0 }), () => [f64([3, 4], 22)]],
  ];
  // Piecewise linear: the first derivative is piecewise constant, so there is no second-order graph to check.
  const linearPieces = new Set(['relu6', 'hardsigmoid', 'threshold']);
  for (const [name, fn, inputs] of cases) {
    test(`${name}: first order`, () => gradcheck(fn, inputs()));
    if (!linearPieces.has(name)) test(`${name}: second order`, () => gradgradcheck(fn, inputs()));
  }
  test('PReLU and CosineSimilarity modules, float64, through their parameters', () => {
    const m = new nn.PReLU({ numParameters: 3, dtype: 'float64' });
    gradcheck((v) => m(v), [f64([2, 3, 2], 23, -2, 2)]);
    gradcheck((w) => F.prelu(f64([2, 3], 24, -2, 2), w), [f64([3], 25)]);
    gradgradcheck((v, w) => F.prelu(v, w), [f64([2, 3], 26, -2, 2), f64([3], 27)]);
  });
});

describe('constructors and options', () => {
  test('PyTorch-style positional forms', () => {
    expect(new nn.Threshold(0.1, 20).threshold).toBe(0.1);
    expect(new nn.Threshold({ threshold: 0.1, value: 20, inplace: true }).inplace).toBe(true);
    expect(new nn.CELU(0.5).alpha).toBe(0.5);
    expect(new nn.GLU(1).dim).toBe(1);
    expect(new nn.Softmin(0).dim).toBe(0);
    expect(new nn.Unflatten(1, [2, 3]).unflattenedSize).toEqual([2, 3]);
    expect(new nn.CosineSimilarity({ dim: 0 }).eps).toBe(1e-8);
    expect(new nn.PairwiseDistance({ keepdim: true }).p).toBe(2);
  });
  test('PReLU: one weight of init per parameter, PyTorch key names', async () => {
    const m = new nn.PReLU({ numParameters: 4, init: 0.1 });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(m.weight.shape).toEqual([4]);
    expect(Array.from(await m.weight.data())).toEqual(Array(4).fill(Math.fround(0.1)));
    expect(() => new nn.PReLU({ numParameters: 0 })).toThrow(ValueError);
    expect(() => m(tensor([[1, 2, 3]]))).toThrow(/PReLU|prelu.*parameter numbers = 4 and channel size = 3/);
  });
  test('unknown options and bad values are errors naming the layer', () => {
    expect(() => new nn.ReLU6({ inplace: false, negative_slope: 1 } as never)).toThrow(/ReLU6/);
    expect(() => new nn.CELU(0)).toThrow(ValueError);
    expect(() => F.glu(tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => new nn.Threshold({ threshold: 1 } as never)).toThrow(/Threshold: missing required argument value/);
  });
  test('inplace writes into the input and returns it; refused on a leaf that requires grad', async () => {
    const x = tensor([-4, -3, 0, 3, 4]);
    const y = new nn.Hardswish({ inplace: true })(x);
    expect(y).toBe(x);
    expect(Array.from(await x.data())).toEqual([-0, -0, 0, 3, 4]);
    const leaf = tensor([1, 2], { requiresGrad: true });
    for (const m of [new nn.ReLU6({ inplace: true }), new nn.SELU({ inplace: true }), new nn.Threshold(0, 1, { inplace: true })])
      expect(() => m(leaf)).toThrow(/in-place/);
  });
});

describe('README example (More activations and small layers)', () => {
  test('runs as written and gives the values its comments say', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const at = readme.indexOf('### More activations and small layers');
    const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
    const tensile = await import('tensile');
    const ts = (await import('typescript')).default;
    let js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    js = js.replace(/^import \{([^}]*)\} from 'tensile';$/m, 'const {$1} = tensile;').replace(/^console\.log.*$/m, '');
    const s = new Function('tensile', `${js}\nreturn { hs, p, unit, hot, halves, params };`)(tensile) as Record<string, Tensor & nn.Module>;
    const v = (t: Tensor) => Array.from(t.dataSync());
    expect(v(s.hs!)).toEqual([-0, -0, 0, 3, 4, 6]);
    expect(v(s.p!).map((a) => Number(a.toFixed(5)))).toEqual([-0.4, -0.3, 0, 3, 4, 6]);
    expect(v(s.unit!).map((a) => Number(a.toFixed(5)))).toEqual([0.6, 0.8, 0, 0]);
    expect(s.hot!.dtype).toBe('int32');
    expect(v(s.hot!)).toEqual([1, 0, 0, 0, 0, 1]);
    expect(v(s.halves!)).toEqual([0.5, 1]);
    expect(Object.keys((s.params as unknown as nn.Module).stateDict())).toEqual(['scale']);
  });
});
