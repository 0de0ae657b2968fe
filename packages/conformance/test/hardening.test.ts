import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { formatProblem, runConformance } from '@tensile/conformance';
import { addCase, goldenDir, T_ as T } from './fixtures.js';

// The suite cannot pass by accident: every rule below turns a set that would
// otherwise "pass" (by checking nothing) into a failure that names the file and field.

const run = (golden: string | string[], backend: string | string[] = 'cpu') => runConformance({ golden, backend, differential: false });
const problemsOf = (r: Awaited<ReturnType<typeof run>>) => r.problems.map(formatProblem);

test('a case with neither an expected output nor an error is invalid, and its file does not run', async () => {
  const { output: _output, ...vacuous } = structuredClone(addCase);
  const r = await run(goldenDir({ ops: { 'a.json': [addCase, { ...vacuous, id: 'add/vacuous' }] } }));
  expect(problemsOf(r)).toEqual([expect.stringMatching(/^ops\/a\.json case add\/vacuous, field output: a case needs an expected output or an "error"; it has neither/)]);
  expect(r.cases).toEqual([]);
  expect(r.failed).toBeGreaterThan(0);
});

test('a misspelled key is invalid, with the field named and the right spelling suggested', async () => {
  const r = await run(goldenDir({ ops: { 'a.json': [{ ...structuredClone(addCase), kwags: {} }] } }));
  expect(problemsOf(r)).toEqual([expect.stringContaining('ops/a.json case add/odd-broadcast-specials, field kwags: unknown field "kwags" (did you mean "kwargs"?)')]);
  // The only file is invalid, so nothing ran either: two failures, neither of them a pass.
  expect([r.passed, r.failed, r.errors]).toEqual([0, 2, ['no case ran: check --filter, --golden and the kinds']]);
});

test('ids are unique within a set, across its files; different sets may share ids', async () => {
  const dup = goldenDir({ ops: { 'a.json': [addCase], 'b.json': [addCase] } });
  const r = await run(dup);
  expect(problemsOf(r)).toEqual(['ops/b.json case add/odd-broadcast-specials, field id: duplicate id "add/odd-broadcast-specials" (also in ops/a.json)']);
  const one = goldenDir({ ops: { 'a.json': [addCase] } });
  const two = goldenDir({ ops: { 'a.json': [addCase] } });
  const both = await run([one, two]);
  expect([both.problems, both.passed, both.failed]).toEqual([[], 2, 0]);
  expect(both.sets.map((s) => [s.name, s.passed, s.failed])).toEqual([
    [one, 1, 0],
    [two, 1, 0],
  ]);
});

test('tolerances above 0.05 are refused; so are negative ones', async () => {
  const r = await run(goldenDir({ ops: { 'a.json': [{ ...structuredClone(addCase), rtol: 0.5 }, { ...structuredClone(addCase), id: 'add/2', atol: -1 }] } }));
  expect(problemsOf(r)).toEqual([
    expect.stringContaining('field rtol: rtol 0.5 is looser than the 0.05 the suite accepts'),
    expect.stringContaining('field atol: atol must be a non-negative number'),
  ]);
});

test('the header must name the format and the folder kind; a newer format version is refused', async () => {
  const golden = goldenDir({ ops: { 'a.json': [addCase] } });
  writeFileSync(join(golden, 'ops', 'b.json'), JSON.stringify({ format: 'golden/3', kind: 'ops', cases: [{ ...addCase, id: 'b' }] }));
  writeFileSync(join(golden, 'ops', 'c.json'), JSON.stringify({ format: 'golden/1', kind: 'loss', cases: [{ ...addCase, id: 'c' }] }));
  writeFileSync(join(golden, 'ops', 'd.json'), '{"format": "golden/1", "kind": "ops", "cases": [');
  const r = await run(golden);
  expect(problemsOf(r)).toEqual([
    expect.stringMatching(/^ops\/b\.json, field format: golden\/3 is newer than this suite reads \(golden\/2\)/),
    'ops/c.json, field kind: kind "loss" does not match its folder ops/ (expected "ops")',
    expect.stringMatching(/^ops\/d\.json: not valid JSON/),
  ]);
  expect([r.passed, r.failed]).toEqual([1, 3]);
});

test('a tensor whose data does not fill its shape is invalid', async () => {
  const bad = structuredClone(addCase);
  bad.output.data.pop();
  const r = await run(goldenDir({ ops: { 'a.json': [bad] } }));
  expect(problemsOf(r)).toEqual([expect.stringContaining('field output: data has 20 values, shape [3, 7] holds 21')]);
});

test('a run that executes zero cases fails', async () => {
  const r = await runConformance({ golden: goldenDir({ ops: { 'a.json': [addCase] } }), backend: 'cpu', differential: false, filter: 'matches-nothing' });
  expect(r.cases).toEqual([]);
  expect(r.errors).toEqual(['no case ran: check --filter, --golden and the kinds']);
  expect(r.failed).toBe(1);
  const empty = await run(goldenDir({}));
  expect(empty.errors[0]).toMatch(/holds no golden files/);
});

test('a backend named explicitly that cannot start fails the run; under "all" only it would be a skip', async () => {
  const r = await run(goldenDir({ ops: { 'a.json': [addCase] } }), ['cpu', 'nosuchbackend']);
  expect(r.backends.find((b) => b.backend === 'nosuchbackend')).toMatchObject({ status: 'failed', reason: expect.stringContaining('@tensile/backend-nosuchbackend') });
  expect([r.passed, r.failed, r.skipped]).toEqual([1, 1, 0]);
});

test('a wrong output shape is reported as a shape before backward runs', async () => {
  // sum over dim 1 of a [2, 3] tensor is [2]; the case claims [2, 1] (keepdim's shape) with a matching gradOutput,
  // which backward would accept by broadcasting: only the shape check catches it.
  const c = {
    id: 'sum/claims-keepdim',
    op: 'sum',
    args: [{ name: 'input', tensor: T([2, 3], [1, 2, 3, 4, 5, 6]), requiresGrad: true }],
    kwargs: { dim: 1 },
    gradOutput: T([2, 1], [1, 1]),
    output: T([2, 1], [6, 15]),
    grads: { input: T([2, 3], [1, 1, 1, 1, 1, 1]) },
  };
  const r = await run(goldenDir({ ops: { 'a.json': [c] } }));
  expect(r.cases[0]!.failures).toEqual([{ what: 'output', message: "shape [2], PyTorch's is [2, 1]" }]);
});
