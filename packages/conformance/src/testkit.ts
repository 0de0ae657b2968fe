// @tensile/conformance/testkit: the golden reader, comparator and seeded
// generator of the conformance suite, for other packages' tests (nn's and
// optim's read the same golden set the same way). Synchronous and on the
// default device, as unit tests want; throws an Error naming the value that
// differs, so it works under any test runner.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DType, type Tensor, tensor } from '@tensile/core';
import { compareValues } from './compare.js';
import {
  type CaseKind,
  DEFAULT_ATOL,
  DEFAULT_RTOL,
  type GoldenCase,
  type GoldenFile,
  type GoldenTensor,
  PACKAGED_GOLDEN,
  decodeValue,
  goldenValues,
  readGolden,
} from './golden.js';
import { formatProblem } from './validate.js';

export {
  type CaseKind,
  DEFAULT_ATOL,
  DEFAULT_RTOL,
  type GoldenCase,
  type GoldenFile,
  type GoldenNumber,
  type GoldenTensor,
  PACKAGED_GOLDEN,
  decodeNumber,
  decodeValue,
  goldenValues,
  isGoldenTensor,
} from './golden.js';
export { close, compareValues, type Mismatch, type Tolerance } from './compare.js';
export { Rng, hashName } from './random.js';

/** The golden set the tests read: $TENSILE_GOLDEN, else the one packaged here. */
export const GOLDEN_DIR = process.env.TENSILE_GOLDEN ?? PACKAGED_GOLDEN;

/** A path inside the golden set (interop's binary files, its README.json). */
export function goldenPath(...parts: string[]): string {
  return join(GOLDEN_DIR, ...parts);
}

/** The file names in one of the golden set's folders, sorted. */
export function listGolden(dir: string): string[] {
  return readdirSync(goldenPath(dir)).sort();
}

const read = new Map<string, GoldenFile[]>();

/** Every valid file of a kind, validated by the suite's reader (read once per kind); an invalid file is an error. */
export function goldenFiles(kind: CaseKind): GoldenFile[] {
  let files = read.get(kind);
  if (files === undefined) {
    const r = readGolden(GOLDEN_DIR, { kinds: [kind] });
    if (r.problems.length > 0)
      throw new Error(
        `golden: ${r.problems.length} problems in ${GOLDEN_DIR}/${kind}: ${r.problems.slice(0, 3).map(formatProblem).join('; ')}`,
      );
    files = r.files;
    read.set(kind, files);
  }
  return files;
}

/** The cases of one golden file, by kind and file name (`goldenFile('losses', 'MSELoss.json')`). */
export function goldenFile<C = GoldenCase>(kind: CaseKind, file: string): { header: Record<string, unknown>; cases: C[] } {
  const f = goldenFiles(kind).find((g) => g.file === `${kind}/${file}`);
  if (f === undefined) throw new Error(`golden: no file ${kind}/${file} in ${GOLDEN_DIR}`);
  return { header: f.header, cases: f.cases as C[] };
}

/** Every case of every file of a kind, files in name order (a training file is one case). */
export function goldenCases<C = GoldenCase>(kind: CaseKind): C[] {
  return goldenFiles(kind).flatMap((f) => f.cases as C[]);
}

/** A plain golden value (an option, a metric) with its special floats as numbers, through lists and objects; other strings stay. */
export function decodePlain(v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !Array.isArray(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodePlain(x)]));
  return Array.isArray(v) ? v.map(decodePlain) : decodeValue(v);
}

/** A golden tensor on the default device, in its own dtype (or `dtype` for a float one). */
export function goldenTensor(t: GoldenTensor, options: { requiresGrad?: boolean; dtype?: DType } = {}): Tensor {
  const values = goldenValues(t);
  const dtype = options.dtype !== undefined && (t.dtype === 'float32' || t.dtype === 'float64') ? options.dtype : t.dtype;
  const out =
    dtype === 'bool'
      ? tensor(Array.from(values, Boolean), { shape: t.shape, dtype: 'bool' })
      : tensor(dtype === 'int32' ? Int32Array.from(values) : dtype === 'float64' ? values : Float32Array.from(values), {
          shape: t.shape,
          dtype,
        });
  if (options.requiresGrad === true) out.requiresGrad_(true);
  return out;
}

/** |got - want| <= atol + rtol |want| elementwise, NaN equal to NaN, infinities by sign (the golden README's rule); throws naming `what` and the first bad element. */
export function expectValuesClose(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol = DEFAULT_RTOL,
  atol = DEFAULT_ATOL,
): void {
  const m = compareValues(what, got, want, { rtol, atol });
  if (m !== null) throw new Error(`${what}: ${m.message}`);
}

/** A tensor against a golden tensor, read back synchronously: present, the same shape, then the values as expectValuesClose. */
export function expectTensorClose(
  what: string,
  got: Tensor | null | undefined,
  want: GoldenTensor,
  rtol = DEFAULT_RTOL,
  atol = DEFAULT_ATOL,
): void {
  if (got === null || got === undefined) throw new Error(`${what}: missing`);
  if (got.shape.length !== want.shape.length || got.shape.some((d, i) => d !== want.shape[i]))
    throw new Error(`${what}: shape [${got.shape.join(', ')}], want [${want.shape.join(', ')}]`);
  expectValuesClose(what, got.dataSync(), goldenValues(want), rtol, atol);
}
