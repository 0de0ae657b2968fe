import { compareValues, type Mismatch, toleranceOf } from '../compare.js';
import { type Program, runProgram } from '../fuzz.js';
import { type GoldenCase, type GoldenTensor, goldenValues } from '../golden.js';
import type { CaseContext } from './forward.js';

/**
 * A random program (the fuzzer's format) with PyTorch's values and gradients:
 * replayed on the backend in float32, every float value read after backward
 * and every input gradient compared; an error case must fail at backward, as
 * PyTorch's version check does there.
 */
export async function runProgramCase(c: GoldenCase, ctx: CaseContext): Promise<Mismatch[]> {
  const prog = c.program as Program;
  const r = await runProgram(prog, { device: ctx.backend, dtype: 'float32' }, ctx.trace);
  if (typeof c.error === 'string') {
    if (r.error?.at === 'backward') return [];
    return [{ what: 'error', message: r.error ? `threw ${r.error.cls} at ${r.error.at} (${r.error.message}); PyTorch fails at backward: ${c.error}` : `succeeded; PyTorch fails at backward: ${c.error}` }];
  }
  if (r.error) return [{ what: 'behaviour', message: `threw ${r.error.cls} at ${r.error.at}: ${r.error.message}; PyTorch succeeds` }];
  const tol = toleranceOf(c);
  const failures: Mismatch[] = [];
  const check = (what: string, got: { shape?: number[]; data: Float64Array | null } | undefined, want: GoldenTensor | null) => {
    if (got === undefined) return failures.push({ what, message: 'not produced by the replay' });
    if ((got.data === null) !== (want === null)) return failures.push({ what, message: got.data === null ? 'no gradient arrived; PyTorch has one' : 'a gradient arrived; PyTorch has none' });
    if (got.data === null || want === null) return;
    if (got.shape && got.shape.join() !== want.shape.join()) return failures.push({ what, message: `shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]` });
    const w = goldenValues(want);
    const m = compareValues(what, got.data, w, tol);
    if (m) failures.push(m);
    else ctx.stats.note(got.data, w, tol);
  };
  for (const [ref, want] of Object.entries(c.values as Record<string, GoldenTensor>))
    check(`value v${ref}`, r.values.find((v) => v.ref === Number(ref)), want);
  for (const [ref, want] of Object.entries(c.grads as Record<string, GoldenTensor | null>))
    check(`grad v${ref}`, r.grads.find((v) => v.ref === Number(ref)), want);
  return failures;
}
