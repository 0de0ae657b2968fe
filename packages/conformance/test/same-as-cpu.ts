import { expect, test } from 'vitest';
import type * as T from '@tensile/core';
import { type StartResult, withLeakCheck } from '@tensile/conformance';

/**
 * One test per call: after manualSeed(0), the call on `backend` gives exactly cpu's values, of
 * `dtype`, on that device, and leaks nothing (random ops on the shared generator).
 */
export function sameValuesAsCpu(
  backend: string,
  started: StartResult,
  calls: Record<string, (device: string) => T.Tensor>,
  dtype: T.DType,
  what: string,
  seed: (n: number) => void,
): void {
  const read = async (t: T.Tensor) => Array.from((await t.data()) as ArrayLike<number>);
  for (const [name, f] of Object.entries(calls))
    test.skipIf(!started.ok)(`${name}: the same ${what} as cpu${started.ok ? '' : ` (skipped: ${started.reason})`}`, async () => {
      seed(0);
      const want = await read(f('cpu'));
      const { value: got, leak } = await withLeakCheck(backend, async () => {
        seed(0);
        const s = f(backend);
        expect(s.device).toBe(backend);
        expect(s.dtype).toBe(dtype);
        return read(s);
      });
      expect(got).toEqual(want);
      expect(leak).toBeNull();
    });
}
