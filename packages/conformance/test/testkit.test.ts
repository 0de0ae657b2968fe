// @tensile/conformance/testkit: the golden reader and comparator other packages' tests use.
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { tensor } from '@tensile/core';
import { PACKAGED_GOLDEN } from '@tensile/conformance';
import {
  GOLDEN_DIR,
  decodePlain,
  expectTensorClose,
  expectValuesClose,
  goldenCases,
  goldenFile,
  goldenFiles,
  goldenTensor,
  listGolden,
  Rng,
} from '@tensile/conformance/testkit';

describe('testkit', () => {
  test('reads the packaged set (or $TENSILE_GOLDEN), validated, by kind and by file', () => {
    expect(GOLDEN_DIR).toBe(process.env.TENSILE_GOLDEN ?? PACKAGED_GOLDEN);
    const files = goldenFiles('losses');
    expect(files.map((f) => f.file.replace('losses/', ''))).toEqual(listGolden('losses').filter((f) => f.endsWith('.json')));
    expect(goldenFiles('losses')).toBe(files); // read once
    const mse = goldenFile<{ id: string; loss: string }>('losses', 'MSELoss.json');
    expect(mse.header.name).toBe('MSELoss');
    expect(mse.cases.every((c) => c.loss === 'MSELoss')).toBe(true);
    expect(goldenCases('losses').length).toBe(files.reduce((n, f) => n + f.cases.length, 0));
    // A training file is one case.
    expect(goldenCases('training')).toHaveLength(goldenFiles('training').length);
    expect(() => goldenFile('losses', 'NoSuchLoss.json')).toThrow(/no file losses\/NoSuchLoss.json/);
  });

  test('decodes special floats through lists and objects', () => {
    expect(decodePlain({ a: ['nan', 'inf', 1], b: { c: '-inf', d: 'pairwise' } })).toEqual({
      a: [NaN, Infinity, 1],
      b: { c: -Infinity, d: 'pairwise' },
    });
  });

  test('golden tensors keep their dtype; a float one takes the dtype asked for', () => {
    const f = goldenTensor({ dtype: 'float32', shape: [3], data: [1.5, 'nan', '-inf'] }, { dtype: 'float64', requiresGrad: true });
    expect([f.dtype, f.requiresGrad, Array.from(f.dataSync())]).toEqual(['float64', true, [1.5, NaN, -Infinity]]);
    const i = goldenTensor({ dtype: 'int32', shape: [2], data: [3, -1] }, { dtype: 'float64' });
    expect([i.dtype, Array.from(i.dataSync())]).toEqual(['int32', [3, -1]]);
    const b = goldenTensor({ dtype: 'bool', shape: [2], data: [true, false] });
    expect([b.dtype, Array.from(b.dataSync())]).toEqual(['bool', [1, 0]]);
  });

  test('compares as the golden README says, and says which value differs', () => {
    expectValuesClose('v', [1, NaN, Infinity], [1 + 1e-6, NaN, Infinity]);
    expect(() => expectValuesClose('v', [1.01], [1])).toThrow(/^v: .*index 0: got 1.01, want 1/);
    expect(() => expectValuesClose('v', [NaN], [1])).toThrow(/^v:/);
    expect(() => expectValuesClose('v', [1e30], [Infinity])).toThrow(/^v:/);
    expect(() => expectValuesClose('v', [-Infinity], [Infinity])).toThrow(/^v:/);
    expect(() => expectValuesClose('v', [1, 2], [1])).toThrow(/2 values, expected 1/);
    expectValuesClose('loose', [1.01], [1], 0.02, 0);
    const want = { dtype: 'float32', shape: [2], data: [1, 'inf'] } as const;
    expectTensorClose('t', tensor([1, Infinity]), { ...want, data: [...want.data] });
    expect(() => expectTensorClose('t', null, { ...want, data: [...want.data] })).toThrow('t: missing');
    expect(() => expectTensorClose('t', tensor([[1, Infinity]]), { ...want, data: [...want.data] })).toThrow('t: shape [1, 2], want [2]');
    expect(() => expectTensorClose('t', tensor([1, 5]), { ...want, data: [...want.data] })).toThrow(/^t: .*index 1/);
  });

  test("exports the suite's seeded generator", () => {
    const a = new Rng(7);
    const b = new Rng(7);
    expect([a.next(), a.int(0, 10)]).toEqual([b.next(), b.int(0, 10)]);
  });
});
