import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { adamStep_, adamStepComposed, type AdamStepOptions } from '../src/adam-step.js';

/** The kernels fn runs, by name, in order. */
function kernelsRun(fn: () => void): string[] {
  const ops: string[] = [];
  T.setTrace({ kernel: (op) => void ops.push(op), transfer: () => {} });
  try {
    fn();
  } finally {
    T.setTrace(null);
  }
  return ops;
}

const OPTS: AdamStepOptions = { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: false, maximize: false, step: 2 };

function state(seed: number, shape: number[]) {
  const g = new T.Generator(seed);
  return [T.randn(shape, { generator: g }), T.randn(shape, { generator: g }), T.randn(shape, { generator: g }), T.randn(shape, { generator: g }).abs()] as const;
}

test('adamStep_ on contiguous float32 runs the fused kernel in one call, updates param and state in place, bumps versions, and matches the composite', () => {
  for (const o of [OPTS, { ...OPTS, decoupled: true, maximize: true, step: 5 }]) {
    const [p, g, m, v] = state(1, [3, 4]);
    const [p2, g2, m2, v2] = state(1, [3, 4]);
    const versions = [p, m, v].map((t) => t.storage.version);
    const ops = kernelsRun(() => adamStep_(p, g, m, v, null, o));
    expect(ops).toEqual(['adamStep']);
    expect([p, m, v].map((t) => t.storage.version)).toEqual(versions.map((n) => n + 1));
    adamStepComposed(p2, g2, m2, v2, null, o);
    for (const [a, b] of [[p, p2], [m, m2], [v, v2]] as const) Array.from(a.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(b.dataSync()[i]!, 7));
    expect(Array.from(p.dataSync())).not.toEqual(Array.from(state(1, [3, 4])[0].dataSync()));
  }
});

test('adamStep_ takes the composite path for a strided param or float64, with the same result', () => {
  const [p, g, m, v] = state(2, [4, 3]);
  const pt = p.t().contiguous().t(); // same values, transposed strides
  const ops = kernelsRun(() => adamStep_(pt, g, m.clone(), v.clone(), null, OPTS));
  expect(ops).not.toContain('adamStep');
  adamStep_(p, g, m, v, null, OPTS);
  expect(Array.from(pt.contiguous().dataSync())).toEqual(Array.from(p.dataSync()));
  const d = state(3, [5]).map((t) => t.to('float64' as never) as T.Tensor);
  expect(kernelsRun(() => adamStep_(d[0], d[1], d[2], d[3], null, OPTS))).not.toContain('adamStep');
});

test('adamStep_ with amsgrad keeps the running max of the second moment', () => {
  const [p, g, m, v] = state(4, [6]);
  const maxSq = T.full([6], 10);
  adamStep_(p, g, m, v, maxSq, OPTS);
  expect(Array.from(maxSq.dataSync())).toEqual(new Array(6).fill(10));
  const small = T.zeros([6]);
  adamStep_(p, g, m, v, small, OPTS);
  expect(Array.from(small.dataSync())).toEqual(Array.from(v.dataSync()));
});

test('adamStep_ rejects mismatched shapes, integer tensors and a leaf that requires grad, changing nothing', () => {
  const [p, g, m, v] = state(5, [2, 3]);
  const before = Array.from(p.dataSync());
  expect(() => adamStep_(p, T.zeros([3, 2]), m, v, null, OPTS)).toThrow(/adamStep_.*shape \[2, 3\].*\[3, 2\]/);
  expect(() => adamStep_(p, g, m, T.zeros([2, 3], { dtype: 'int32' }), null, OPTS)).toThrow(T.DTypeError);
  const leaf = T.zeros([2, 3]).requiresGrad_(true);
  expect(() => adamStep_(leaf, g, m, v, null, OPTS)).toThrow(/in-place/);
  expect(Array.from(p.dataSync())).toEqual(before);
});
