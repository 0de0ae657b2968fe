import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  T.manualSeed(0);
});

/**
 * The cpu backend is the reference, so its strided, broadcast and expanded
 * paths are checked two ways: against the same op on .contiguous() inputs, and
 * against a plain float64 computation that reads the storage through the view's
 * own strides.
 */

function storageValues(t: T.Tensor): number[] {
  return Array.from((t.storage as unknown as { data: ArrayLike<number> }).data);
}

/** The view's elements in row-major order, read straight from storage via its strides. */
function viaStrides(t: T.Tensor): number[] {
  const data = storageValues(t);
  const out: number[] = [];
  const n = t.numel();
  const idx = new Array<number>(t.ndim).fill(0);
  for (let k = 0; k < n; k++) {
    let off = t.offset;
    for (let d = 0; d < t.ndim; d++) off += idx[d]! * t.strides[d]!;
    out.push(data[off]!);
    for (let d = t.ndim - 1; d >= 0; d--) {
      if (++idx[d]! < t.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w)) expect(Number.isNaN(g)).toBe(true);
    else expect(Math.abs(g - w)).toBeLessThanOrEqual(tol * (1 + Math.abs(w)));
  }
}

T.manualSeed(1234);
const base = T.randn(4, 6);
const base3 = T.randn(3, 4, 5);
const views: [string, () => T.Tensor][] = [
  ['contiguous', () => base],
  ['transposed', () => base.t()],
  ['stepped slice', () => base.slice(1, 0, 6, 2)],
  ['offset narrow', () => base.narrow(0, 1, 2)],
  ['expanded column', () => base.narrow(1, 2, 1).expand(4, 5)],
  ['permuted 3-d', () => base3.permute(2, 0, 1)],
  ['size-0', () => base.narrow(0, 0, 0)],
  ['size-1 dims', () => base3.narrow(0, 1, 1).narrow(2, 3, 1)],
];

const unaryRef: Record<string, (v: number) => number> = {
  neg: (v) => -v,
  abs: Math.abs,
  exp: Math.exp,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => Math.max(v, 0),
  sign: Math.sign,
};

describe('unary kernels on strided views', () => {
  for (const [vname, make] of views)
    for (const [op, ref] of Object.entries(unaryRef))
      test(`${op} on ${vname}`, () => {
        const v = make();
        const got = (T as unknown as Record<string, (x: T.Tensor) => T.Tensor>)[op]!(v);
        const viaContig = (T as unknown as Record<string, (x: T.Tensor) => T.Tensor>)[op]!(v.contiguous());
        expect(got.shape).toEqual(v.shape);
        expectClose(got.dataSync(), viaContig.dataSync(), 0);
        expectClose(got.dataSync(), viaStrides(v).map(ref));
      });
});

describe('binary kernels with broadcasting over strided views', () => {
  const pairs: [string, () => [T.Tensor, T.Tensor]][] = [
    ['transposed + row', () => [base.t(), T.randn(4)]],
    ['stepped * column', () => [base.slice(1, 0, 6, 2), T.randn(4, 1).t().t()]],
    ['expanded - transposed', () => [base.narrow(1, 0, 1).expand(4, 4), base.narrow(1, 1, 4).t()]],
    ['3-d permuted / broadcast', () => [base3.permute(1, 0, 2), T.randn(1, 3, 1).add(3)]],
    ['0-d and size-0', () => [T.tensor(2), base.narrow(1, 0, 0)]],
  ];
  const ops: [string, (a: T.Tensor, b: T.Tensor) => T.Tensor, (x: number, y: number) => number][] = [
    ['add', T.add, (x, y) => x + y],
    ['mul', T.mul, (x, y) => x * y],
    ['sub', T.sub, (x, y) => x - y],
    ['div', T.div, (x, y) => x / y],
    ['maximum', T.maximum, Math.max],
  ];
  for (const [pname, make] of pairs)
    for (const [oname, fn, ref] of ops)
      test(`${oname}: ${pname}`, () => {
        const [a, b] = make();
        const out = fn(a, b);
        expectClose(out.dataSync(), fn(a.contiguous(), b.contiguous()).dataSync(), 0);
        const shape = out.shape;
        const ae = viaStrides(a.expand(shape));
        const be = viaStrides(b.expand(shape));
        expectClose(out.dataSync(), ae.map((x, i) => ref(x, be[i]!)));
      });
});

