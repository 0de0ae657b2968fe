import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { fill_, keep, ShapeError, tensor, zeros } from '@tensile/core';
import { expectError } from '../src/expect-error.js';
import { CaseTrace } from '../src/trace.js';

/** PyTorch raised RuntimeError for op "frob"; `call` is what the library does instead. */
const check = (call: () => unknown) => expectError('RuntimeError: frob failed', ['frob'], [tensor([1, 2, 3])], 'cpu', new CaseTrace(), call);

test('an error that leaves everything as it was passes', async () => {
  expect(await check(() => {
    throw new ShapeError('frob: shapes [3] and [4] cannot be combined');
  })).toEqual([]);
});

test('an error after writing to an input, or after allocating, fails the unchanged-state check', async () => {
  const x = tensor([1, 2, 3]);
  const changed = await expectError('RuntimeError: frob failed', ['frob'], [x], 'cpu', new CaseTrace(), () => {
    fill_(x, 0);
    throw new ShapeError('frob: bad');
  });
  expect(changed.map((f) => f.message)).toEqual([expect.stringMatching(/input 0's values changed; input 0's storage version went from 0 to 1/)]);
  let kept: { dispose(): void } | null = null;
  const grew = await check(() => {
    kept = keep(zeros([8]));
    throw new ShapeError('frob: bad');
  });
  (kept as { dispose(): void } | null)?.dispose();
  expect(grew.map((f) => f.message)).toEqual([expect.stringContaining('memory() went from')]);
});

test('a TypeError from a bug, a bare Error, or a message that does not name the op fail', async () => {
  const typeError = await check(() => (undefined as unknown as { x: number }).x);
  expect(typeError[0]!.message).toMatch(/threw TypeError: .*expected ShapeError or DTypeError or IndexError or ValueError/);
  const bare = await check(() => {
    throw new Error('frob: no');
  });
  expect(bare[0]!.message).toContain('threw Error');
  const anonymous = await check(() => {
    throw new ShapeError('shapes [3] and [4] cannot be combined');
  });
  expect(anonymous[0]!.message).toContain('does not name the op');
});
