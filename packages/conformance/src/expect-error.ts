import { DTypeError, findBackend, IndexError, memory, ready, ShapeError, type Tensor, ValueError } from '@tensile/core';
import type { Mismatch } from './compare.js';
import type { CaseTrace } from './trace.js';

/** Thrown by a runner when the library lacks what a case names: reported as a failure, never a skip. */
export class NotImplemented extends Error {}

type ErrorClass = new (...args: never[]) => Error;

/** Our classes that stand for each Python error type PyTorch raises. */
const ACCEPTED: Record<string, ErrorClass[]> = {
  IndexError: [IndexError],
  ValueError: [ValueError],
  // PyTorch's catch-all is split by cause in Tensile.
  RuntimeError: [ShapeError, DTypeError, IndexError, ValueError],
  TypeError: [DTypeError, ValueError],
};

export function acceptedClasses(torchError: string): ErrorClass[] {
  const m = /^(\w+):/.exec(torchError);
  return ACCEPTED[m?.[1] ?? ''] ?? ACCEPTED.RuntimeError!;
}

/** A message names the op when it mentions any spelling of it (PyTorch's, camelCase, snake_case, without "Loss"). */
export function namesOp(message: string, names: readonly string[]): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[_\s-]/g, '');
  const m = norm(message);
  return names.some((n) => n.length > 0 && m.includes(norm(n)));
}

/** Everything an error must leave as it was: values, .grad, storage versions of the inputs, and memory(). */
interface Snapshot {
  values: ArrayLike<number>[];
  grads: (ArrayLike<number> | null)[];
  versions: number[];
  memory: { tensors: number; bytes: number };
}

async function snapshot(inputs: readonly Tensor[], backend: string): Promise<Snapshot> {
  const m = memory(backend);
  return {
    values: await Promise.all(inputs.map((t) => t.data())),
    grads: await Promise.all(inputs.map((t) => (t.grad === null ? null : t.grad.data()))),
    versions: inputs.map((t) => t.storage.version),
    memory: { tensors: m.tensors, bytes: m.bytes },
  };
}

function sameArray(a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(a[i] === b[i] || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!)))) return false;
  return true;
}

function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  before.values.forEach((v, i) => {
    if (!sameArray(v, after.values[i]!)) out.push(`input ${i}'s values changed`);
    if (!sameArray(before.grads[i]!, after.grads[i]!)) out.push(`input ${i}'s .grad changed`);
    if (before.versions[i] !== after.versions[i]) out.push(`input ${i}'s storage version went from ${before.versions[i]} to ${after.versions[i]}`);
  });
  // Growth only, as the leak check: a drop can be the FinalizationRegistry releasing an earlier case's garbage.
  if (after.memory.tensors > before.memory.tensors || after.memory.bytes > before.memory.bytes)
    out.push(`memory() went from ${before.memory.tensors} storages / ${before.memory.bytes} bytes to ${after.memory.tensors} / ${after.memory.bytes}`);
  return out;
}

export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

/**
 * Runs `call`, which must throw as PyTorch did (`torchError`, e.g.
 * "RuntimeError: ..."): one of the matching exported classes, a message that
 * names the op, and inputs, grads, versions and memory() unchanged. On a
 * backend without synchronous readback the error may instead surface at the
 * next ready() (a deferred device-side error).
 */
export async function expectError(
  torchError: string,
  names: readonly string[],
  inputs: readonly Tensor[],
  backend: string,
  trace: CaseTrace,
  call: () => unknown,
): Promise<Mismatch[]> {
  trace.phase = 'check';
  const before = await snapshot(inputs, backend);
  trace.phase = 'compute';
  let thrown: unknown = null;
  let threw = false;
  let deferred = false;
  try {
    const r = call();
    if (r instanceof Promise) await r;
  } catch (e) {
    threw = true;
    thrown = e;
  }
  if (thrown instanceof NotImplemented) throw thrown;
  if (!threw && findBackend(backend)?.syncReadback === false) {
    try {
      await ready(backend);
    } catch (e) {
      threw = true;
      thrown = e;
      deferred = true;
    }
  }
  const failures: Mismatch[] = [];
  if (!threw) return [{ what: 'error', message: `expected an error like PyTorch's "${torchError}", but nothing was thrown` }];
  const classes = acceptedClasses(torchError);
  if (/unknown option/i.test(describeError(thrown)) && !/unexpected keyword|unknown option/i.test(torchError))
    throw new NotImplemented(`the library rejected an option PyTorch accepts: ${describeError(thrown)}`);
  if (!classes.some((c) => thrown instanceof c))
    failures.push({ what: 'error', message: `threw ${describeError(thrown)}; expected ${classes.map((c) => c.name).join(' or ')} (PyTorch: ${torchError})` });
  else if (!namesOp((thrown as Error).message, names))
    failures.push({ what: 'error', message: `message does not name the op (${names.join(' / ')}): ${(thrown as Error).message}` });
  if (!deferred) {
    trace.phase = 'check';
    const changed = diffSnapshots(before, await snapshot(inputs, backend));
    if (changed.length > 0) failures.push({ what: 'state', message: `the failed call changed state: ${changed.join('; ')}` });
  }
  return failures;
}
