import * as T from '@tensile/core';
import { type DType, kernelCoverage, PRIMITIVES, type Tensor } from '@tensile/core';
import '@tensile/backend-cpu';
import { nativeBackend, setNumThreads } from '../src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeKernels } from '../src/kernels.js';
import { addon, expectClose, make, values } from './helpers.js';

/**
 * Differential tests of every kernel against backend-cpu, on contiguous,
 * strided (transposed, stepped), broadcast and size-0 views, in every dtype a
 * kernel takes, and on sizes large enough for the thread pool; once per
 * kernel build (AVX2 and baseline).
 */

type Out = Tensor | readonly Tensor[] | T.ValuesIndices;
interface Case {
  label: string;
  fn: (dev: string) => Out;
  rtol?: number;
  atol?: number;
}

const ops = (kind: string) => Object.entries(PRIMITIVES).filter(([, s]) => s.kind === kind).map(([op]) => op);
// A primitive without a function of its own name (trigamma is polygamma(1, x)) goes through core's unary().
const call = (op: string, ...args: unknown[]) =>
  op in T ? (T as unknown as Record<string, (...a: unknown[]) => Tensor>)[op]!(...args) : T.unary(op as T.UnaryOp, args[0] as Tensor);
const list = (o: Out): Tensor[] => (o instanceof T.Tensor ? [o] : [...(o as Iterable<Tensor>)]);

const f32 = (n: number[], seed: number, dev: string, kind: 'float' | 'special' = 'special') => make(values(T.numel(n), seed, kind), n, 'float32', dev);
const typed = (n: number[], seed: number, dtype: DType, dev: string) =>
  make(values(T.numel(n), seed, dtype === 'int32' ? 'int' : dtype === 'bool' ? 'bool' : 'special'), n, dtype, dev);

const cases: Case[] = [];
const add = (label: string, fn: Case['fn'], rtol?: number, atol?: number) => cases.push({ label, fn, rtol, atol });

// abs and relu reject bool, as PyTorch; sign of a bool is the bool.
const BOOL_UNARY = new Set(['isnan', 'isinf', 'logicalNot', 'sign']);
for (const op of ops('unary')) {
  add(`${op} f32`, (d) => call(op, f32([33, 17], 1, d)));
  add(`${op} f32 transposed`, (d) => call(op, f32([17, 33], 2, d).t()));
  add(`${op} f32 stepped`, (d) => call(op, T.slice(f32([6, 20], 3, d), 1, 1, null, 3)));
  add(`${op} f64`, (d) => call(op, typed([5, 7], 4, 'float64', d)));
  add(`${op} int32`, (d) => call(op, typed([4, 6], 5, 'int32', d)));
  if (BOOL_UNARY.has(op)) add(`${op} bool`, (d) => call(op, typed([3, 5], 6, 'bool', d)));
  add(`${op} size 0`, (d) => call(op, f32([0, 3], 7, d)));
  add(`${op} large (threads)`, (d) => call(op, f32([300, 400], 8, d, 'float')));
}

const BOOL_BINARY = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor']);
for (const op of ops('binary')) {
  add(`${op} f32 broadcast`, (d) => call(op, f32([4, 1, 5], 11, d), f32([3, 5], 12, d)));
  add(`${op} f32 transposed`, (d) => call(op, f32([5, 4], 13, d).t(), f32([4, 5], 14, d)));
  add(`${op} f32 scalar right`, (d) => call(op, f32([3, 4], 15, d), 2.5));
  add(`${op} f32 scalar left`, (d) => call(op, 1.5, f32([3, 4], 16, d)));
  add(`${op} int32`, (d) => call(op, typed([6, 7], 17, 'int32', d), typed([7], 18, 'int32', d)));
  add(`${op} int32 scalar`, (d) => call(op, typed([6, 7], 19, 'int32', d), 3));
  add(`${op} f64`, (d) => call(op, typed([3, 4], 20, 'float64', d), typed([3, 4], 21, 'float64', d)));
  if (BOOL_BINARY.has(op)) add(`${op} bool`, (d) => call(op, typed([4, 5], 22, 'bool', d), typed([5], 23, 'bool', d)));
  add(`${op} size 0`, (d) => call(op, f32([0, 5], 24, d), f32([5], 25, d)));
  add(`${op} large (threads)`, (d) => call(op, f32([256, 512], 26, d, 'float'), f32([512], 27, d, 'float')));
}
add('add_ in place on a transposed view', (d) => {
  const x = f32([6, 5], 28, d);
  T.add_(x.t(), f32([5, 6], 29, d));
  return x;
});

