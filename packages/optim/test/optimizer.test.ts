import '@tensile/backend-cpu';
import { DTypeError, manualSeed, memory, noGrad, randn, setTrace, ShapeError, type Tensor, tensor, tidy, ValueError, zeros } from '@tensile/core';
import { Adagrad, Adam, AdamW, LBFGS, type Optimizer, RMSprop, SGD } from '@tensile/optim';
import { describe, expect, test } from 'vitest';

// What is live (peakBytes moves with every allocation, so it is not part of the comparison).
const liveOf = ({ tensors, bytes }: { tensors: number; bytes: number }) => ({ tensors, bytes });

/** Fixed data for a least-squares problem, so that every step sees real autograd gradients. */
manualSeed(0);
const X = randn(8, 3);
const Y = randn(8, 2);

function freshParams(seed: number): Tensor[] {
  const w = tensor(Array.from({ length: 6 }, (_, i) => Math.sin(seed + i)), { shape: [2, 3] });
  const b = tensor([Math.cos(seed), Math.cos(seed + 1)]);
  return [w.requiresGrad_(true), b.requiresGrad_(true)];
}

function lossOf([w, b]: Tensor[]): Tensor {
  return X.matmul(w!.t()).add(b!).sub(Y).square().mean();
}

/** One training iteration, as documented: zero the gradients, forward, backward, step. */
function trainStep(opt: Optimizer, params: Tensor[]): void {
  tidy(() => {
    opt.zeroGrad();
    lossOf(params).backward();
    opt.step();
  });
}

const copyOf = (ps: Tensor[]) => ps.map((p) => noGrad(() => p.clone()).requiresGrad_(true));
const valuesOf = (ps: Tensor[]) => ps.map((p) => Array.from(p.dataSync()));

/** Every optimizer with options that create all of its state. */
const MAKERS: [string, (ps: Tensor[]) => Optimizer][] = [
  ['SGD', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.01, amsgrad: true })],
  ['RMSprop', (ps) => new RMSprop(ps, { lr: 0.01, momentum: 0.5, centered: true })],
  ['Adagrad', (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 })],
];

describe('options', () => {
  test('unknown option keys are a ValueError listing the valid ones', () => {
    const ps = freshParams(0);
    expect(() => new SGD(ps, { lr: 0.1, weight_decay: 0.1 } as never)).toThrow(ValueError);
    expect(() => new SGD(ps, { lr: 0.1, weight_decay: 0.1 } as never)).toThrow(/weight_decay.*lr, momentum, dampening, weightDecay, nesterov, maximize/);
    expect(() => new Adam(ps, { beta: [0.9, 0.99] } as never)).toThrow(/unknown option 'beta'.*betas/);
    expect(() => new Adam([{ params: ps, learningRate: 0.1 } as never])).toThrow(/unknown option 'learningRate'/);
    expect(() => new SGD(ps, { lr: 0.1 }).zeroGrad({ set_to_none: false } as never)).toThrow(/setToNone/);
  });

  test.each([
    ['SGD negative lr', () => new SGD(freshParams(0), { lr: -0.1 })],
    ['SGD without lr', () => new SGD(freshParams(0))],
    ['SGD negative momentum', () => new SGD(freshParams(0), { lr: 0.1, momentum: -0.5 })],
    ['SGD negative weightDecay', () => new SGD(freshParams(0), { lr: 0.1, weightDecay: -1 })],
    ['SGD nesterov without momentum', () => new SGD(freshParams(0), { lr: 0.1, nesterov: true })],
    ['SGD nesterov with dampening', () => new SGD(freshParams(0), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })],
    ['SGD lr that is not a number', () => new SGD(freshParams(0), { lr: '0.1' as never })],
    ['Adam betas[0] = 1', () => new Adam(freshParams(0), { betas: [1, 0.999] })],
    ['Adam negative betas[1]', () => new Adam(freshParams(0), { betas: [0.9, -0.1] })],
    ['Adam betas not a pair', () => new Adam(freshParams(0), { betas: [0.9] as never })],
    ['Adam negative eps', () => new Adam(freshParams(0), { eps: -1e-8 })],
    ['AdamW negative weightDecay', () => new AdamW(freshParams(0), { weightDecay: -0.01 })],
    ['RMSprop negative alpha', () => new RMSprop(freshParams(0), { alpha: -0.9 })],
    ['RMSprop negative momentum', () => new RMSprop(freshParams(0), { momentum: -0.9 })],
    ['Adagrad negative lrDecay', () => new Adagrad(freshParams(0), { lrDecay: -0.1 })],
    ['Adagrad negative initialAccumulatorValue', () => new Adagrad(freshParams(0), { initialAccumulatorValue: -1 })],
    ['a group with a negative lr', () => new SGD([{ params: freshParams(0), lr: -1 }], { lr: 0.1 })],
    ['amsgrad that is not a boolean', () => new Adam(freshParams(0), { amsgrad: 1 as never })],
  ])('%s is a ValueError', (_what, make) => {
    expect(make).toThrow(ValueError);
  });

  test('lr may come with every group instead of the defaults (SGD)', () => {
    const opt = new SGD([{ params: freshParams(0), lr: 0.1 }]);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
  });
});

