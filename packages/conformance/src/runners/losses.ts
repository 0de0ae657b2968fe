import type { Tensor } from '@tensile/core';
import { LOSS_SPECS } from '@tensile/nn';
import type { Mismatch } from '../compare.js';
import { NotImplemented } from '../expect-error.js';
import { decodeValue, type GoldenCase, isGoldenTensor, toTensor } from '../golden.js';
import { type Fn, functionalNs, nnNs, requireClass } from '../resolve.js';
import { disposeModule } from './layers.js';
import { buildTensorArg, type CaseContext, isTensorSpec, runForwardCase } from './forward.js';

/** Distance functions the golden files name for TripletMarginWithDistanceLoss, built from the library's own functional ops. */
function distanceFunction(name: unknown): Fn {
  const f = (n: string): Fn => {
    const g = functionalNs[n];
    if (typeof g !== 'function') throw new NotImplemented(`not implemented: nn.functional.${n} (needed for distanceFunction "${String(name)}")`);
    return g as Fn;
  };
  if (name === 'pairwise') return f('pairwiseDistance');
  if (name === 'cosine') {
    const cos = f('cosineSimilarity');
    return (x: Tensor, y: Tensor) => {
      const s = cos(x, y, -1) as Tensor;
      return s.neg().add(1);
    };
  }
  throw new NotImplemented(`not implemented: distanceFunction ${JSON.stringify(name)}`);
}

/** Constructor options: tensor-valued ones ({tensor: T}) uploaded, special floats decoded, distanceFunction made a function. */
export function buildOptions(raw: Record<string, unknown>, device: string, inputs: Map<string, Tensor | Tensor[]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'object' && v !== null && isGoldenTensor((v as { tensor?: unknown }).tensor)) {
      const t = toTensor((v as { tensor: Parameters<typeof toTensor>[0] }).tensor, device);
      inputs.set(`option:${k}`, t);
      o[k] = t;
    } else if (k === 'distanceFunction') o[k] = distanceFunction(v);
    else o[k] = decodeValue(v);
  }
  return o;
}

/** torch.nn.functional's name for each loss class (from nn's loss registry): an error message may name either. */
const FUNCTIONAL: Record<string, string> = Object.fromEntries(LOSS_SPECS.map((s) => [s.name, s.torchFunctional]));

/**
 * A loss case as the golden file gives it, then (when several arguments
 * require grad there) as a training loop runs it, with only the input
 * requiring grad: losses with their own input gradient take that path only
 * then, and it must give PyTorch's numbers too.
 */
export async function runLossCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const failures = await runLossOnce(c, ctx);
  const only = inputOnly(c);
  if (only === null || failures.length > 0) return failures;
  ctx.trace.phase = 'compute';
  return (await runLossOnce(only, ctx)).map((m) => ({ ...m, what: `${m.what} (only the input requiring grad)` }));
}

/** The case with every tensor argument but the first (the input) not requiring grad, and only the input's gradient expected; null where that is no different. */
export function inputOnly(c: GoldenCase): GoldenCase | null {
  if (typeof c.error === 'string') return null;
  const args = (c.args ?? []) as unknown[];
  const tensors = args.filter(isTensorSpec);
  const first = tensors[0];
  const grads = (c.grads ?? {}) as Record<string, unknown>;
  if (first?.requiresGrad !== true || first.name === undefined || grads[first.name] === undefined) return null;
  if (!tensors.slice(1).some((a) => a.requiresGrad === true)) return null;
  return { ...c, args: args.map((a) => (isTensorSpec(a) && a !== first ? { ...a, requiresGrad: false } : a)), grads: { [first.name]: grads[first.name] } };
}

async function runLossOnce(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const name = String(c.loss);
  let lossFunction: Fn | null = null;
  try {
    return await runForwardCase(c, ctx, () => {
      const Loss = requireClass('@tensile/nn', nnNs, name);
      const inputs = new Map<string, Tensor | Tensor[]>();
      const options = buildOptions((c.options ?? {}) as Record<string, unknown>, ctx.backend, inputs);
      const args = ((c.args ?? []) as unknown[]).map((a) => (isTensorSpec(a) ? buildTensorArg(a, ctx.backend, inputs) : decodeValue(a)));
      const call = () => {
        lossFunction = new Loss(options) as Fn;
        return lossFunction(...args);
      };
      return { call, inputs, names: [name, FUNCTIONAL[name] ?? ''] };
    });
  } finally {
    // A loss is a Module: tensor options it registered as buffers (weight, posWeight) are its own.
    disposeModule(lossFunction as Parameters<typeof disposeModule>[0]);
  }
}
