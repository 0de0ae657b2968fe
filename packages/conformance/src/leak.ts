import { keep, memory, tidyAsync, zeros } from '@tensile/core';
import type { Mismatch } from './compare.js';
import { describeError } from './expect-error.js';

export interface LeakCheck<T> {
  value: T;
  leak: Mismatch | null;
}

/**
 * Runs `fn` in an async tidy scope, as a documented training loop would, and
 * compares the backend's memory() before and after. Only growth is a leak: a
 * drop can be the garbage collector's FinalizationRegistry releasing handles
 * an earlier case forgot, which is not this case's doing.
 */
export async function withLeakCheck<T>(backend: string, fn: () => Promise<T>): Promise<LeakCheck<T>> {
  const before = memory(backend);
  const value = await tidyAsync(fn);
  const after = memory(backend);
  const grown = after.tensors > before.tensors || after.bytes > before.bytes;
  const leak: Mismatch | null = grown
    ? {
        what: 'memory',
        message: `leak on ${backend}: memory() went from ${before.tensors} storages / ${before.bytes} bytes to ${after.tensors} storages / ${after.bytes} bytes`,
      }
    : null;
  return { value, leak };
}

/**
 * Runs a randomized check's body under withLeakCheck, recording a leak, or a
 * thrown error with the seed that reproduces it, in `failures` instead of
 * ending the run.
 */
export async function collectFailures(backend: string, seed: number, failures: Mismatch[], body: () => Promise<void>): Promise<void> {
  try {
    const { leak } = await withLeakCheck(backend, body);
    if (leak) failures.push(leak);
  } catch (e) {
    failures.push({ what: 'exception', message: `${describeError(e)} (seed ${seed})` });
  }
}

/** A case that leaks one tensor on purpose (kept, so no scope frees it): proves withLeakCheck can fire. Frees it afterwards. */
export async function leakProbe(backend: string): Promise<LeakCheck<void>> {
  let leaked: { dispose(): void } | null = null;
  const r = await withLeakCheck(backend, async () => {
    leaked = keep(zeros([3], { device: backend }));
  });
  (leaked as { dispose(): void } | null)?.dispose();
  return r;
}
