import { expect, test } from 'vitest';
import { PACKAGED_GOLDEN, readGolden } from '@tensile/conformance';
import { inputOnly } from '../src/runners/losses.js';

/** Mirrors src/runners/losses.ts: the second, training-loop run of a loss case. */
const cases = readGolden(PACKAGED_GOLDEN).files.filter((f) => f.kind === 'losses').flatMap((f) => f.cases);

test('a loss case whose target requires grad is run again with only the input requiring grad, expecting only its gradient', () => {
  // A BCEWithLogits case whose input and target both require grad (soft targets).
  const bce = cases.find((c) => c.loss === 'BCEWithLogitsLoss' && typeof c.error !== 'string' && (c.args as { requiresGrad: boolean }[]).every((a) => a.requiresGrad) && (c.args as unknown[]).length === 2)!;
  const only = inputOnly(bce)!;
  const args = only.args as { name: string; requiresGrad: boolean }[];
  expect(args.map((a) => [a.name, a.requiresGrad])).toEqual([
    ['input', true],
    ['target', false],
  ]);
  expect(Object.keys(only.grads as object)).toEqual(['input']);
  expect((only.grads as Record<string, unknown>).input).toBe((bce.grads as Record<string, unknown>).input);
  // The case itself is left as it was.
  expect((bce.args as { requiresGrad: boolean }[]).map((a) => a.requiresGrad)).toEqual([true, true]);
});

test('cases with nothing to vary (integer targets, error cases) run once', () => {
  const ce = cases.find((c) => c.loss === 'CrossEntropyLoss' && typeof c.error !== 'string' && (c.args as { tensor?: { dtype: string } }[])[1]?.tensor?.dtype === 'int32')!;
  expect(ce).toBeDefined();
  expect(inputOnly(ce)).toBeNull();
  const err = cases.find((c) => typeof c.error === 'string')!;
  expect(inputOnly(err)).toBeNull();
});
