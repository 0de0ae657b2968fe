import { dispose, keep, type Tensor, tidy } from '@tensile/core';
import { compareTensor, compareValues, type Mismatch, toleranceOf } from '../compare.js';
import { expectError } from '../expect-error.js';
import { decodeNumber, decodeValue, type GoldenCase, type GoldenTensor, toTensor } from '../golden.js';
import { optimNs, requireClass } from '../resolve.js';
import type { CaseContext } from './forward.js';

export interface OptimizerLike {
  step(): unknown;
  zeroGrad?(options?: unknown): unknown;
  paramGroups?: Record<string, unknown>[];
  state?: unknown;
}

export function decodeOptions(raw: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((raw ?? {}) as Record<string, unknown>)) o[k] = decodeValue(v);
  return o;
}

/** new optim.<name>(params, options). */
export function buildOptimizer(name: string, params: unknown, options: Record<string, unknown>): OptimizerLike {
  const Optimizer = requireClass('@tensile/optim', optimNs, name);
  return new Optimizer(params, options) as OptimizerLike;
}

/** Optimizer state (momentum buffers, ...) belongs to the optimizer, so no scope frees it. */
export function disposeOptimizer(o: OptimizerLike | null): void {
  if (o === null) return;
  const d = (o as { dispose?: () => void }).dispose;
  if (typeof d === 'function') d.call(o);
  else if (o.state !== undefined) dispose(o.state);
}

/** An objective a closure case (LBFGS) minimises (the optim golden notes define them). */
type Objective = { kind: 'rosenbrock' } | { kind: 'leastSquares'; inputs: GoldenTensor; targets: GoldenTensor };

function objectiveLoss(o: Objective, ps: Tensor[], device: string): Tensor {
  if (o.kind === 'rosenbrock') {
    const x = ps[0]!;
    const n = x.numel();
    const [head, tail] = [x.narrow(0, 0, n - 1), x.narrow(0, 1, n - 1)];
    const t = tail.sub(head.mul(head));
    const u = head.neg().add(1);
    return t.mul(t).mul(100).add(u.mul(u)).sum();
  }
  if (o.kind === 'leastSquares') {
    const r = toTensor(o.inputs, device).matmul(ps[0]!).add(ps[1]!).sub(toTensor(o.targets, device));
    return r.mul(r).mean();
  }
  throw new Error(`golden: unknown objective kind ${JSON.stringify((o as { kind: unknown }).kind)}`);
}

/** A closure case: step(closure) `paramsAfterStep.length` times; each returns the closure's first loss (`losses`). */
async function runClosureCase(c: GoldenCase, ctx: CaseContext, optimizer: OptimizerLike, params: Tensor[]): Promise<Mismatch[]> {
  const tol = toleranceOf(c);
  const objective = c.objective as Objective;
  const after = (c.paramsAfterStep ?? []) as GoldenTensor[][];
  const losses = ((c.losses ?? []) as unknown[]).map(decodeNumber);
  const step = optimizer.step as unknown as (closure: () => Tensor) => Promise<Tensor | number>;
  const closure = () =>
    tidy(() => {
      optimizer.zeroGrad?.();
      const loss = objectiveLoss(objective, params, ctx.backend);
      loss.backward();
      return loss;
    });
  const failures: Mismatch[] = [];
  try {
    for (let k = 0; k < after.length; k++) {
      // LBFGS reads scalars back by design (tolerances, curvature, line search); only those are allowed.
      ctx.trace.phase = 'scalars';
      const loss = await step.call(optimizer, closure);
      ctx.trace.phase = 'check';
      const value = typeof loss === 'number' ? loss : await loss.item();
      if (typeof loss !== 'number') loss.dispose();
      const m = compareValues(`loss of step ${k}`, [value], [losses[k]!], tol);
      if (m) failures.push(m);
      for (let i = 0; i < params.length; i++) {
        const pm = await compareTensor(`step ${k} param[${i}]`, params[i], after[k]![i]!, tol, ctx.stats);
        if (pm) failures.push(pm);
      }
      if (failures.length > 0) break;
    }
  } finally {
    optimizer.zeroGrad?.();
  }
  return failures;
}

export async function runOptimCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const name = String(c.optimizer);
  const params = ((c.params ?? []) as GoldenTensor[]).map((t) => keep(toTensor(t, ctx.backend, true)));
  let optimizer: OptimizerLike | null = null;
  try {
    if (typeof c.error === 'string') {
      requireClass('@tensile/optim', optimNs, name);
      return await expectError(c.error, [name], params, ctx.backend, ctx.trace, () => (optimizer = buildOptimizer(name, params, decodeOptions(c.options))));
    }
    optimizer = buildOptimizer(name, params, decodeOptions(c.options));
    if (c.objective !== undefined) return await runClosureCase(c, ctx, optimizer, params);
    const tol = toleranceOf(c);
    const seq = (c.gradSequence ?? []) as GoldenTensor[][];
    const after = (c.paramsAfterStep ?? []) as GoldenTensor[][];
    const failures: Mismatch[] = [];
    for (let k = 0; k < seq.length; k++) {
      ctx.trace.phase = 'compute';
      params.forEach((p, i) => {
        p.grad?.dispose();
        p.grad = keep(toTensor(seq[k]![i]!, ctx.backend));
      });
      await optimizer.step();
      ctx.trace.phase = 'check';
      for (let i = 0; i < params.length; i++) {
        const m = await compareTensor(`step ${k} param[${i}]`, params[i], after[k]![i]!, tol, ctx.stats);
        if (m) failures.push(m);
      }
      if (failures.length > 0) break;
    }
    return failures;
  } finally {
    disposeOptimizer(optimizer);
    for (const p of params as Tensor[]) p.dispose();
  }
}
