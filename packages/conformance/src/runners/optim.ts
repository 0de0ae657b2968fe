import { dispose, keep, type Tensor } from '@tensile/core';
import { compareTensor, type Mismatch, toleranceOf } from '../compare.js';
import { expectError } from '../expect-error.js';
import { decodeValue, type GoldenCase, type GoldenTensor, toTensor } from '../golden.js';
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
