import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { tensor, type Tensor, ValueError, ShapeError } from '@tensile/core';
import { Parameter, utils } from '@tensile/nn';

const values = (t: Tensor) => [...t.dataSync()];
function withGrads(...grads: number[][]): Parameter[] {
  return grads.map((g) => {
    const p = new Parameter(tensor(g.map(() => 0)));
    p.grad = tensor(g);
    return p;
  });
}

test('clipGradNorm_ scales by maxNorm / (total + 1e-6) and returns the total norm', () => {
  const ps = withGrads([3, 4], [12]);
  const total = utils.clipGradNorm_(ps, 6.5);
  expect(total.itemSync()).toBeCloseTo(13, 5);
  const c = 6.5 / (13 + 1e-6);
  values(ps[0]!.grad!).forEach((v, i) => expect(v).toBeCloseTo([3, 4][i]! * c, 5));
  expect(values(ps[1]!.grad!)[0]).toBeCloseTo(12 * c, 5);
});

test('clipGradNorm_ leaves small gradients alone, supports p = 1 and inf, and skips missing grads', () => {
  const ps = withGrads([0.3, -0.4]);
  expect(utils.clipGradNorm_(ps, 1).itemSync()).toBeCloseTo(0.5, 6);
  expect(values(ps[0]!.grad!)).toEqual([0.3, -0.4].map(Math.fround));
  const q = withGrads([1, -3], [2]);
  expect(utils.clipGradNorm_(q, 1, 1).itemSync()).toBeCloseTo(6, 5);
  expect(values(q[0]!.grad!).map((v) => +v.toFixed(5))).toEqual([0.16667, -0.5]);
  const r = withGrads([1, -3], [2]);
  expect(utils.clipGradNorm_(r, 1.5, Infinity).itemSync()).toBe(3);
  expect(values(r[0]!.grad!).map((v) => +v.toFixed(5))).toEqual([0.5, -1.5]);
  const none = new Parameter(tensor([1, 2]));
  expect(utils.clipGradNorm_([none], 1).itemSync()).toBe(0);
  expect(utils.clipGradNorm_(withGrads([1])[0]!, 1).itemSync()).toBe(1);
});

test('clipGradNorm_ with errorIfNonfinite throws on NaN / inf and changes nothing', () => {
  const ps = withGrads([Infinity, 1]);
  expect(() => utils.clipGradNorm_(ps, 1, 2, { errorIfNonfinite: true })).toThrow(ValueError);
  expect(values(ps[0]!.grad!)).toEqual([Infinity, 1]);
  expect(() => utils.clipGradNorm_(ps, 1, 2, { errorIfNonFinite: true } as never)).toThrow(/unknown option/);
});

test('clipGradValue_ clamps each gradient', () => {
  const ps = withGrads([-3, 0.5, 2]);
  utils.clipGradValue_(ps, 1);
  expect(values(ps[0]!.grad!)).toEqual([-1, 0.5, 1]);
});

test('parametersToVector and vectorToParameters are inverses', () => {
  const a = new Parameter(tensor([[1, 2], [3, 4]]));
  const b = new Parameter(tensor([5, 6]));
  const v = utils.parametersToVector([a, b]);
  expect(values(v)).toEqual([1, 2, 3, 4, 5, 6]);
  utils.vectorToParameters(v.mul(10), [a, b]);
  expect([values(a), values(b)]).toEqual([[10, 20, 30, 40], [50, 60]]);
  expect(a.requiresGrad && a.gradFn === null).toBe(true);
  expect(() => utils.vectorToParameters(tensor([1, 2]), [a, b])).toThrow(ShapeError);
  expect(values(a)).toEqual([10, 20, 30, 40]);
});
