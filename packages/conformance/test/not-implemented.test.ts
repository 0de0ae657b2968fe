import { expect, test } from 'vitest';
import { runConformance } from '@tensile/conformance';
import { addCase, goldenDir, T_ as T } from './fixtures.js';

const x = { name: 'input', tensor: T([2], [1, 2]), requiresGrad: false };

test('cases naming an op, option, loss, layer, optimizer or scheduler the library lacks fail as not implemented', async () => {
  const golden = goldenDir({
    ops: { 'unknown.json': [
      { id: 'frobnicate/1', op: 'frobnicate', args: [x], kwargs: {}, output: T([2], [1, 2]) },
      { id: 'add/unknown-kwarg', op: 'add', args: [x, x], kwargs: { roundingMode: 'floor' }, output: T([2], [2, 4]) },
      { id: 'frobnicate/error', op: 'frobnicate', args: [x], kwargs: {}, error: 'RuntimeError: frobnicate failed' },
    ] },
    losses: { 'FooLoss.json': [{ id: 'FooLoss/1', loss: 'FooLoss', options: {}, args: [x, x], output: T([], [0]) }] },
    layers: { 'Frob.json': [{ id: 'Frob/1', layer: 'Frobnicator', options: {}, mode: 'train', params: {}, args: [x], output: T([2], [1, 2]) }] },
    optim: { 'Lion.json': [{ id: 'Lion/1', optimizer: 'Lion', options: { lr: 0.1 }, params: [T([2], [1, 2])], gradSequence: [[T([2], [1, 1])]], paramsAfterStep: [[T([2], [0.9, 1.9])]] }] },
    schedulers: { 'Wobble.json': [{ id: 'WobbleLR/1', scheduler: 'WobbleLR', optimizer: { optimizer: 'SGD', options: { lr: 0.1 } }, options: {}, steps: 2, lrs: [[0.1], [0.1]] }] },
  });
  const r = await runConformance({ golden, backend: 'cpu', differential: false });
  expect(r.passed).toBe(0);
  expect(r.failed).toBe(7);
  for (const c of r.cases) {
    expect(c.status).toBe('failed');
    expect(c.failures[0]!.what).toBe('not implemented');
  }
  expect(r.cases.find((c) => c.id === 'add/unknown-kwarg')!.failures[0]!.message).toContain("no option 'roundingMode'");
});

test('an error case fails when nothing is thrown, and when the wrong class is', async () => {
  const golden = goldenDir({
    ops: { 'errors.json': [
      { id: 'add/error/not-really', op: 'add', args: [x, x], kwargs: {}, error: 'RuntimeError: made up' },
      // PyTorch says IndexError; a dim out of range in Tensile is an IndexError too, so this one passes.
      { id: 'sum/error/dim', op: 'sum', args: [x], kwargs: { dim: 3 }, error: 'IndexError: Dimension out of range' },
      // ...but a ValueError expectation is not met by an IndexError.
      { id: 'sum/error/wrong-class', op: 'sum', args: [x], kwargs: { dim: 3 }, error: 'ValueError: made up' },
    ] },
  });
  const r = await runConformance({ golden, backend: 'cpu', differential: false });
  const status = Object.fromEntries(r.cases.map((c) => [c.id, c.status]));
  expect(status).toEqual({ 'add/error/not-really': 'failed', 'sum/error/dim': 'passed', 'sum/error/wrong-class': 'failed' });
  expect(r.cases[0]!.failures[0]!.message).toContain('nothing was thrown');
  expect(r.cases[2]!.failures[0]!.message).toContain('expected ValueError');
});

test('a wrong expected value fails with the value, the errors and the first mismatching index', async () => {
  const wrong = structuredClone(addCase);
  wrong.output.data[8] = 1.5;
  const r = await runConformance({ golden: goldenDir({ ops: { 'w.json': [wrong] } }), backend: 'cpu', differential: false });
  const f = r.cases[0]!.failures;
  expect(f.map((m) => [m.what, m.index])).toEqual([['output', 8]]);
});
