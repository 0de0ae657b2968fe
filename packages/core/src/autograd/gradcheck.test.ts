import { describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import { f64, gradcheck, gradgradcheck } from '../../test/helpers.js';

type Case = [string, (...xs: T.Tensor[]) => T.Tensor, number[][], { lo?: number; hi?: number }?];

const pos = { lo: 0.5, hi: 2 };
const unary: Case[] = [
  ['neg', (x) => T.neg(x), [[3, 4]]],
  ['abs', (x) => T.abs(x), [[3, 4]]],
  ['relu', (x) => T.relu(x), [[3, 4]]],
  ['exp', (x) => T.exp(x), [[3, 4]]],
  ['log', (x) => T.log(x), [[3, 4]], pos],
  ['log1p', (x) => T.log1p(x), [[3, 4]], pos],
  ['expm1', (x) => T.expm1(x), [[3, 4]]],
  ['sqrt', (x) => T.sqrt(x), [[3, 4]], pos],
  ['rsqrt', (x) => T.rsqrt(x), [[3, 4]], pos],
  ['reciprocal', (x) => T.reciprocal(x), [[3, 4]], pos],
  ['tanh', (x) => T.tanh(x), [[3, 4]]],
  ['sigmoid', (x) => T.sigmoid(x), [[3, 4]]],
  ['softplus', (x) => T.softplus(x), [[3, 4]]],
  ['softplus beta', (x) => T.softplus(x, 2, 1), [[3, 4]]],
  ['sin', (x) => T.sin(x), [[3, 4]]],
  ['cos', (x) => T.cos(x), [[3, 4]]],
  ['erf', (x) => T.erf(x), [[3, 4]]],
  ['erfinv', (x) => T.erfinv(x), [[3, 4]], { lo: -0.9, hi: 0.9 }],
  ['sinh', (x) => T.sinh(x), [[3, 4]]],
  ['cosh', (x) => T.cosh(x), [[3, 4]]],
  ['asin', (x) => T.asin(x), [[3, 4]], { lo: -0.9, hi: 0.9 }],
  ['acos', (x) => T.acos(x), [[3, 4]], { lo: -0.9, hi: 0.9 }],
  ['atan', (x) => T.atan(x), [[3, 4]]],
  ['lgamma', (x) => T.lgamma(x), [[3, 4]], { lo: 0.2, hi: 6 }],
  ['lgamma negative', (x) => T.lgamma(x), [[3, 4]], { lo: -0.9, hi: -0.1 }],
  ['digamma', (x) => T.digamma(x), [[3, 4]], { lo: 0.2, hi: 6 }],
  ['digamma negative', (x) => T.digamma(x), [[3, 4]], { lo: -1.9, hi: -1.1 }],
  ['square', (x) => T.square(x), [[3, 4]]],
  ['clamp', (x) => T.clamp(x, -0.5, 0.5), [[3, 4]]],
];
const binary: Case[] = [
  ['add broadcast', (a, b) => T.add(a, b, 2), [[2, 3, 4], [4]]],
  ['sub broadcast', (a, b) => T.sub(a, b), [[2, 1, 4], [3, 1]]],
  ['mul broadcast', (a, b) => T.mul(a, b), [[3, 4], [3, 1]]],
  ['div', (a, b) => T.div(a, b), [[3, 4], [3, 4]], pos],
  ['pow tensor', (a, b) => T.pow(a, b), [[3, 4], [3, 4]], pos],
  ['pow scalar', (a) => T.pow(a, 3), [[3, 4]]],
  ['maximum', (a, b) => T.maximum(a, b), [[3, 4], [4]]],
  ['minimum', (a, b) => T.minimum(a, b), [[3, 4], [4]]],
  ['atan2 broadcast', (a, b) => T.atan2(a, b), [[3, 4], [4]], pos],
  ['atan2 scalar other', (a) => T.atan2(a, -1.5), [[3, 4]]],
  ['where', (a, b) => T.where(T.gt(a, 0), a, b), [[3, 4], [3, 4]]],
  ['clamp tensor bounds', (x, lo) => T.clamp(x, lo, 0.8), [[3, 4], [4]]],
];
const reductions: Case[] = [
  ['sum all', (x) => T.sum(x), [[2, 3, 4]]],
  ['sum dims', (x) => T.sum(x, [0, 2], true), [[2, 3, 4]]],
  ['mean', (x) => T.mean(x, 1), [[2, 3, 4]]],
  ['prod', (x) => T.prod(x, 1), [[2, 3, 4]], pos],
  ['amax', (x) => T.amax(x, [0, 2]), [[2, 3, 4]]],
  ['amin', (x) => T.amin(x, 1, true), [[2, 3, 4]]],
  ['max dim', (x) => T.max(x, 1).values, [[3, 5]]],
  ['logsumexp', (x) => T.logsumexp(x, -1), [[3, 5]]],
  ['var', (x) => T.variance(x, 1), [[3, 5]]],
  ['std', (x) => T.std(x, 0, { correction: 0 }), [[3, 5]]],
  ['norm 2', (x) => T.norm(x, 2, 1), [[3, 5]]],
  ['norm 3', (x) => T.norm(x, 3), [[3, 5]], pos],
  ['norm 1', (x) => T.norm(x, 1, 0), [[3, 5]], pos],
  ['norm inf', (x) => T.norm(x, Infinity, 1), [[3, 5]]],
  ['cumsum', (x) => T.cumsum(x, 1), [[3, 5]]],
  ['cumprod', (x) => T.cumprod(x, 1), [[3, 5]], pos],
];
const structural: Case[] = [
  ['matmul 2d', (a, b) => T.matmul(a, b), [[3, 4], [4, 5]]],
  ['matmul batched broadcast', (a, b) => T.matmul(a, b), [[2, 3, 4], [4, 2]]],
  ['matmul 1d', (a, b) => T.matmul(a, b), [[4], [4, 3]]],
  ['matmul transposed operand', (a, b) => T.matmul(a.t(), b), [[4, 3], [4, 2]]],
  ['linear', (x, w, b) => T.linear(x, w, b), [[5, 3], [4, 3], [4]]],
  ['linear 3-d input, no bias', (x, w) => T.linear(x, w), [[2, 5, 3], [4, 3]]],
  ['softmax', (x) => T.softmax(x, 1), [[3, 5]]],
  ['logSoftmax', (x) => T.logSoftmax(x, 0), [[3, 5]]],
  ['gather', (x) => T.gather(x, 1, T.tensor([[0, 2], [1, 1], [3, 0]], { dtype: 'int32' })), [[3, 4]]],
  ['scatterAdd', (x, s) => T.scatterAdd(x, 0, T.tensor([[0, 1, 0], [2, 0, 2]], { dtype: 'int32' }), s), [[3, 3], [2, 3]]],
  ['scatter', (x, s) => T.scatter(x, 1, T.tensor([[2], [0]], { dtype: 'int32' }), s), [[2, 3], [2, 1]]],
  ['indexSelect', (x) => T.indexSelect(x, 0, T.tensor([2, 0, 2], { dtype: 'int32' })), [[3, 4]]],
  ['indexPut accumulate', (x, v) => T.indexPut(x, [T.tensor([0, 2, 0], { dtype: 'int32' })], v, true), [[3, 2], [3, 2]]],
  ['maskedFill', (x) => T.maskedFill(x, T.tensor([true, false, true]), 0.5), [[2, 3]]],
  ['maskedSelectSync broadcast', (x) => T.maskedSelectSync(x, T.tensor([[true, false, true], [false, true, true]])), [[3]]],
  ['sort', (x) => T.sort(x, 1).values, [[3, 5]]],
  ['topk', (x) => T.topk(x, 2).values, [[3, 5]]],
  ['reshape+permute', (x) => x.permute(2, 0, 1).reshape(4, 6), [[2, 3, 4]]],
  ['expand', (x) => x.expand(3, 2, 4), [[2, 1]]],
  ['narrow+slice+select', (x) => T.mul(x.narrow(1, 1, 2), x.slice(1, 0, 4, 2)).select(0, 1), [[3, 4]]],
  ['cat+stack', (a, b) => T.stack([T.cat([a, b], 1), T.cat([b, a], 1)]), [[2, 3], [2, 3]]],
  ['squeeze/unsqueeze', (x) => x.unsqueeze(0).squeeze(), [[3, 1, 2]]],
  ['clone+contiguous', (x) => x.t().contiguous().clone(), [[3, 4]]],
  ['cast round trip', (x) => x.float().double(), [[3, 4]]],
];

function run(cases: Case[]) {
  for (const [name, fn, shapes, range] of cases)
    test(name, () => {
      const xs = shapes.map((s, i) => f64(s, 11 + i, range?.lo ?? -1, range?.hi ?? 1));
      // The float32 round trip is linear, so a large step is exact and avoids float32 rounding noise.
      expect(() => gradcheck(fn, xs, name.startsWith('cast') ? { eps: 1e-2, atol: 1e-4 } : {})).not.toThrow();
    });
}

describe('float64 finite-difference gradients of every differentiable op', () => {
  describe('unary', () => run(unary));
  describe('binary', () => run(binary));
  describe('reductions and scans', () => run(reductions));
  describe('matmul, indexing, views', () => run(structural));
});

describe('double backward against finite differences', () => {
  const twice: Case[] = [
    ['exp', (x) => T.exp(x), [[2, 3]]],
    ['log', (x) => T.log(x), [[2, 3]], pos],
    ['mul', (a, b) => T.mul(a, b), [[2, 3], [2, 3]]],
    ['div', (a, b) => T.div(a, b), [[2, 3], [2, 3]], pos],
    ['matmul', (a, b) => T.matmul(a, b), [[2, 3], [3, 2]]],
    ['linear', (x, w, b) => T.linear(x, w, b), [[2, 3], [2, 3], [2]]],
    ['tanh', (x) => T.tanh(x), [[2, 3]]],
    ['sigmoid', (x) => T.sigmoid(x), [[2, 3]]],
    ['softmax', (x) => T.softmax(x, 1), [[2, 3]]],
    ['logSoftmax', (x) => T.logSoftmax(x, 1), [[2, 3]]],
    ['logsumexp', (x) => T.logsumexp(x, 1), [[2, 3]]],
    ['lgamma', (x) => T.lgamma(x), [[2, 3]], { lo: 0.2, hi: 6 }],
    ['lgamma negative', (x) => T.lgamma(x), [[2, 3]], { lo: -2.9, hi: -2.1 }],
    ['maskedSelectSync then mul', (x) => T.mul(T.maskedSelectSync(x, T.tensor([true, false, true])), T.maskedSelectSync(x, T.tensor([true, true, false]))), [[2, 3]]],
  ];
  for (const [name, fn, shapes, range] of twice)
    test(name, () => {
      const xs = shapes.map((s, i) => f64(s, 21 + i, range?.lo ?? -1, range?.hi ?? 1));
      expect(() => gradgradcheck(fn, xs)).not.toThrow();
    });

  test('a wrong gradient is caught (the check can fail)', () => {
    // exp whose recorded gradient is off by a factor of 2.
    const badExp = (x: T.Tensor) => {
      const out = T.noGrad(() => T.exp(x));
      T.record('badExp', [x], [out], [out], (g, s) => [T.mul(T.mul(g, s[0]!), 2)]);
      return out;
    };
    expect(() => gradcheck(badExp, [f64([2, 2], 3)])).toThrow(/gradcheck/);
  });
});

test('digamma differentiates once; its second derivative (polygamma(2)) is refused with an error naming trigamma', () => {
  const x = T.tensor([0.5, 2, 3.5], { dtype: 'float64' }).requiresGrad_(true);
  const [g] = T.grad(T.digamma(x).sum(), [x], null, { createGraph: true });
  // Closed forms: trigamma(1/2) = pi^2 / 2, trigamma(2) = pi^2 / 6 - 1, trigamma(7/2) = pi^2 / 2 - 4 - 4/9 - 4/25.
  const want = [Math.PI ** 2 / 2, Math.PI ** 2 / 6 - 1, Math.PI ** 2 / 2 - 4 - 4 / 9 - 4 / 25];
  [...g!.dataSync()].forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
  expect(() => g!.sum().backward()).toThrow(T.ValueError);
  expect(() => T.digamma(x).sum().backward()).not.toThrow();
  expect(() => T.polygamma(1, x).sum().backward()).toThrow(/polygamma\(2, x\)/);
  expect(() => T.polygamma(-1, x)).toThrow(/does not support negative/);
  expect(() => T.polygamma(2, x)).toThrow(T.ValueError);
  expect(T.polygamma(0, x).dataSync()).toEqual(T.digamma(x).dataSync());
});

test('softplus with beta: finite gradient where beta x overflows exp (the linear branch)', () => {
  const x = T.tensor([300, 1, -300]).requiresGrad_(true);
  T.softplus(x, 0.5, 5).sum().backward();
  expect([...x.grad!.dataSync()].map((v) => +v.toFixed(4))).toEqual([1, 0.6225, 0]);
});
