import { expect, test } from 'vitest';
import { CASE_KINDS, formatFailure, formatProblem, PACKAGED_GOLDEN, readGolden, runConformance } from '@tensile/conformance';

/** The repo's own conformance run on cpu: every golden case of every kind. */
test('every golden case passes on cpu', async () => {
  const r = await runConformance({ backend: 'cpu', differential: false });
  const failures = r.cases.filter((c) => c.status === 'failed');
  expect(failures.map(formatFailure)).toEqual([]);
  expect(r.unknownKinds).toEqual([]);
  expect(r.problems.map(formatProblem)).toEqual([]);
  // Nothing is skipped or dropped: every case in the golden set has a result.
  const total = readGolden(PACKAGED_GOLDEN).files.reduce((n, f) => n + f.cases.length, 0);
  expect(r.cases.length).toBe(total);
  expect(new Set(r.cases.map((c) => c.kind))).toEqual(new Set(CASE_KINDS));
});
