import { setTrace, type Trace } from '@tensile/core';
import type { CaseCounts } from './results.js';

/**
 * Counts kernel calls and host transfers through core's trace hook. A case
 * runs in two phases: "compute" (building inputs, the op, backward) and
 * "check" (reading results back to compare them); only readbacks in the
 * compute phase are ones the case did not ask for. A third phase,
 * "scalars", is for algorithms whose decisions read numbers back (LBFGS's
 * tolerances and line search): there a one-element readback is expected,
 * and any larger one still counts as a compute readback.
 */
export class CaseTrace implements Trace {
  readonly counts: CaseCounts = { kernels: {}, uploads: 0, computeReadbacks: 0, readbacks: 0 };
  phase: 'compute' | 'check' | 'scalars' = 'compute';

  kernel(op: string, backend: string): void {
    const key = `${op}@${backend}`;
    this.counts.kernels[key] = (this.counts.kernels[key] ?? 0) + 1;
  }

  transfer(direction: 'upload' | 'readback', _backend: string, bytes: number): void {
    if (direction === 'upload') this.counts.uploads++;
    else {
      this.counts.readbacks++;
      if (this.phase === 'compute' || (this.phase === 'scalars' && bytes > 8)) this.counts.computeReadbacks++;
    }
  }
}

/** Runs `fn` with a fresh trace installed; core holds one trace at a time, so cases are traced one after another. */
export async function traced<T>(fn: (trace: CaseTrace) => Promise<T>): Promise<{ value: T; trace: CaseTrace }> {
  const trace = new CaseTrace();
  setTrace(trace);
  try {
    const value = await fn(trace);
    return { value, trace };
  } finally {
    setTrace(null);
  }
}

/**
 * Honesty of a non-cpu backend: a kernel that ran on another device, or a
 * readback while computing, means the work did not stay on the device.
 */
export function honestyProblems(counts: CaseCounts, backend: string): string[] {
  if (backend === 'cpu') return [];
  const problems: string[] = [];
  for (const [key, n] of Object.entries(counts.kernels)) {
    const at = key.lastIndexOf('@');
    if (key.slice(at + 1) !== backend) problems.push(`${n} call(s) of kernel ${key.slice(0, at)} ran on "${key.slice(at + 1)}" instead of "${backend}"`);
  }
  if (counts.computeReadbacks > 0) problems.push(`${counts.computeReadbacks} readback(s) to the host while computing (only the comparison's reads are expected)`);
  return problems;
}