describe('parameters and groups', () => {
  test('bad parameter lists are errors', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/empty parameter list/);
    expect(() => new SGD(zeros(2) as never, { lr: 0.1 })).toThrow(ValueError);
    const leaf = zeros(2).requiresGrad_(true);
    expect(() => new SGD([leaf.mul(2)], { lr: 0.1 })).toThrow(/non-leaf/);
    expect(() => new SGD([tensor([1, 2], { dtype: 'int32' })], { lr: 0.1 })).toThrow(DTypeError);
    expect(() => new SGD([leaf, leaf], { lr: 0.1 })).toThrow(/twice/);
    expect(() => new SGD([leaf, { params: [zeros(2)] }] as never, { lr: 0.1 })).toThrow(/mix/);
  });

  test('a generator of parameters (module.parameters() style) is accepted', () => {
    const ps = freshParams(1);
    const opt = new SGD((function* () { yield* ps; })(), { lr: 0.1 });
    expect(opt.paramGroups[0]!.params).toEqual(ps);
  });

  test('per-group options: two groups step as two separate optimizers', () => {
    const [a, b] = [freshParams(1), freshParams(2)];
    const [a2, b2] = [copyOf(a), copyOf(b)];
    const together = new SGD([{ params: a, lr: 0.2 }, { params: b }], { lr: 0.05, momentum: 0.9 });
    expect(together.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.2, 0.9], [0.05, 0.9]]);
    const apart = [new SGD(a2, { lr: 0.2, momentum: 0.9 }), new SGD(b2, { lr: 0.05, momentum: 0.9 })];
    for (let i = 0; i < 3; i++) {
      tidy(() => {
        together.zeroGrad();
        lossOf(a).add(lossOf(b)).backward();
        together.step();
      });
      trainStep(apart[0]!, a2);
      trainStep(apart[1]!, b2);
    }
    expect(valuesOf([...a, ...b])).toEqual(valuesOf([...a2, ...b2]));
  });

  test('addParamGroup fills the defaults and rejects a parameter already optimized, changing nothing', () => {
    const [a, b] = [freshParams(1), freshParams(2)];
    const opt = new Adam(a, { lr: 0.01, betas: [0.8, 0.9] });
    expect(() => opt.addParamGroup({ params: [b[0]!, a[0]!] })).toThrow(/more than one parameter group/);
    expect(opt.paramGroups.length).toBe(1);
    opt.addParamGroup({ params: b, lr: 0.5 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.5, betas: [0.8, 0.9], eps: 1e-8, amsgrad: false });
    // Options are copies: changing one group's betas leaves the defaults and the other groups alone.
    (opt.paramGroups[1]!.betas as number[])[0] = 0.5;
    expect(opt.defaults.betas).toEqual([0.8, 0.9]);
    expect(opt.paramGroups[0]!.betas).toEqual([0.8, 0.9]);
    const before = valuesOf(b);
    trainStep(opt, b);
    expect(valuesOf(b)).not.toEqual(before);
  });
});

