import * as core from '@tensile/core';
import { type FusedKernel, fusedKernel, getBackendObject, kernelCoverage, randn, type Tensor, tidyAsync, zerosLike } from '@tensile/core';
import { compareValues, type Mismatch } from './compare.js';
import { hashName } from './random.js';
import type { CaseResult } from './results.js';
import { CaseTrace, honestyProblems } from './trace.js';
import { describeError } from './expect-error.js';
import { withLeakCheck } from './leak.js';

/**
 * Fused-vs-composed agreement: for every composite a backend registers a
 * fused kernel for, the kernel's output must match the composite built from
 * primitives on the same backend and inputs.
 */

interface FusedCheck {
  inputs: (device: string, seed: number) => Tensor[];
  options: Record<string, unknown>;
  composed: (inputs: Tensor[], options: Record<string, unknown>) => Tensor;
}

const x2d = (device: string, seed: number, shape = [5, 7]) => [randn(shape, { device, generator: new core.Generator(seed) })];
type AnyFn = (...a: unknown[]) => Tensor;
const call = (name: string) => (ins: Tensor[], o: Record<string, unknown>) => (core as unknown as Record<string, AnyFn>)[name]!(...ins, ...Object.values(o));

const CHECKS: Record<string, FusedCheck> = {
  // core.softmax itself dispatches to the fused kernel, so compare with the primitives-only forms.
  softmax: { inputs: x2d, options: { dim: -1 }, composed: (ins, o) => core.softmaxComposed(ins[0]!, o.dim as number) },
  logSoftmax: { inputs: x2d, options: { dim: 1 }, composed: (ins, o) => core.logSoftmaxComposed(ins[0]!, o.dim as number) },
  logsumexp: { inputs: x2d, options: { dim: 1 }, composed: call('logsumexp') },
  mean: { inputs: x2d, options: { dim: 0 }, composed: call('mean') },
  linear: {
    inputs: (device, seed) => [x2d(device, seed, [4, 6])[0]!, x2d(device, seed + 1, [3, 6])[0]!, x2d(device, seed + 2, [3])[0]!],
    options: {},
    composed: (ins) => core.linear(ins[0]!, ins[1]!, ins[2]!),
  },
  clamp: { inputs: x2d, options: { min: -0.5, max: 0.5 }, composed: call('clamp') },
};

export async function runFusedChecks(backend: string, options: { seed: number; filter?: (id: string) => boolean }): Promise<CaseResult[]> {
  const fused = kernelCoverage(backend).fused;
  const results: CaseResult[] = [];
  for (const name of fused) {
    const id = `fused/${name}`;
    if (options.filter && !options.filter(id)) continue;
    const seed = (options.seed ^ hashName(name)) >>> 0;
    const failures: Mismatch[] = [];
    const trace = new CaseTrace();
    const check = CHECKS[name];
    const kernel = fusedKernelOf(backend, name);
    if (check === undefined || kernel === undefined) failures.push({ what: 'not implemented', message: `no fused-vs-composed check is defined for ${name}` });
    else {
      try {
        const { leak } = await withLeakCheck(backend, () =>
          tidyAsync(async () => {
            core.setTrace(trace);
            try {
              const ins = check.inputs(backend, seed);
              const composed = check.composed(ins, check.options);
              const out = zerosLike(composed);
              kernel(ins, check.options, out);
              trace.phase = 'check';
              const m = compareValues(`${name} fused vs composed`, await out.data(), await composed.data(), { rtol: 1e-5, atol: 1e-6 });
              if (m) failures.push({ ...m, message: `${m.message} (seed ${seed})` });
            } finally {
              core.setTrace(null);
            }
          }),
        );
        if (leak) failures.push(leak);
      } catch (e) {
        failures.push({ what: 'exception', message: `${describeError(e)} (seed ${seed})` });
      }
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
