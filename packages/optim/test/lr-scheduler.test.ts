import '@tensile/backend-cpu';
import { tensor, ValueError, zeros } from '@tensile/core';
import { Adagrad, Adam, SGD, lrScheduler } from '@tensile/optim';
import { describe, expect, test } from 'vitest';

const { CosineAnnealingLR, CosineAnnealingWarmRestarts, ExponentialLR, LinearLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau, StepLR } = lrScheduler;

const sgd = (groups = 1) => new SGD(Array.from({ length: groups }, (_, i) => ({ params: [zeros(2).requiresGrad_(true)], lr: 0.1 * (i + 1) })), { lr: 0.1, momentum: 0.9 });
const lrsOf = (opt: SGD) => opt.paramGroups.map((g) => g.lr);

/** Each scheduler with options that exercise it, as a factory. */
const MAKERS: [string, (opt: SGD) => { step(): void; stateDict(): Record<string, unknown>; loadStateDict(s: Record<string, unknown>): void }][] = [
  ['StepLR', (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 })],
  ['MultiStepLR', (o) => new MultiStepLR(o, { milestones: [1, 3, 3] })],
  ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.9 })],
  ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { TMax: 3, etaMin: 0.01 })],
  ['LinearLR', (o) => new LinearLR(o, { startFactor: 0.2, totalIters: 4 })],
  ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: [0.5, 1], totalSteps: 12, threePhase: true })],
  ['CosineAnnealingWarmRestarts', (o) => new CosineAnnealingWarmRestarts(o, { T0: 2, TMult: 2 })],
];

describe('lr schedulers', () => {
  test.each([
    ['StepLR', () => new StepLR(sgd(), { stepSize: 2, step_size: 2 } as never), /unknown option 'step_size'.*stepSize, gamma/],
    ['MultiStepLR', () => new MultiStepLR(sgd(), { milestones: [1], gama: 0.5 } as never), /gama/],
    ['CosineAnnealingLR', () => new CosineAnnealingLR(sgd(), { T_max: 3 } as never), /T_max.*TMax, etaMin/],
    ['OneCycleLR', () => new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3, max_lr: 1 } as never), /max_lr/],
    ['ReduceLROnPlateau', () => new ReduceLROnPlateau(sgd(), { patiance: 3 } as never), /patiance.*patience/],
  ])('%s: unknown option keys are a ValueError listing the valid ones', (_name, make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });

  test.each([
    ['StepLR stepSize 0', () => new StepLR(sgd(), { stepSize: 0 })],
    ['MultiStepLR milestone 1.5', () => new MultiStepLR(sgd(), { milestones: [1.5] })],
    ['CosineAnnealingLR TMax 0', () => new CosineAnnealingLR(sgd(), { TMax: 0 })],
    ['OneCycleLR maxLr list of the wrong length', () => new OneCycleLR(sgd(2), { maxLr: [1, 2, 3], totalSteps: 5 })],
    ['OneCycleLR on an optimizer without momentum', () => new OneCycleLR(new Adagrad([zeros(1).requiresGrad_(true)]), { maxLr: 1, totalSteps: 5 })],
    ['ReduceLROnPlateau minLr list of the wrong length', () => new ReduceLROnPlateau(sgd(2), { minLr: [0.1] })],
    ['ReduceLROnPlateau negative patience', () => new ReduceLROnPlateau(sgd(), { patience: -1 })],
    ['a scheduler on something that is not an optimizer', () => new StepLR({ paramGroups: [] } as never, { stepSize: 1 })],
  ])('%s is a ValueError that leaves the optimizer as it was', (_what, make) => {
    expect(make).toThrow(ValueError);
  });

  test('a rejected scheduler writes nothing into the optimizer groups', () => {
    const opt = sgd(2);
    expect(() => new OneCycleLR(opt, { maxLr: [1, 2], totalSteps: 5, pctStart: 2 })).toThrow(ValueError);
    expect(opt.paramGroups.map(({ params: _, ...o }) => o)).toEqual(sgd(2).paramGroups.map(({ params: _, ...o }) => o));
  });

  test.each(MAKERS)('%s: a scheduler resumed from stateDict (with its optimizer) continues exactly', (_name, make) => {
    const opt = sgd(2);
    const sched = make(opt);
    for (let i = 0; i < 3; i++) sched.step();
    const optState = opt.stateDict();
    const schedState = sched.stateDict();
    // As in PyTorch: build the optimizer and the scheduler, then load both states.
    const opt2 = sgd(2);
    const sched2 = make(opt2);
    opt2.loadStateDict(optState);
    sched2.loadStateDict(schedState);
    expect(lrsOf(opt2)).toEqual(lrsOf(opt));
    for (let i = 0; i < 6; i++) {
      sched.step();
      sched2.step();
      expect(lrsOf(opt2)).toEqual(lrsOf(opt));
    }
    expect(sched2.stateDict()).toEqual(sched.stateDict());
    expect(() => sched2.loadStateDict({ ...schedState, bogus: 1 })).toThrow(/unknown key 'bogus'/);
  });

  test('getLastLr returns each group lr after the last step, as a copy', () => {
    const opt = sgd(2);
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    sched.step();
    const last = sched.getLastLr();
    expect(last).toEqual(lrsOf(opt));
    last[0] = 7;
    expect(sched.getLastLr()).toEqual(lrsOf(opt));
  });

  test('the first scheduler records initialLr in each group; a second one starts from it', () => {
    const opt = sgd();
    new ExponentialLR(opt, { gamma: 0.5 }).step();
    expect(opt.paramGroups[0]!.initialLr).toBe(0.1);
    const second = new CosineAnnealingLR(opt, { TMax: 4 });
    expect(second.baseLrs).toEqual([0.1]);
  });

  test('OneCycleLR: a step past totalSteps throws and leaves the scheduler and lrs as they were', () => {
    const opt = sgd();
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) sched.step();
    const lrs = lrsOf(opt);
    const state = sched.stateDict();
    expect(() => sched.step()).toThrow(/tried to step 5 times/);
    expect(lrsOf(opt)).toEqual(lrs);
    expect(sched.stateDict()).toEqual(state);
  });

  test('OneCycleLR cycles Adam betas[0] and keeps betas[1]', () => {
    const opt = new Adam([zeros(1).requiresGrad_(true)], { betas: [0.9, 0.99] });
    const sched = new OneCycleLR(opt, { maxLr: 0.01, totalSteps: 4 });
    expect(opt.paramGroups[0]!.betas).toEqual([0.95, 0.99]);
    sched.step();
    expect(opt.paramGroups[0]!.betas[1]).toBe(0.99);
    expect(opt.paramGroups[0]!.betas[0]).toBeLessThan(0.95);
  });

  test('CosineAnnealingWarmRestarts: step(epoch) at whole epochs agrees with plain steps', () => {
    const [a, b] = [sgd(), sgd()];
    const plain = new CosineAnnealingWarmRestarts(a, { T0: 2, TMult: 2, etaMin: 0.001 });
    const explicit = new CosineAnnealingWarmRestarts(b, { T0: 2, TMult: 2, etaMin: 0.001 });
    for (let epoch = 1; epoch < 20; epoch++) {
      plain.step();
      explicit.step(epoch);
      expect(lrsOf(b)[0]).toBeCloseTo(lrsOf(a)[0]!, 12);
    }
    expect(() => explicit.step(-1)).toThrow(ValueError);
  });

  test('ReduceLROnPlateau takes a one-element tensor as the metric', () => {
    const [a, b] = [sgd(), sgd()];
    const withNumbers = new ReduceLROnPlateau(a, { patience: 0, factor: 0.5 });
    const withTensors = new ReduceLROnPlateau(b, { patience: 0, factor: 0.5 });
    for (const m of [3, 2, 2, 2, 1]) {
      withNumbers.step(m);
      withTensors.step(tensor([m]));
    }
    expect(lrsOf(b)).toEqual(lrsOf(a));
    expect(lrsOf(a)[0]).toBeLessThan(0.1);
  });
});

