import type { Tensor } from '@tensile/core';
import type { Mismatch } from '../compare.js';
import { NotImplemented } from '../expect-error.js';
import { decodeValue, type GoldenCase, isGoldenTensor, toTensor } from '../golden.js';
import { type Fn, functionalNs, nnNs, requireClass } from '../resolve.js';
import { buildTensorArg, type CaseContext, isTensorArgSpec, runForwardCase } from './forward.js';

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

export function runLossCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const name = String(c.loss);
  return runForwardCase(c, ctx, () => {
    const Loss = requireClass('@tensile/nn', nnNs, name);
    const inputs = new Map<string, Tensor | Tensor[]>();
    const options = buildOptions((c.options ?? {}) as Record<string, unknown>, ctx.backend, inputs);
    const args = ((c.args ?? []) as unknown[]).map((a) => (isTensorArgSpec(a) ? buildTensorArg(a, ctx.backend, inputs) : decodeValue(a)));
    const call = () => {
      const lossFunction = new Loss(options) as Fn;
      return lossFunction(...args);
    };
    return { call, inputs, names: [name, name.replace(/Loss$/, ''), name.replace(/Loss$/, 'Loss').toLowerCase()] };
  });
}
