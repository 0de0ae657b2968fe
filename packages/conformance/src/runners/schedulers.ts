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

export async function runSchedulerCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const name = String(c.scheduler);
  const spec = (c.optimizer ?? {}) as { optimizer?: string; options?: unknown; paramGroups?: Record<string, unknown>[] };
  const Scheduler = requireClass('@tensile/optim (lrScheduler)', [(optimNs.lrScheduler ?? {}) as Record<string, unknown>, optimNs], name);
  const groups = spec.paramGroups ?? [{}];
  const params = groups.map(() => keep(zeros([2], { device: ctx.backend, requiresGrad: true })));
  const paramGroups = spec.paramGroups === undefined ? params : groups.map((g, i) => ({ ...decodeOptions(g), params: [params[i]] }));
  const optimizer = buildOptimizer(String(spec.optimizer), paramGroups, decodeOptions(spec.options));
  try {
    const options = decodeOptions(c.options);
    const steps = Number(c.steps ?? 0);
    const metrics = ((c.metrics ?? []) as unknown[]).map(decodeNumber);
    const run = async (record: (k: number) => void) => {
      const scheduler = new Scheduler(optimizer, options) as SchedulerLike;
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
