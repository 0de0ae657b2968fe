// F.bilinear and nn.utils.rnn.padSequence are composites of core ops: float64 finite-difference
// checks of their first and second derivatives, and padSequence's argument checks.
import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { manualSeed, mul, ShapeError, type Tensor, ValueError } from '@tensile/core';
import * as nn from '@tensile/nn';
import { f64, gradcheck, gradgradcheck } from '../../../core/test/helpers.js';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

const F = nn.functional;
const { padSequence } = nn.utils.rnn;

describe('F.bilinear, float64', () => {
  test('every input, weight and bias; twice', () => {
    const inputs = () => [f64([3, 2], 110), f64([3, 4], 111), f64([5, 2, 4], 112), f64([5], 113)];
    gradcheck((a, b, w, bias) => F.bilinear(a, b, w, bias), inputs());
    gradgradcheck((a, b, w, bias) => F.bilinear(a, b, w, bias), inputs());
    gradgradcheck((a, b, w) => F.bilinear(a, b, w), [f64([2, 2, 3], 114), f64([2, 2, 1], 115), f64([2, 3, 1], 116)]);
  });
  test('the layer is a thin wrapper of F.bilinear', () => {
    const m = new nn.Bilinear(2, 3, 4, { dtype: 'float64' });
    const [a, b] = [f64([5, 2], 117), f64([5, 3], 118)];
    expect(Array.from(m(a, b).dataSync())).toEqual(Array.from(F.bilinear(a, b, m.weight, m.bias).dataSync()));
  });
});

describe('nn.utils.rnn.padSequence', () => {
  test('float64, every sequence, first and second order (squared, as padding is linear)', () => {
    const seqs = () => [f64([3, 2], 120), f64([1, 2], 121), f64([2, 2], 122)];
    gradcheck((...s) => padSequence(s, { paddingValue: 0.5 }), seqs());
    gradgradcheck((...s) => {
      const y = padSequence(s, { batchFirst: true });
      return mul(y, y) as Tensor;
    }, seqs());
  });
  test('bad input', () => {
    expect(() => padSequence([])).toThrow(ValueError);
    expect(() => padSequence([f64([2, 3], 1), f64([2, 2], 2)])).toThrow(ShapeError);
    expect(() => padSequence([f64([], 1)])).toThrow(ShapeError);
    expect(() => padSequence([f64([2], 1)], { batch_first: true } as never)).toThrow(ValueError);
  });
});

test("the README's recurrent example runs as written, with the shapes it states", async () => {
  const { readFileSync } = await import('node:fs');
  const ts = (await import('typescript')).default;
  const tensile = await import('tensile');
  const md = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = md.indexOf('Recurrent layers, cells and bags of embeddings');
  const code = /```ts\n([\s\S]*?)```/.exec(md.slice(at))![1]!;
  let js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  js = js.replace(/^import \{([^}]*)\} from 'tensile';$/m, 'const {$1} = tensile;');
  const out = new Function('tensile', `${js}\nreturn { batch, output, hN, h, c, sums };`)(tensile) as Record<string, Tensor>;
  expect([out.batch!.shape, out.output!.shape, out.hN!.shape, out.h!.shape, out.c!.shape, out.sums!.shape]).toEqual([[2, 5, 4], [2, 5, 8], [2, 2, 8], [2, 8], [2, 8], [2, 3]]);
});
