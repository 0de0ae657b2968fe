import * as core from '@tensile/core';
import { declaredComposites, type FusedCheck, type FusedKernel, fusedKernel, getBackendObject, kernelCoverage, randn, type Tensor, zerosLike } from '@tensile/core';
// Declares the composites @tensile/optim fuses (adamStep), with their checks.
import '@tensile/optim';
// Declares the composites @tensile/nn fuses (conv2d, conv2dInputGrad, conv2dWeightGrad; cross-entropy's nllLossReduced and crossEntropyBackward), with their checks.
import '@tensile/nn';
import { compareValues, type Mismatch } from './compare.js';
import { hashName } from './random.js';
import type { CaseResult } from './results.js';
import { CaseTrace, honestyProblems } from './trace.js';
import { collectFailures } from './leak.js';

/**
 * Fused-vs-composed agreement: for every composite a backend registers a
 * fused kernel for, the kernel's output must match the composite built from
 * primitives on the same backend and inputs.
 */

const normal = (device: string, seed: number, shape = [5, 7]) => randn(shape, { device, generator: new core.Generator(seed) });
const x2d = (device: string, seed: number) => [normal(device, seed)];
type AnyFn = (...a: unknown[]) => Tensor;
const call = (name: string) => (ins: Tensor[], o: Record<string, unknown>) => (core as unknown as Record<string, AnyFn>)[name]!(...ins, ...Object.values(o));
const pair = (device: string, seed: number) => [normal(device, seed), normal(device, seed + 1)];
/** Logits of `shape` (default [5, 7]); `transposed`: a strided view (the transpose of a contiguous [7, 5]), which kernels must read through its strides. */
const logits = (device: string, seed: number, o: Record<string, unknown>) => {
  if (o.transposed === true) return [normal(device, seed, [7, 5]).t()];
  return [normal(device, seed, (o.shape as number[] | undefined) ?? [5, 7])];
};
/** Variant keys that shape the inputs and are not the kernel's options. */
const SOFTMAX_INPUT_KEYS = ['transposed', 'shape'];
const SOFTMAX_VARIANTS = [{ dim: -1 }, { dim: 0 }, { dim: 1, transposed: true }, { dim: 0, transposed: true }, { dim: 1, shape: [3, 4, 5] }];

/**
 * Attention inputs for one variant: batch [2, 3], L x S queries x keys, E and Ev dims. `odd`: sizes
 * that are no multiple of a kernel tile; `transposed`: q and v as strided (transposed) views;
 * `broadcast`: k and v of batch [1, 3], expanded; `float64` where the device has it. A bool mask
 * has a fully masked row (its output is zeros, its lse -inf); a float mask is [L, S], expanded.
 */
function attentionInputs(device: string, seed: number, o: Record<string, unknown>) {
  const f64 = o.float64 === true && getBackendObject(device).supportsFloat64;
  const dtype: core.DType = f64 ? 'float64' : 'float32';
  const [L, S, E, Ev] = o.odd === true ? [67, 71, 5, 3] : [5, 7, 4, 6];
  const gen = (i: number) => new core.Generator(seed + i);
  const r = (shape: number[], i: number) => randn(shape, { device, dtype, generator: gen(i) });
  const q = o.transposed === true ? r([2, 3, E, L], 1).transpose(-2, -1) : r([2, 3, L, E], 1);
  const kb = o.broadcast === true ? 1 : 2;
  const k = r([kb, 3, S, E], 2).expand([2, 3, S, E]);
  const v = (o.transposed === true ? r([kb, 3, Ev, S], 3).transpose(-2, -1) : r([kb, 3, S, Ev], 3)).expand([2, 3, S, Ev]);
  let mask: Tensor | null = null;
  if (o.mask === 'bool') {
    const keep = core.tensor(Array.from({ length: L }, (_, i) => [i === 1 ? 0 : 1]), { device, dtype });
    mask = core.gt(core.mul(core.rand([2, 3, L, S], { device, dtype, generator: gen(4) }), keep), 0.3);
  } else if (o.mask === 'float') mask = r([L, S], 4).expand([2, 3, L, S]);
  return { q, k, v, mask, dtype, L, S, E, Ev };
}
const ATTENTION_INPUT_KEYS = ['odd', 'transposed', 'broadcast', 'float64'];
const ATTENTION_VARIANTS = [
  { scale: 0.5, isCausal: false, mask: 'none' },
  { scale: 0.5, isCausal: false, mask: 'bool' },
  { scale: 0.7, isCausal: false, mask: 'float', broadcast: true },
  { scale: 0.5, isCausal: true, mask: 'none' },
  { scale: 0.4, isCausal: true, mask: 'none', odd: true },
  { scale: 0.4, isCausal: false, mask: 'bool', odd: true, transposed: true },
  { scale: 0.5, isCausal: false, mask: 'float', transposed: true, broadcast: true },
  { scale: 0.5, isCausal: false, mask: 'bool', float64: true },
  { scale: 0.4, isCausal: true, mask: 'none', odd: true, float64: true },
];
const attnOptions = (o: Record<string, unknown>) => ({ scale: o.scale as number, isCausal: o.isCausal as boolean, mask: o.mask as 'none' | 'bool' | 'float' });