for (const dt of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
  add(`where ${dt}`, (d) => T.where(typed([4, 1, 6], 30, 'bool', d), typed([3, 6], 31, dt, d), dt === 'bool' ? true : 2));
  add(`where ${dt} transposed`, (d) => T.where(typed([6, 4], 32, 'bool', d).t(), typed([4, 6], 33, dt, d), typed([6, 4], 34, dt, d).t()));
}
add('where large (threads)', (d) => T.where(typed([300, 300], 35, 'bool', d), f32([300, 300], 36, d), f32([300], 37, d)));

for (const from of ['float32', 'float64', 'int32', 'bool'] as DType[])
  for (const to of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
    add(`cast ${from} -> ${to}`, (d) => T.castTo(typed([9, 7], 40, from, d).t(), to));
    add(`cast ${from} -> ${to} size 0`, (d) => T.castTo(typed([0, 2], 41, from, d), to));
  }
add('clone of a transposed view', (d) => T.clone(f32([7, 9], 42, d).t()));
add('cat along a strided dim', (d) => T.cat([f32([4, 3], 43, d), f32([2, 4], 44, d).t()], 1));
add('copy_ into a transposed view', (d) => {
  const z = T.zeros([6, 4], { device: d });
  T.copy_(z.t(), f32([4, 6], 45, d));
  return z;
});
add('copy_ large (threads)', (d) => T.clone(f32([400, 300], 46, d, 'float').t()));
add('full', (d) => T.full([3, 4], 2.5, { device: d }));
for (const dtype of ['float32', 'float64', 'int32', 'bool'] as DType[]) add(`zeros ${dtype} large (threads)`, (d) => T.add(T.zeros([400, 300], { device: d, dtype }), 1));
add('zero_ on a transposed view', (d) => {
  const x = f32([5, 6], 47, d);
  T.zero_(T.slice(x.t(), 0, 1, null, 2));
  return x;
});
add('full int32 wraps', (d) => T.full([3], 3e9, { device: d, dtype: 'int32' }));
add('fill_ on a stepped view', (d) => {
  const z = T.zeros([5, 6], { device: d });
  T.fill_(T.slice(z, 1, 0, null, 2), NaN);
  return z;
});

for (const op of ['sum', 'prod', 'amax', 'amin']) {
  for (const dim of [0, 1, 2, [0, 2], undefined] as const) {
    const dims = dim === undefined ? undefined : (dim as number | number[]);
    add(`${op} dim ${JSON.stringify(dim)}`, (d) => call(op, f32([6, 7, 8], 50, d), dims));
    add(`${op} dim ${JSON.stringify(dim)} keepdim, permuted input`, (d) => call(op, T.permute(f32([8, 6, 7], 51, d), [1, 2, 0]), dims, true));
  }
  add(`${op} int32`, (d) => call(op, typed([5, 6], 52, 'int32', d), 1));
  add(`${op} f64`, (d) => call(op, typed([5, 6], 53, 'float64', d), 0));
  add(`${op} size 0 rows`, (d) => call(op, f32([0, 4], 54, d), 1));
}
add('sum bool', (d) => T.sum(typed([5, 6], 55, 'bool', d), 1));
add('amax bool', (d) => T.amax(typed([5, 6], 56, 'bool', d), 1));
add('sum over an empty dim', (d) => T.sum(f32([3, 0], 57, d), 1));
for (const op of ['argmax', 'argmin']) {
  for (const dim of [0, 1, 2, null]) add(`${op} dim ${dim}`, (d) => call(op, f32([6, 7, 8], 58, d), dim));
  add(`${op} int32`, (d) => call(op, typed([5, 6], 59, 'int32', d), 1));
  add(`${op} bool`, (d) => call(op, typed([5, 6], 60, 'bool', d), 1));
}
// Long single reductions split across threads; a NaN planted late must win, ties keep the first index.
const planted = (d: string) => {
  const v = values(1 << 20, 61, 'float');
  v[900_000] = NaN;
  return make(v, [1 << 20], 'float32', d);
};
const ties = (d: string) => make(values(1 << 20, 62, 'int'), [1 << 20], 'float32', d);
for (const op of ['sum', 'prod', 'amax', 'amin', 'argmax', 'argmin']) {
  add(`${op} long (threads)`, (d) => call(op, f32([1 << 20], 63, d, 'float')), 1e-5);
  add(`${op} long with NaN (threads)`, (d) => call(op, planted(d)));
  add(`${op} long with ties (threads)`, (d) => call(op, ties(d)));
}
add('sum long int32 (threads)', (d) => T.sum(typed([1 << 20], 64, 'int32', d)));
// kernels-c sums float32 rows in short float32 blocks (16 elements a lane) carried in float64, as
// PyTorch's cascade sum: the error is ~1e-7 of sum |x| (300 values of |x| <= 3 here), not of a
// cancelling result, so the bound is absolute.
add('sum rows large (threads)', (d) => T.sum(f32([600, 300], 65, d, 'float'), 1), 1e-5, 5e-5);

