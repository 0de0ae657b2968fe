import { backward, isTensor, type Tensor } from '@tensile/core';
import { compareTensor, describe, type ErrorStats, type Mismatch, toleranceOf } from '../compare.js';
import { expectError } from '../expect-error.js';
import { type GoldenCase, type GoldenTensor, goldenValues, isGoldenTensor, toTensor } from '../golden.js';
import type { CaseTrace } from '../trace.js';

/** What every runner gets for one case. */
export interface CaseContext {
  backend: string;
  trace: CaseTrace;
  stats: ErrorStats;
}

/** A forward call ready to run: the call, its named tensor inputs and (for modules) parameters. */
export interface Prepared {
  call: () => unknown;
  /** Tensor arguments by name (lists for cat/stack/index_put), for grads and for the unchanged-state check. */
  inputs: Map<string, Tensor | Tensor[]>;
  /** Module parameters by state-dict name, for "param:<name>" gradients. */
  params?: Map<string, Tensor>;
  /** Spellings of the op/loss/layer an error message may use. */
  names: string[];
  /** The op's result is a host value (allclose, equal): its one readback is the result, not a leak. */
  hostResult?: boolean;
}

/** A golden argument: {name, tensor, requiresGrad}, {name, tensors, requiresGrad}, or a plain value. */
export interface GoldenArg {
  name?: string;
  tensor?: GoldenTensor;
  tensors?: GoldenTensor[];
  requiresGrad?: boolean;
}

export function isTensorSpec(a: unknown): a is GoldenArg {
  return typeof a === 'object' && a !== null && !Array.isArray(a) && (isGoldenTensor((a as GoldenArg).tensor) || Array.isArray((a as GoldenArg).tensors));
}

/** Uploads a tensor (or tensor-list) argument, recording it under its name. */
export function buildTensorArg(a: GoldenArg, device: string, inputs: Map<string, Tensor | Tensor[]>): Tensor | Tensor[] {
  const rg = a.requiresGrad === true;
  const v = a.tensor !== undefined ? toTensor(a.tensor, device, rg) : a.tensors!.map((t) => toTensor(t, device, rg && t.dtype !== 'int32' && t.dtype !== 'bool'));
  inputs.set(a.name ?? `arg${inputs.size}`, v);
  return v;
}

/** Outputs as a flat list of tensors: a tensor, [values, indices], or nested tuples such as LSTM's [output, [h, c]]. */
export function flattenOutputs(v: unknown): unknown[] {
  if (isTensor(v)) return [v];
  if (v !== null && typeof v === 'object' && typeof (v as Iterable<unknown>)[Symbol.iterator] === 'function')
    return [...(v as Iterable<unknown>)].flatMap(flattenOutputs);
  return [v];
}

function allInputs(p: Prepared): Tensor[] {
  return [...p.inputs.values()].flat();
}

/**
 * Runs a forward case: the call, backward with the case's gradOutput, then
 * output and every listed gradient compared with PyTorch's. An error case
 * goes through expectError instead.
 */
export async function runForwardCase(c: GoldenCase, ctx: CaseContext, prepare: () => Prepared): Promise<Mismatch[]> {
  const p = prepare();
  if (typeof c.error === 'string') return expectError(c.error, p.names, allInputs(p), ctx.backend, ctx.trace, p.call);
  const tol = toleranceOf(c);
  // A call may resolve asynchronously (allclose, equal: they read back).
  const before = ctx.trace.counts.computeReadbacks;
  const out = await p.call();
  if (p.hostResult === true && ctx.trace.counts.computeReadbacks > before) ctx.trace.counts.computeReadbacks--;
  const outs = flattenOutputs(out);
  const want = c.output;
  const wants: unknown[] = Array.isArray(want) ? want : [want];
  if (outs.length !== wants.length)
    return [{ what: 'output', message: `returned ${outs.length} output(s) (${outs.map(describe).join(', ')}); PyTorch returns ${wants.length}` }];
  // Shapes first: a wrong shape is reported as one, not as whatever backward makes of it.
  const shapeFailures: Mismatch[] = [];
  wants.forEach((w, i) => {
    if (!isGoldenTensor(w)) return;
    const o = outs[i];
    const what = wants.length > 1 ? `output[${i}]` : 'output';
    if (!isTensor(o)) shapeFailures.push({ what, message: `returned ${describe(o)}; PyTorch returns a tensor of shape [${w.shape.join(', ')}]` });
    else if (o.shape.length !== w.shape.length || o.shape.some((d, k) => d !== w.shape[k]))
      shapeFailures.push({ what, message: `shape [${o.shape.join(', ')}], PyTorch's is [${w.shape.join(', ')}]` });
  });
  if (shapeFailures.length > 0) return shapeFailures;

  const gradOutput = c.gradOutput as GoldenTensor | (GoldenTensor | null)[] | null | undefined;
  const gouts: (GoldenTensor | null)[] = gradOutput === null || gradOutput === undefined ? [] : Array.isArray(gradOutput) ? gradOutput : [gradOutput];
  const roots: Tensor[] = [];
  const seeds: Tensor[] = [];
  gouts.forEach((g, i) => {
    const o = outs[i];
    if (g === null || !isTensor(o)) return;
    roots.push(o);
    seeds.push(toTensor(g, ctx.backend));
  });
  const failures: Mismatch[] = [];
  const grads = (c.grads ?? {}) as Record<string, GoldenTensor | GoldenTensor[]>;
  if (roots.length > 0 && Object.keys(grads).length > 0) {
    if (roots.some((r) => !r.requiresGrad)) failures.push({ what: 'output', message: 'the output does not require grad although its inputs do' });
    else backward(roots, seeds);
  }

  ctx.trace.phase = 'check';
  for (let i = 0; i < wants.length; i++) {
    const w = wants[i];
    if (w === null || w === undefined) continue;
    const what = wants.length > 1 ? `output[${i}]` : 'output';
    const m = isGoldenTensor(w) ? await compareTensor(what, outs[i], w, tol, ctx.stats) : { what, message: `unreadable expected value ${JSON.stringify(w).slice(0, 80)}` };
    if (m) failures.push(m);
  }
  for (const [name, g] of Object.entries(grads)) {
    const holder = name.startsWith('param:') ? p.params?.get(name.slice(6)) : p.inputs.get(name);
    const what = `grad:${name}`;
    if (holder === undefined) {
      failures.push({ what, message: `no ${name.startsWith('param:') ? 'parameter' : 'argument'} named ${name.replace(/^param:/, '')}` });
      continue;
    }
    const hs = Array.isArray(holder) ? holder : [holder];
    const gs = Array.isArray(g) ? g : [g];
    for (let k = 0; k < gs.length; k++) {
      const label = gs.length > 1 ? `${what}[${k}]` : what;
      const t = hs[k];
      // The generator writes an input the output does not depend on (torch's None gradient) as zeros.
      if (t !== undefined && t.grad === null && goldenValues(gs[k]!).every((v) => v === 0)) continue;
      if (t === undefined || t.grad === null) failures.push({ what: label, message: 'no gradient was computed (.grad is null)' });
      else {
        const m = await compareTensor(label, t.grad, gs[k]!, tol, ctx.stats);
        if (m) failures.push(m);
      }
    }
  }
  return failures;
}
