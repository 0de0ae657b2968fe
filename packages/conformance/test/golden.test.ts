import { expect, test } from 'vitest';
import { CASE_KINDS, close, compareValues, decodeNumber, formatProblem, PACKAGED_GOLDEN, readGolden, runConformance } from '@tensile/conformance';
import { addCase, goldenDir } from './fixtures.js';

test('golden numbers: "nan", "inf", "-inf" strings decode; anything else is an error', () => {
  expect(decodeNumber('nan')).toBeNaN();
  expect(decodeNumber('inf')).toBe(Infinity);
  expect(decodeNumber('-inf')).toBe(-Infinity);
  expect(decodeNumber(1.5)).toBe(1.5);
  expect(() => decodeNumber('Infinity')).toThrow(/"nan"\/"inf"\/"-inf"/);
});

test('comparison: atol + rtol * |want|, NaN equals NaN, infinities by sign; the first mismatching index is reported', () => {
  const tol = { rtol: 1e-4, atol: 1e-5 };
  expect(close(NaN, NaN, tol)).toBe(true);
  expect(close(Infinity, Infinity, tol)).toBe(true);
  expect(close(-Infinity, Infinity, tol)).toBe(false);
  expect(close(1e30, Infinity, tol)).toBe(false);
  expect(close(100.009, 100, tol)).toBe(true);
  expect(close(100.02, 100, tol)).toBe(false);
  const m = compareValues('output', [1, 2, 3.5, NaN], [1, 2, 3, 4], tol)!;
  expect(m.index).toBe(2);
  expect(m.maxAbsError).toBe(Infinity);
  expect(m.message).toContain('first mismatch at index 2');
});

test('the packaged golden set ships inside the package, is valid, and covers every kind with at least 3000 cases', () => {
  const { files, problems, unknown } = readGolden(PACKAGED_GOLDEN);
  expect(problems.map(formatProblem)).toEqual([]);
  expect(unknown).toEqual([]);
  expect(new Set(files.map((f) => f.kind))).toEqual(new Set(CASE_KINDS));
  expect(files.reduce((n, f) => n + f.cases.length, 0)).toBeGreaterThanOrEqual(3000);
});

test('any directory in the golden format runs: other values, odd shapes, special values', async () => {
  const golden = goldenDir({ ops: { 'mine.json': [addCase] } });
  const r = await runConformance({ golden, backend: 'cpu', differential: false });
  expect(r.cases.map((c) => [c.id, c.status, c.failures])).toEqual([['add/odd-broadcast-specials', 'passed', []]]);
});

test('a golden subdirectory of an unknown kind fails the run instead of being ignored', async () => {
  const golden = goldenDir({ ops: { 'mine.json': [addCase] }, metrics: { 'x.json': [] } });
  const r = await runConformance({ golden, backend: 'cpu', differential: false });
  expect(r.unknownKinds).toEqual(['metrics']);
  expect(r.failed).toBe(1);
});

test('a programs case (golden/2) replays the program: right values pass, a wrong value, a missing error or a null gradient fail', async () => {
  const T = (shape: number[], data: unknown[]) => ({ dtype: 'float32', shape, data });
  const program = { steps: [{ op: 'input', args: [], p: { shape: [2], data: [4, '-0'], grad: true } }, { op: 'pow', args: [0], p: { scalar: -0.5 } }], loss: [1] };
  // w = [0.5, 0.75]; d/dx x^-0.5 = -0.5 x^-1.5: -1/32 at 4 (times 0.5), and -inf at -0 (rsqrt of -0 is -inf, as PyTorch)
  const good = { id: 'p/good', program, values: { 0: T([2], [4, -0]), 1: T([2], [0.5, '-inf']) }, grads: { 0: T([2], [-0.03125, '-inf']) } };
  const wrong = { ...good, id: 'p/wrong', values: { ...good.values, 1: T([2], [0.5, 'inf']) } };
  const noGrad = { ...good, id: 'p/null-grad', grads: { 0: null } };
  const error = { id: 'p/error', program, error: 'RuntimeError: PyTorch fails at backward' };
  const golden = goldenDir({ programs: { 'a.json': { format: 'golden/2', kind: 'program', name: 'a', cases: [good, wrong, noGrad, error] } } });
  const r = await runConformance({ golden, backend: 'cpu', differential: false });
  expect(r.problems.map(formatProblem)).toEqual([]);
  expect(r.cases.map((c) => [c.id, c.status])).toEqual([
    ['p/good', 'passed'],
    ['p/wrong', 'failed'],
    ['p/null-grad', 'failed'],
    ['p/error', 'failed'],
  ]);
});