const MATMUL_SHAPES: [number[], number[]][] = [
  [[1, 1], [1, 1]],
  [[3, 4], [4, 5]],
  [[37, 53], [53, 29]],
  [[130, 300], [300, 257]],
  [[2, 3, 4, 5], [5, 6]],
  [[7], [7, 3]],
  [[3, 7], [7]],
  [[3, 0], [0, 4]],
  [[0, 3], [3, 4]],
];
for (const [sa, sb] of MATMUL_SHAPES) {
  add(`matmul ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, (d) => T.matmul(f32(sa, 70, d, 'float'), f32(sb, 71, d, 'float')), 1e-4, 1e-4);
  add(`matmul f64 ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, (d) => T.matmul(typed(sa, 72, 'float64', d), typed(sb, 73, 'float64', d)), 1e-12, 1e-12);
  add(`matmul int32 ${JSON.stringify(sa)} x ${JSON.stringify(sb)}`, (d) => T.matmul(typed(sa, 74, 'int32', d), typed(sb, 75, 'int32', d)));
}
add('matmul transposed operands', (d) => T.matmul(f32([40, 30], 76, d, 'float').t(), f32([50, 40], 77, d, 'float').t()), 1e-4, 1e-4);
add('matmul large (threads)', (d) => T.matmul(f32([256, 256], 78, d, 'float'), f32([256, 256], 79, d, 'float')), 1e-4, 1e-4);
add('matmul many small (threads)', (d) => T.matmul(f32([64, 24, 24], 80, d, 'float'), f32([64, 24, 24], 81, d, 'float')), 1e-4, 1e-4);
add('matmul with Inf and NaN', (d) => T.matmul(f32([5, 6], 82, d), f32([6, 4], 83, d)));

const idx = (data: number[], shape: number[], d: string) => make(data, shape, 'int32', d);
const randIdx = (n: number, hi: number, seed: number) => values(n, seed, 'bool').map((_, i) => (i * 7 + seed) % hi);
for (const dt of ['float32', 'float64', 'int32', 'bool'] as DType[]) {
  add(`gather ${dt} dim 0`, (d) => T.gather(typed([5, 6], 90, dt, d), 0, idx(randIdx(24, 5, 1), [4, 6], d)));
  add(`gather ${dt} dim 1 transposed`, (d) => T.gather(typed([6, 5], 91, dt, d).t(), 1, idx(randIdx(15, 6, 2), [5, 3], d)));
  add(`scatter ${dt}`, (d) => T.scatter(typed([5, 6], 92, dt, d), 0, idx(randIdx(12, 5, 3), [2, 6], d), typed([3, 6], 93, dt, d)));
  add(`scatterAdd ${dt}`, (d) => T.scatterAdd(typed([5, 6], 94, dt, d), 1, idx(randIdx(30, 6, 4), [5, 6], d), typed([5, 6], 95, dt, d)));
}
// One index line shared by every row (an expanded table, as convolution windows use): the kernels' row fast path.
const line = [4, 0, 2, 2, 5, 1, 3, 0, 5];
add('gather shared line', (d) => T.gather(f32([3, 4, 6], 98, d), 2, T.expand(idx(line, [1, 1, 9], d), [3, 4, 9])));
add('scatterAdd shared line', (d) => T.scatterAdd(f32([3, 4, 6], 99, d), 2, T.expand(idx(line, [1, 1, 9], d), [3, 4, 9]), f32([3, 4, 9], 100, d)));
add('gather 0-d index from 1-d', (d) => T.gather(f32([4], 96, d), 0, idx([2], [], d)));
add('gather size 0', (d) => T.gather(f32([3, 4], 97, d), 1, idx([], [3, 0], d)));