describe('lr schedulers: lastEpoch and zero-length OneCycleLR phases', () => {
  const groupOptions = (o: SGD) => o.paramGroups.map(({ params: _, ...rest }) => rest);

  test('a scheduler resumed with lastEpoch continues where a full run left off (StepLR)', () => {
    const full = sgd();
    const a = new StepLR(full, { stepSize: 3, gamma: 0.5 });
    for (let i = 0; i < 4; i++) a.step();
    const resumed = new SGD([{ params: [zeros(2).requiresGrad_(true)], lr: full.paramGroups[0]!.lr, initialLr: 0.1 }], { lr: 0.1 });
    const b = new StepLR(resumed, { stepSize: 3, gamma: 0.5, lastEpoch: 4 });
    for (let i = 0; i < 6; i++) {
      a.step();
      if (i > 0) b.step();
      expect(lrsOf(resumed)).toEqual(lrsOf(full));
    }
  });

  test('resuming without initialLr in every group is a ValueError that changes nothing', () => {
    const opt = sgd(2);
    const before = groupOptions(opt);
    expect(() => new CosineAnnealingLR(opt, { TMax: 4, lastEpoch: 2 })).toThrow(/initialLr/);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, lastEpoch: 2 })).toThrow(ValueError);
    expect(groupOptions(opt)).toEqual(before);
    expect(() => new StepLR(opt, { stepSize: 2, lastEpoch: 1.5 })).toThrow(ValueError);
  });

  test('OneCycleLR: a first phase of zero length (pctStart * totalSteps = 1) throws when built, before touching the groups', () => {
    const opt = sgd();
    const before = groupOptions(opt);
    expect(() => new OneCycleLR(opt, { maxLr: 1, totalSteps: 10, pctStart: 0.1 })).toThrow(/zero length/);
    expect(groupOptions(opt)).toEqual(before);
  });

  test('OneCycleLR with pctStart 1: the totalSteps-th step throws and leaves the lr as it was', () => {
    const opt = sgd();
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 4, pctStart: 1.0 });
    for (let i = 0; i < 3; i++) sched.step();
    expect(lrsOf(opt)[0]).toBeCloseTo(1, 12);
    expect(() => sched.step()).toThrow(ValueError);
    expect(lrsOf(opt)[0]).toBeCloseTo(1, 12);
  });
});
