import '@tensile/backend-cpu';
import { type Tensor, ValueError, zeros } from '@tensile/core';
import * as optim from '@tensile/optim';
import { describe, expect, test } from 'vitest';
import { decodePlain, expectValuesClose, goldenCases } from '@tensile/conformance/testkit';

type OptimizerCtor = new (params: { params: Tensor[] }[], options: Record<string, unknown>) => optim.Optimizer;
const OPTIMIZERS = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad } as unknown as Record<string, OptimizerCtor>;

/** Golden function options ({factors}) as functions of an integer; an argument outside the table is an error. */
function decodeFns(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeFns);
  if (typeof v === 'object' && v !== null && 'factors' in v) {
    const table = (v as { factors: number[] }).factors;
    return (x: number) => {
      if (!Number.isInteger(x) || x < 0 || x >= table.length) throw new Error(`golden function called with ${x}, outside its table`);
      return table[x]!;
    };
  }
  return v;
}

/** A scheduler as the case describes it: sub-schedulers first (SequentialLR, ChainedScheduler), function options decoded. */
function makeScheduler(name: string, opt: optim.Optimizer, raw: Record<string, unknown>): { step(metric?: number): void } {
  const options = Object.fromEntries(Object.entries(decodePlain(raw) as Record<string, unknown>).map(([k, v]) => [k, decodeFns(v)]));
  if (name === 'SequentialLR' || name === 'ChainedScheduler') {
    const subs = (options.schedulers as { scheduler: string; options: Record<string, unknown> }[]).map((s) => makeScheduler(s.scheduler, opt, s.options ?? {}));
    if (name === 'ChainedScheduler') return new optim.lrScheduler.ChainedScheduler(subs as unknown as optim.lrScheduler.Scheduler[]);
    options.schedulers = subs;
  }
  return new SCHEDULERS[name]!(opt, options);
}
type SchedulerCtor = new (optimizer: optim.Optimizer, options: Record<string, unknown>) => { step(metric?: number): void };
const SCHEDULERS = optim.lrScheduler as unknown as Record<string, SchedulerCtor>;

interface SchedulerCase {
  id: string;
  scheduler: string;
  optimizer: { optimizer: string; options: Record<string, unknown>; paramGroups?: Record<string, unknown>[] };
  options: Record<string, unknown>;
  steps: number;
  metrics?: number[];
  lrs: number[][];
  momentums?: number[][];
  error?: string;
  rtol?: number;
  atol?: number;
}

const cases = goldenCases('schedulers').map((c) => c as unknown as SchedulerCase);

function build(c: SchedulerCase): optim.Optimizer {
  const groups = (c.optimizer.paramGroups ?? [{}]).map((g) => ({ ...(decodePlain(g) as Record<string, unknown>), params: [zeros(2).requiresGrad_(true)] }));
  return new OPTIMIZERS[c.optimizer.optimizer]!(groups, decodePlain(c.optimizer.options) as Record<string, unknown>);
}

/** Builds the scheduler and runs the case's loop: read each group's lr (and momentum), step the optimizer, step the scheduler. */
function run(c: SchedulerCase, steps: number, check: boolean): void {
  const opt = build(c);
  const sched = makeScheduler(c.scheduler, opt, c.options ?? {});
  const metrics = decodePlain(c.metrics) as number[] | undefined;
  const rtol = c.rtol ?? 1e-6;
  const atol = c.atol ?? 1e-12;
  for (let k = 0; k < steps; k++) {
    if (check) {
      expectValuesClose(`${c.id} lr at step ${k}`, opt.paramGroups.map((g) => g.lr), c.lrs[k]!, rtol, atol);
      if (c.momentums !== undefined) {
        const m = opt.paramGroups.map((g) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number)));
        expectValuesClose(`${c.id} momentum at step ${k}`, m, c.momentums[k]!, rtol, atol);
      }
    }
    opt.step();
    sched.step(metrics?.[k]);
  }
}

describe('lr schedulers match PyTorch (packaged golden schedulers)', () => {
  test('every scheduler file is covered', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(SCHEDULERS[c.scheduler], c.id).toBeDefined();
  });

  test.each(cases.filter((c) => c.error === undefined).map((c) => [c.id, c]))('%s', (_id, c) => {
    expect(c.lrs.length).toBe(c.steps);
    run(c, c.steps, true);
  });

  test.each(cases.filter((c) => c.error !== undefined).map((c) => [c.id, c]))('%s throws', (_id, c) => {
    // When built or at one of its steps (OneCycleLR stepped past totalSteps).
    expect(() => run(c, c.steps, false)).toThrow(ValueError);
  });
});