const CHECKS: Record<string, FusedCheck> = {
  // In place on (out, lse), as core calls it: [out, lse, q, k, v, mask?].
  scaledDotProductAttention: {
    inputs: (device, seed, o) => {
      const { q, k, v, mask, dtype, L, Ev } = attentionInputs(device, seed, o);
      const ins = [core.zeros([2, 3, L, Ev], { device, dtype }), core.zeros([2, 3, L], { device, dtype }), q, k, v];
      return mask === null ? ins : [...ins, mask];
    },
    variants: ATTENTION_VARIANTS,
    inputKeys: ATTENTION_INPUT_KEYS,
    composed: (ins, o) => {
      const [out, lse] = core.attentionForwardComposed(ins[2]!, ins[3]!, ins[4]!, ins[5] ?? null, attnOptions(o));
      core.copy_(ins[0]!, out);
      core.copy_(ins[1]!, lse);
    },
    mutates: [0, 1],
  },
  // In place on (dq, dk, dv): [dq, dk, dv, g, q, k, v, out, lse, mask?], out and lse from the composed forward.
  scaledDotProductAttentionBackward: {
    inputs: (device, seed, o) => {
      const { q, k, v, mask, dtype, L, S, E, Ev } = attentionInputs(device, seed, o);
      const [out, lse] = core.attentionForwardComposed(q, k, v, mask, attnOptions(o));
      const g = randn([2, 3, L, Ev], { device, dtype, generator: new core.Generator(seed + 9) });
      const z = (shape: number[]) => core.zeros(shape, { device, dtype });
      const ins = [z([2, 3, L, E]), z([2, 3, S, E]), z([2, 3, S, Ev]), g, q, k, v, out, lse];
      return mask === null ? ins : [...ins, mask];
    },
    variants: ATTENTION_VARIANTS,
    inputKeys: ATTENTION_INPUT_KEYS,
    composed: (ins, o) => {
      const grads = core.attentionBackwardComposed(ins[3]!, ins[4]!, ins[5]!, ins[6]!, ins[9] ?? null, attnOptions(o));
      for (let i = 0; i < 3; i++) core.copy_(ins[i]!, grads[i]!);
    },
    mutates: [0, 1, 2],
  },
  // core.softmax itself dispatches to the fused kernel, so compare with the primitives-only forms.
  softmax: { inputs: logits, variants: SOFTMAX_VARIANTS, inputKeys: SOFTMAX_INPUT_KEYS, composed: (ins, o) => core.softmaxComposed(ins[0]!, o.dim as number) },
  logSoftmax: { inputs: logits, variants: SOFTMAX_VARIANTS, inputKeys: SOFTMAX_INPUT_KEYS, composed: (ins, o) => core.logSoftmaxComposed(ins[0]!, o.dim as number) },
  // Inputs (g, y) as autograd passes them; the formulas hold for any y, so plain normals serve.
  softmaxBackward: { inputs: pair, variants: [{ dim: 1 }, { dim: 0 }], composed: (ins, o) => core.softmaxBackwardComposed(ins[0]!, ins[1]!, o.dim as number) },
  logSoftmaxBackward: { inputs: pair, variants: [{ dim: 1 }, { dim: 0 }], composed: (ins, o) => core.logSoftmaxBackwardComposed(ins[0]!, ins[1]!, o.dim as number) },
  // y with zeros, a -0 and a NaN (the kernel must pass g there, as le(NaN, 0) is false).
  reluBackward: {
    inputs: (device, seed) => {
      const special = [0, -0, NaN, 1e-30, -1e-30, Infinity, -Infinity];
      const ys = Array.from({ length: 35 }, (_, i) => (i < special.length ? special[i]! : Math.sin(i * 12.9898 + seed) * 2));
      return [normal(device, seed), core.tensor(ys, { device }).reshape([5, 7])];
    },
    variants: [{}],
    composed: (ins) => core.reluBackwardComposed(ins[0]!, ins[1]!),
  },
  logsumexp: { inputs: x2d, variants: [{ dim: 1 }], composed: call('logsumexp') },
  mean: { inputs: x2d, variants: [{ dim: 0 }], composed: call('mean') },
  linear: {
    // Shapes past one 16x16 tile and a K past one tile; `transposed`: x and weight as strided views.
    inputs: (device, seed, o) => {
      const [m, k, n] = (o.shape as number[] | undefined) ?? [4, 6, 3];
      if (o.transposed === true) return [normal(device, seed, [k, m]).t(), normal(device, seed + 1, [k, n]).t(), normal(device, seed + 2, [n])];
      return [normal(device, seed, [m, k]), normal(device, seed + 1, [n, k]), normal(device, seed + 2, [n])];
    },
    variants: [{}, { shape: [33, 40, 19] }, { shape: [5, 9, 17], transposed: true }],
    inputKeys: ['shape', 'transposed'],
    composed: (ins) => core.linearComposed(ins[0]!, ins[1]!, ins[2]!),
  },
  clamp: { inputs: x2d, variants: [{ min: -0.5, max: 0.5 }], composed: call('clamp') },
};