describe('reductions, scans, sort and indexing on strided views', () => {
  test('sum / amax / argmax over dims of a permuted view match a float64 reference', () => {
    const v = base3.permute(2, 0, 1); // [5, 3, 4]
    const vals = viaStrides(v);
    const at = (i: number, j: number, k: number) => vals[(i * 3 + j) * 4 + k]!;
    const sum = T.sum(v, [0, 2]).dataSync();
    const amax = T.amax(v, 1).dataSync();
    const argmax = T.argmax(v, 2).dataSync();
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let i = 0; i < 5; i++) for (let k = 0; k < 4; k++) s += at(i, j, k);
      expect(sum[j]).toBeCloseTo(s, 4);
    }
    for (let i = 0; i < 5; i++)
      for (let k = 0; k < 4; k++) expect(amax[i * 4 + k]).toBeCloseTo(Math.max(at(i, 0, k), at(i, 1, k), at(i, 2, k)), 6);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 3; j++) {
        const row = [0, 1, 2, 3].map((k) => at(i, j, k));
        expect(argmax[i * 3 + j]).toBe(row.indexOf(Math.max(...row)));
      }
    expectClose(T.sum(v, [0, 2]).dataSync(), T.sum(v.contiguous(), [0, 2]).dataSync(), 1e-6);
  });

  test('matmul with transposed and batch-broadcast operands matches a float64 triple loop', () => {
    const a = T.randn(2, 5, 3).transpose(1, 2); // [2, 3, 5] strided
    const b = T.randn(4, 5).t().t(); // [4, 5]
    const bt = T.randn(5, 4);
    const out = T.matmul(a, bt);
    const av = viaStrides(a);
    const bv = viaStrides(bt);
    const want: number[] = [];
    for (let t = 0; t < 2; t++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++) {
          let s = 0;
          for (let k = 0; k < 5; k++) s += av[(t * 3 + i) * 5 + k]! * bv[k * 4 + j]!;
          want.push(s);
        }
    expectClose(out.dataSync(), want, 1e-5);
    expectClose(out.dataSync(), T.matmul(a.contiguous(), bt).dataSync(), 1e-6);
    expect(T.matmul(b.t(), T.ones(4)).shape).toEqual([5]);
  });

  test('cumsum and sort along a strided dim', () => {
    const v = base.t(); // [6, 4]
    const vals = viaStrides(v);
    const cs = T.cumsum(v, 0).dataSync();
    for (let k = 0; k < 4; k++) {
      let s = 0;
      for (let i = 0; i < 6; i++) {
        s += vals[i * 4 + k]!;
        expect(cs[i * 4 + k]).toBeCloseTo(s, 5);
      }
    }
    const [sv, si] = T.sort(v, 0, true);
    for (let k = 0; k < 4; k++) {
      const col = [0, 1, 2, 3, 4, 5].map((i) => vals[i * 4 + k]!);
      const order = col.map((x, i) => [x, i] as const).sort((p, q) => q[0] - p[0]);
      order.forEach(([x, i], r) => {
        expect(sv.dataSync()[r * 4 + k]).toBe(Math.fround(x));
        expect(si.dataSync()[r * 4 + k]).toBe(i);
      });
    }
  });

  test('gather and scatterAdd through transposed inputs and expanded indices', () => {
    const v = base.t(); // [6, 4]
    const idx = T.tensor([[3], [0], [2], [1], [1], [0]], { dtype: 'int32' }).expand(6, 3);
    const g = T.gather(v, 1, idx);
    const vals = viaStrides(v);
    const iv = viaStrides(idx);
    expectClose(g.dataSync(), iv.map((c, p) => vals[Math.floor(p / 3) * 4 + c]!), 0);
    const s = T.scatterAdd(T.zeros(6, 4), 1, idx, T.ones(6, 3));
    const want = new Array<number>(24).fill(0);
    iv.forEach((c, p) => (want[Math.floor(p / 3) * 4 + c]! += 1));
    expectClose(s.dataSync(), want, 0);
  });

  test('copy into a strided destination (in-place on a view) writes through to the base', () => {
    const t = T.zeros(3, 4);
    t.slice(1, 1, 4, 2).fill_(7);
    t.t().narrow(0, 0, 1).copy_(T.tensor([[1, 2, 3]]));
    expect(Array.from(t.dataSync())).toEqual([1, 7, 0, 7, 2, 7, 0, 7, 3, 7, 0, 7]);
  });
});
