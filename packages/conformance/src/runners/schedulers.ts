import { keep, zeros } from '@tensile/core';
import { compareValues, type Mismatch, toleranceOf } from '../compare.js';
import { expectError } from '../expect-error.js';
import { decodeNumber, type GoldenCase } from '../golden.js';
import { optimNs, requireClass } from '../resolve.js';
import type { CaseContext } from './forward.js';
import { buildOptimizer, decodeOptions, disposeOptimizer, type OptimizerLike } from './optim.js';

interface SchedulerLike {
  step(metric?: number): unknown;
}

/** The learning rate of each group and, for schedulers that cycle it, the momentum (Adam: betas[0]). */
function groupValues(o: OptimizerLike, key: 'lr' | 'momentum'): number[] {
  const groups = o.paramGroups ?? [];
  return groups.map((g) => {
    if (key === 'lr') return Number(g.lr);
    return g.momentum !== undefined ? Number(g.momentum) : Number((g.betas as number[] | undefined)?.[0]);
  });
}

/** Golden function options ({factors}: values at 0, 1, ...) as functions of an integer; an argument outside the table throws. */
function decodeFns(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeFns);
  if (typeof v === 'object' && v !== null && 'factors' in v) {
    const table = ((v as { factors: unknown[] }).factors ?? []).map(decodeNumber);
    return (x: number) => {
      if (!Number.isInteger(x) || x < 0 || x >= table.length) throw new Error(`golden: a function option was called with ${x}, outside its table of ${table.length}`);
      return table[x]!;
    };
  }
  return v;
}

type SchedulerClass = new (...args: unknown[]) => SchedulerLike;

function schedulerClass(name: string): SchedulerClass {
  return requireClass('@tensile/optim (lrScheduler)', [(optimNs.lrScheduler ?? {}) as Record<string, unknown>, optimNs], name) as unknown as SchedulerClass;
}

/** Builds the case's scheduler: SequentialLR's and ChainedScheduler's schedulers first, in order, on the same optimizer. */
function makeScheduler(name: string, optimizer: OptimizerLike, raw: unknown): SchedulerLike {
  const options = Object.fromEntries(Object.entries(decodeOptions(raw)).map(([k, v]) => [k, decodeFns(v)]));
  const Scheduler = schedulerClass(name);
  if (name === 'SequentialLR' || name === 'ChainedScheduler') {
    const subs = ((options.schedulers ?? []) as { scheduler: string; options?: unknown }[]).map((s) => makeScheduler(String(s.scheduler), optimizer, s.options ?? {}));
    if (name === 'ChainedScheduler') return new Scheduler(subs);
    options.schedulers = subs;
  }
  return new Scheduler(optimizer, options);
}

export async function runSchedulerCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const name = String(c.scheduler);
  const spec = (c.optimizer ?? {}) as { optimizer?: string; options?: unknown; paramGroups?: Record<string, unknown>[] };
  schedulerClass(name);
  const groups = spec.paramGroups ?? [{}];
  const params = groups.map(() => keep(zeros([2], { device: ctx.backend, requiresGrad: true })));
  const paramGroups = spec.paramGroups === undefined ? params : groups.map((g, i) => ({ ...decodeOptions(g), params: [params[i]] }));
  const optimizer = buildOptimizer(String(spec.optimizer), paramGroups, decodeOptions(spec.options));
  try {
    const steps = Number(c.steps ?? 0);
    const metrics = ((c.metrics ?? []) as unknown[]).map(decodeNumber);
    const run = async (record: (k: number) => void) => {
      const scheduler = makeScheduler(name, optimizer, c.options);
      for (let k = 0; k < steps; k++) {
        record(k);
        await optimizer.step();
        if (name === 'ReduceLROnPlateau') await scheduler.step(metrics[k]);
        else await scheduler.step();
      }
    };
    if (typeof c.error === 'string') return await expectError(c.error, [name], params, ctx.backend, ctx.trace, () => run(() => {}));
    const lrs: number[][] = [];
    const momentums: number[][] = [];
    await run(() => {
      lrs.push(groupValues(optimizer, 'lr'));
      momentums.push(groupValues(optimizer, 'momentum'));
    });
    const tol = toleranceOf({ rtol: c.rtol ?? 1e-6, atol: c.atol ?? 1e-12 });
    const failures: Mismatch[] = [];
    const check = (what: string, got: number[][], want: unknown) => {
      const w = (want as unknown[][]).flat().map(decodeNumber);
      const g = got.flat();
      const m = compareValues(what, g, w, tol);
      if (m) failures.push(m);
      else ctx.stats.note(g, w, tol);
    };
    check('lrs', lrs, c.lrs);
    if (c.momentums !== undefined) check('momentums', momentums, c.momentums);
    return failures;
  } finally {
    disposeOptimizer(optimizer);
    for (const p of params) p.dispose();
  }
}