/** Runs the kernel and the composite on the same inputs; the pairs of results to compare. */
async function fusedVsComposed(check: FusedCheck, kernel: FusedKernel, backend: string, seed: number, options: Record<string, unknown>): Promise<[string, Tensor, Tensor][]> {
  const ins = check.inputs(backend, seed, options);
  const own = Object.fromEntries(Object.entries(options).filter(([k]) => !check.inputKeys?.includes(k)));
  const kernelOptions = check.kernelOptions?.(own) ?? own;
  if (check.mutates === undefined) {
    const composed = check.composed(ins, options) as Tensor;
    const out = zerosLike(composed);
    kernel(ins, kernelOptions, out);
    return [['', out, composed]];
  }
  const copies = ins.map((t) => t.clone());
  check.composed(copies, options);
  kernel(ins, kernelOptions, ins[0]!);
  return check.mutates.filter((i) => i < ins.length).map((i) => [` input ${i}`, ins[i]!, copies[i]!]);
}

export async function runFusedChecks(backend: string, options: { seed: number; filter?: (id: string) => boolean }): Promise<CaseResult[]> {
  const fused = kernelCoverage(backend).fused;
  const results: CaseResult[] = [];
  for (const name of fused) {
    const id = `fused/${name}`;
    if (options.filter && !options.filter(id)) continue;
    const seed = (options.seed ^ hashName(name)) >>> 0;
    const failures: Mismatch[] = [];
    const trace = new CaseTrace();
    const check = CHECKS[name] ?? declaredComposites().get(name)?.check;
    const kernel = fusedKernelOf(backend, name);
    if (check === undefined || kernel === undefined) failures.push({ what: 'not implemented', message: `no fused-vs-composed check is defined for ${name}` });
    else {
      // The composed forms once outside the leak check, so the caches they fill by design (the
      // window ops' index tables of the convolutions) are not counted as this case's leak.
      await core.tidyAsync(async () => {
        for (const variant of check.variants) check.composed(check.inputs(backend, seed, variant), variant);
      });
      await collectFailures(backend, seed, failures, async () => {
        core.setTrace(trace);
        try {
          for (const variant of check.variants) {
            const pairs = await fusedVsComposed(check, kernel, backend, seed, variant);
            trace.phase = 'check';
            for (const [what, fused, composed] of pairs) {
              const m = compareValues(`${name}${what} fused vs composed`, await fused.data(), await composed.data(), { rtol: 1e-5, atol: 1e-6 });
              if (m) failures.push({ ...m, message: `${m.message} (options ${JSON.stringify(variant)}, seed ${seed})` });
            }
            trace.phase = 'compute';
          }
        } finally {
          core.setTrace(null);
        }
      });
    }
    for (const p of honestyProblems(trace.counts, backend)) failures.push({ what: 'honesty', message: p });
    results.push({ id, kind: 'fused', subject: name, file: 'fused', backend, status: failures.length ? 'failed' : 'passed', failures, maxRelError: 0, counts: trace.counts, seed });
  }
  return results;
}

function fusedKernelOf(backend: string, name: string): FusedKernel | undefined {
  const k = fusedKernel(name, getBackendObject(backend));
  return typeof k === 'function' ? (k as FusedKernel) : undefined;
}