for (const op of ['cumsum', 'cumprod'])
  for (const dim of [0, 1, 2]) {
    add(`${op} dim ${dim}`, (d) => call(op, f32([4, 5, 6], 100, d, 'float'), dim), 1e-5, 1e-6);
    add(`${op} int32 dim ${dim}`, (d) => call(op, typed([4, 5, 6], 101, 'int32', d), dim));
    add(`${op} f64 dim ${dim}`, (d) => call(op, typed([4, 5, 6], 102, 'float64', d), dim), 1e-12);
    add(`${op} bool dim ${dim}`, (d) => call(op, typed([4, 5, 6], 103, 'bool', d), dim));
  }
for (const descending of [false, true]) {
  add(`sort ties (stable) descending=${descending}`, (d) => T.sort(make(values(200, 110, 'int'), [5, 40], 'float32', d), -1, descending));
  add(`sort specials descending=${descending}`, (d) => T.sort(f32([5, 40], 111, d), 1, descending));
  add(`sort dim 0 descending=${descending}`, (d) => T.sort(f32([40, 5], 112, d), 0, descending));
  add(`sort int32 descending=${descending}`, (d) => T.sort(typed([6, 30], 113, 'int32', d), -1, descending));
  add(`sort bool descending=${descending}`, (d) => T.sort(typed([6, 30], 114, 'bool', d), -1, descending));
  add(`sort large (threads) descending=${descending}`, (d) => T.sort(f32([2000, 64], 115, d, 'float'), -1, descending));
}

const SOFTMAX_CASES: [number[], number, boolean][] = [
  [[5, 7], -1, false],
  [[4, 6, 5], 1, false],
  [[6, 5], 0, true],
  [[7], 0, false],
  [[300, 400], 1, false],
  [[0, 3], 1, false],
];

describe('fused softmax / logSoftmax kernels match the cpu composite', () => {
  const fused = nativeKernels(nativeBackend.bridge!) as unknown as Record<'softmax' | 'logSoftmax', T.FusedKernel>;
  for (const op of ['softmax', 'logSoftmax'] as const)
    for (const [shape, dim, transposed] of SOFTMAX_CASES)
      it(`${op} ${JSON.stringify(shape)} dim ${dim}${transposed ? ' transposed' : ''}`, () => {
        T.tidy(() => {
          const view = (d: string) => (transposed ? f32([...shape].reverse(), 120, d).t() : f32(shape, 120, d));
          const x = view('native');
          const out = T.zeros(x.shape, { device: 'native' });
          fused[op]([x], { dim }, out);
          expectClose(out, call(op, view('cpu'), dim), `fused ${op}`, 1e-5, 1e-6);
        });
      });
});

describe('backend-native kernels match backend-cpu', () => {
  it('the addon is built (else every test here would skip)', () => {
    expect(nativeBackend.unavailableReason).toBeUndefined();
  });

  it('registers every primitive for device native', () => {
    expect(kernelCoverage('native').missing).toEqual([]);
  });

  const isas = nativeBackend.isReady && addon().cpuHasAvx2Fma ? ['avx2', 'base'] : ['base'];
  for (const isa of isas)
    describe(`${isa} kernels`, () => {
      beforeAll(() => {
        expect(addon().setIsa(isa)).toBe(true);
        setNumThreads(2);
      });
      afterAll(() => {
        addon().setIsa(addon().cpuHasAvx2Fma ? 'avx2' : 'base');
      });
      for (const c of cases)
        it(c.label, () => {
          T.tidy(() => {
            const want = list(c.fn('cpu'));
            const got = list(c.fn('native'));
            expect(got.length).toBe(want.length);
            got.forEach((g, i) => expectClose(g, want[i]!, `${c.label} [output ${i}]`, c.rtol, c.atol));
          });
        });
    });
});
