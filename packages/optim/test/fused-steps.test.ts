import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { rmspropStep_, rmspropStepComposed, type RMSpropStepOptions } from '../src/rmsprop-step.js';
import { sgdStep_, sgdStepComposed, type SGDStepOptions } from '../src/sgd-step.js';
import { RMSprop, SGD } from '../src/index.js';

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

const normals = (seed: number, count: number, shape = [3, 4]) => {
  const g = new T.Generator(seed);
  return Array.from({ length: count }, () => T.randn(shape, { generator: g }));
};
const values = (ts: readonly T.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

const SGD_OPTS: SGDStepOptions = {
  lr: 0.05,
  momentum: 0.9,
  dampening: 0.1,
  weightDecay: 0.1,
  nesterov: false,
  maximize: false,
  first: false,
};
const RMS_OPTS: RMSpropStepOptions = { lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0.1, momentum: 0.5, centered: true, maximize: true };

test('sgdStep_ on contiguous float32 runs the fused kernel once, bumps versions, and equals the composite bit for bit', () => {
  const variants: SGDStepOptions[] = [
    SGD_OPTS,
    { ...SGD_OPTS, first: true, maximize: true },
    { ...SGD_OPTS, dampening: 0, nesterov: true },
    { ...SGD_OPTS, momentum: 0 },
  ];
  for (const o of variants) {
    const [p, g, b] = normals(1, 3);
    const [p2, g2, b2] = normals(1, 3);
    const buf = o.momentum === 0 ? null : b!;
    const versions = [p!, b!].map((t) => t.storage.version);
    expect(kernelsRun(() => sgdStep_(p!, g!, buf, o))).toEqual(['sgdStep']);
    expect([p!, b!].map((t) => t.storage.version)).toEqual(versions.map((n, i) => n + (i === 1 && buf === null ? 0 : 1)));
    sgdStepComposed(p2!, g2!, o.momentum === 0 ? null : b2!, o);
    expect(values([p!, b!])).toEqual(values([p2!, b2!]));
    expect(values([p!])).not.toEqual(values(normals(1, 1)));
  }
});

test('rmspropStep_ on contiguous float32 runs the fused kernel once and equals the composite bit for bit, in every state layout', () => {
  for (const [centered, momentum] of [
    [false, 0],
    [true, 0],
    [false, 0.9],
    [true, 0.5],
  ] as const) {
    const o = { ...RMS_OPTS, centered, momentum };
    const run = (fused: boolean) => {
      const [p, g, ga, b, s] = normals(2, 5);
      const gradAvg = centered ? ga!.mul(0.5) : null;
      const sq = gradAvg === null ? s!.abs() : s!.abs().add(gradAvg.mul(gradAvg));
      const buf = momentum > 0 ? b! : null;
      if (fused) expect(kernelsRun(() => rmspropStep_(p!, g!, sq, gradAvg, buf, o))).toEqual(['rmspropStep']);
      else rmspropStepComposed(p!, g!, sq, gradAvg, buf, o);
      return values([p!, sq, ...(gradAvg === null ? [] : [gradAvg]), ...(buf === null ? [] : [buf])]);
    };
    expect(run(true)).toEqual(run(false));
  }
});

test('sgdStep_ and rmspropStep_ take the composite path for a strided param, with the same result', () => {
  const [p, g, b] = normals(3, 3, [4, 3]);
  const pt = p!.t().contiguous().t();
  expect(kernelsRun(() => sgdStep_(pt, g!, b!.clone(), SGD_OPTS))).not.toContain('sgdStep');
  sgdStep_(p!, g!, b!.clone(), SGD_OPTS);
  expect(Array.from(pt.contiguous().dataSync())).toEqual(Array.from(p!.dataSync()));
  const [q, h, s] = normals(4, 3, [4, 3]);
  const qt = q!.t().contiguous().t();
  const o = { ...RMS_OPTS, centered: false, momentum: 0 };
  expect(kernelsRun(() => rmspropStep_(qt, h!, s!.abs(), null, null, o))).not.toContain('rmspropStep');
  rmspropStep_(q!, h!, s!.abs(), null, null, o);
  expect(Array.from(qt.contiguous().dataSync())).toEqual(Array.from(q!.dataSync()));
});

test('the fused steps reject missing state, mismatched shapes and integer tensors, changing nothing', () => {
  const [p, g, b] = normals(5, 3, [2, 3]);
  const before = values([p!, b!]);
  expect(() => sgdStep_(p!, g!, null, SGD_OPTS)).toThrow(/sgdStep_.*momentum buffer/);
  expect(() => sgdStep_(p!, g!, T.zeros([3, 2]), SGD_OPTS)).toThrow(/sgdStep_.*shape \[2, 3\].*\[3, 2\]/);
  expect(() => rmspropStep_(p!, g!, b!, null, null, RMS_OPTS)).toThrow(/rmspropStep_: gradAvg/);
  expect(() =>
    rmspropStep_(p!, g!, T.zeros([2, 3], { dtype: 'int32' }), null, null, { ...RMS_OPTS, centered: false, momentum: 0 }),
  ).toThrow(T.DTypeError);
  expect(values([p!, b!])).toEqual(before);
});

test('SGD and RMSprop step through their fused kernels: one kernel per parameter on top of the gradient work', () => {
  const w = T.randn([4], { generator: new T.Generator(6) }).requiresGrad_(true);
  for (const [opt, kernel] of [
    [new SGD([w], { lr: 0.1, momentum: 0.9, nesterov: true }), 'sgdStep'],
    [new RMSprop([w], { centered: true, momentum: 0.3 }), 'rmspropStep'],
  ] as const) {
    for (let i = 0; i < 2; i++) {
      w.grad = T.randn([4], { generator: new T.Generator(7 + i) });
      const ops = kernelsRun(() => opt.step());
      expect(ops.filter((k) => k === kernel)).toEqual([kernel]);
    }
  }
});