describe('zeroGrad and step', () => {
  test('zeroGrad sets gradients to null by default, or zeroes them in place', () => {
    const ps = freshParams(3);
    const opt = new SGD(ps, { lr: 0.1 });
    lossOf(ps).backward();
    const g = ps[0]!.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(ps[0]!.grad).toBe(g);
    expect(Array.from(g.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    opt.zeroGrad();
    expect(ps[0]!.grad).toBeNull();
    expect(g.isDisposed).toBe(true);
  });

  test('zeroing a gradient built with createGraph in place cuts its history', () => {
    const ps = freshParams(3);
    const opt = new SGD(ps, { lr: 0.1 });
    lossOf(ps).backward(null, { createGraph: true });
    expect(ps[0]!.grad!.gradFn).not.toBeNull();
    opt.zeroGrad({ setToNone: false });
    expect(ps[0]!.grad!.gradFn).toBeNull();
    expect(Array.from(ps[0]!.grad!.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('parameters without a gradient are left alone; a closure is evaluated and its loss returned', () => {
    const ps = freshParams(4);
    const opt = new Adam(ps, { lr: 0.1 });
    const before = valuesOf(ps);
    opt.step();
    expect(valuesOf(ps)).toEqual(before);
    const loss = opt.step(() => {
      opt.zeroGrad();
      const l = lossOf([ps[0]!, noGrad(() => ps[1]!.clone())]);
      l.backward();
      return l;
    });
    expect(loss!.numel()).toBe(1);
    expect(valuesOf(ps)[0]).not.toEqual(before[0]);
    expect(valuesOf(ps)[1]).toEqual(before[1]);
  });

  test('a gradient of the wrong shape is a ShapeError before any parameter changes', () => {
    const ps = freshParams(5);
    const opt = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    ps[0]!.grad = zeros(2, 3);
    ps[1]!.grad = zeros(3);
    const before = valuesOf(ps);
    expect(() => opt.step()).toThrow(ShapeError);
    expect(valuesOf(ps)).toEqual(before);
    expect(opt.state.size).toBe(0);
  });

  test.each(MAKERS)('%s steps without reading anything back to JS', (_name, make) => {
    const ps = freshParams(6);
    const opt = make(ps);
    const transfers: string[] = [];
    for (let i = 0; i < 3; i++) {
      lossOf(ps).backward();
      setTrace({ kernel: () => {}, transfer: (dir, backend, bytes) => transfers.push(`${dir} ${backend} ${bytes}`) });
      try {
        opt.step();
      } finally {
        setTrace(null);
      }
      opt.zeroGrad();
    }
    expect(transfers).toEqual([]);
  });

  test.each(MAKERS)('%s: step frees its temporaries itself, even outside tidy', (_name, make) => {
    const ps = freshParams(7);
    const opt = make(ps);
    ps.forEach((p, i) => (p.grad = tensor(Array.from({ length: p.numel() }, (_, j) => Math.sin(i + j)), { shape: p.shape.slice() })));
    opt.step();
    const start = memory();
    for (let i = 0; i < 5; i++) opt.step();
    expect(liveOf(memory())).toEqual(liveOf(start));
  });

  test.each(MAKERS)('%s: a training loop inside tidy holds memory() flat', (_name, make) => {
    const ps = freshParams(7);
    const opt = make(ps);
    trainStep(opt, ps);
    trainStep(opt, ps);
    const start = memory();
    for (let i = 0; i < 10; i++) trainStep(opt, ps);
    expect(liveOf(memory())).toEqual(liveOf(start));
  });
});

test.each(MAKERS)('%s: dispose() frees the state tensors', (_name, make) => {
  const ps = freshParams(11);
  const before = memory().tensors;
  const opt = make(ps);
  tidy(() => lossOf(ps).backward());
  const withGrads = memory().tensors;
  opt.step();
  expect(memory().tensors).toBeGreaterThan(withGrads);
  opt.dispose();
  expect(memory().tensors).toBe(withGrads);
  expect(opt.state.size).toBe(0);
  opt.zeroGrad();
  expect(memory().tensors).toBe(before);
});

describe('stateDict', () => {
  test.each(MAKERS)('%s: training resumed from a saved state matches uninterrupted training exactly', (_name, make) => {
    const ps = freshParams(8);
    const opt = make(ps);
    for (let i = 0; i < 3; i++) trainStep(opt, ps);

    const saved = opt.stateDict();
    const resumedParams = copyOf(ps);
    const resumed = make(resumedParams);
    resumed.loadStateDict(saved);
    expect(valuesOf(resumedParams)).toEqual(valuesOf(ps));

    for (let i = 0; i < 4; i++) {
      trainStep(opt, ps);
      trainStep(resumed, resumedParams);
    }
    expect(valuesOf(resumedParams)).toEqual(valuesOf(ps));
    expect(resumed.paramGroups.map(({ params: _, ...o }) => o)).toEqual(opt.paramGroups.map(({ params: _, ...o }) => o));
  });

  test.each(MAKERS)('%s: stateDict -> loadStateDict -> stateDict round-trips, and the loaded state is a copy', (_name, make) => {
    const ps = freshParams(9);
    const opt = make(ps);
    for (let i = 0; i < 2; i++) trainStep(opt, ps);
    const other = make(copyOf(ps));
    other.loadStateDict(opt.stateDict());
    const plain = (sd: ReturnType<Optimizer['stateDict']>) => ({
      paramGroups: sd.paramGroups,
      state: Object.fromEntries(
        Object.entries(sd.state).map(([k, s]) => [k, Object.fromEntries(Object.entries(s).map(([n, v]) => [n, typeof v === 'number' ? v : Array.from(v.dataSync())]))]),
      ),
    });
    const want = plain(opt.stateDict());
    expect(plain(other.stateDict())).toEqual(want);
    expect(Object.keys(want.state)).toEqual(['0', '1']);
    trainStep(opt, ps);
    expect(plain(other.stateDict())).toEqual(want);
  });

  test('a state dict that does not fit is an error that changes nothing', () => {
    const ps = freshParams(10);
    const opt = new Adam(ps, { lr: 0.01 });
    trainStep(opt, ps);
    const good = opt.stateDict();
    const before = JSON.stringify(opt.paramGroups.map(({ params: _, ...o }) => o));
    const expAvg = opt.state.get(ps[0]!)!.expAvg;

    expect(() => opt.loadStateDict({ ...good, paramGroups: [...good.paramGroups, good.paramGroups[0]!] })).toThrow(ValueError);
    expect(() => opt.loadStateDict({ ...good, paramGroups: [{ ...good.paramGroups[0]!, params: [0] }] })).toThrow(ValueError);
    expect(() => opt.loadStateDict({ paramGroups: [{ ...good.paramGroups[0]!, lr: 1 }], state: { ...good.state, 1: { ...good.state[1]!, expAvg: zeros(5) } } })).toThrow(ShapeError);
    expect(() => opt.loadStateDict({ ...good, state: { 7: good.state[0]! } })).toThrow(ValueError);
    expect(JSON.stringify(opt.paramGroups.map(({ params: _, ...o }) => o))).toBe(before);
    expect(opt.state.get(ps[0]!)!.expAvg).toBe(expAvg);
  });
});

describe('LBFGS', () => {
  test('has exactly one parameter group', () => {
    const [a, b] = [zeros([2]).requiresGrad_(true), zeros([3]).requiresGrad_(true)];
    expect(() => new LBFGS([{ params: [a] }, { params: [b] }])).toThrow(ValueError);
    const opt = new LBFGS([a]);
    expect(() => opt.addParamGroup({ params: [b] })).toThrow(ValueError);
    expect(opt.paramGroups[0]!.maxEval).toBe(25);
    expect(() => new LBFGS([a], { lineSearchFn: 'backtracking' as 'strong_wolfe' })).toThrow(ValueError);
  });

  test('minimises a quadratic and frees what it creates', async () => {
    const x = tensor([3, -2]).requiresGrad_(true);
    const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
    const closure = () =>
      tidy(() => {
        opt.zeroGrad();
        const loss = x.sub(tensor([1, 2])).pow(2).sum();
        loss.backward();
        return loss;
      });
    const before = memory().tensors;
    (await opt.step(closure) as Tensor).dispose();
    expect(Array.from(x.dataSync()).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([1, 2]);
    opt.zeroGrad();
    opt.dispose();
    expect(memory().tensors).toBeLessThanOrEqual(before);
  });
});
