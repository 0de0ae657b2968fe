import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor, type Tensor } from '@tensile/core';
import { duplicateIds, type Problem, validateFile } from './validate.js';

/**
 * Reader for the golden format (golden/README.md in this package). Any
 * directory laid out that way is accepted: the kinds are the subdirectories,
 * each file a header plus `cases` (training files are one case each).
 */

/** A float in a golden file: a number, or "nan" / "inf" / "-inf". */
export type GoldenNumber = number | 'nan' | 'inf' | '-inf';

export interface GoldenTensor {
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  shape: number[];
  data: (GoldenNumber | boolean)[];
}

export type CaseKind = 'ops' | 'losses' | 'layers' | 'optim' | 'schedulers' | 'training' | 'interop' | 'programs';
export const CASE_KINDS: readonly CaseKind[] = ['ops', 'losses', 'layers', 'optim', 'schedulers', 'training', 'interop', 'programs'];

/** One golden case as read from a file; runners read the fields their kind defines. */
export interface GoldenCase {
  id: string;
  error?: string;
  rtol?: number;
  atol?: number;
  note?: string;
  [key: string]: unknown;
}

export interface GoldenFile {
  kind: CaseKind;
  /** Path relative to the golden directory, e.g. ops/reduce.json. */
  file: string;
  /** Absolute directory of the file (interop cases read sibling files). */
  dir: string;
  header: Record<string, unknown>;
  cases: GoldenCase[];
}

export const DEFAULT_RTOL = 1e-4;
export const DEFAULT_ATOL = 1e-5;

export function decodeNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new Error(`golden: expected a number or "nan"/"inf"/"-inf", got ${JSON.stringify(v)}`);
}

/** Plain values (op args, options): special-float strings become numbers, everything else is kept. */
export function decodeValue(v: unknown): unknown {
  if (v === 'nan' || v === 'inf' || v === '-inf') return decodeNumber(v);
  if (Array.isArray(v)) return v.map(decodeValue);
  return v;
}

export function isGoldenTensor(v: unknown): v is GoldenTensor {
  return typeof v === 'object' && v !== null && Array.isArray((v as GoldenTensor).shape) && Array.isArray((v as GoldenTensor).data) && typeof (v as GoldenTensor).dtype === 'string';
}

/** The values of a golden tensor as float64 numbers (bool as 0/1). */
export function goldenValues(t: GoldenTensor): Float64Array {
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = decodeNumber(t.data[i]);
  return out;
}

/** Uploads a golden tensor to `device` with its own dtype. */
export function toTensor(t: GoldenTensor, device: string, requiresGrad = false): Tensor {
  const vals = goldenValues(t);
  const opts = { shape: t.shape, device, dtype: t.dtype } as const;
  let host: Float32Array | Float64Array | Int32Array;
  if (t.dtype === 'int32') host = Int32Array.from(vals);
  else if (t.dtype === 'float64') host = vals;
  else host = Float32Array.from(vals);
  const x = tensor(host, opts);
  if (requiresGrad) x.requiresGrad_(true);
  return x;
}

/** The golden set shipped inside this package (written by the project's own generator, tools/golden). */
export const PACKAGED_GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));

/** A golden set to run: its name in reports ("packaged" or the directory as given) and its directory. */
export interface GoldenSet {
  name: string;
  dir: string;
}

/** `packaged` names the set inside this package; anything else is a directory in the golden format. */
export function goldenSet(spec: string): GoldenSet {
  return spec === 'packaged' ? { name: 'packaged', dir: PACKAGED_GOLDEN } : { name: spec, dir: resolve(spec) };
}

export interface GoldenRead {
  /** Valid files, sorted by path; their cases run. */
  files: GoldenFile[];
  /** Subdirectories holding JSON that are not a known kind (a typo in a set must not go unchecked). */
  unknown: string[];
  /** Why files (or cases in them) are invalid; an invalid file does not run and each problem is a failure. */
  problems: Problem[];
}

/**
 * Every golden file under `dir`, validated (see validate.ts). A file that
 * cannot be parsed or breaks the format is reported in `problems` and left
 * out of `files`; ids are checked for uniqueness across the whole set
 * (across the kinds read, when `kinds` names some).
 */
export function readGolden(dir: string, options: { kinds?: readonly CaseKind[] } = {}): GoldenRead {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`golden: ${root} is not a directory`);
  const files: GoldenFile[] = [];
  const unknown: string[] = [];
  const problems: Problem[] = [];
  for (const sub of readdirSync(root).sort()) {
    const subdir = join(root, sub);
    if (!statSync(subdir).isDirectory()) continue;
    if (!(CASE_KINDS as readonly string[]).includes(sub)) {
      if (readdirSync(subdir).some((f) => f.endsWith('.json'))) unknown.push(sub);
      continue;
    }
    const kind = sub as CaseKind;
    if (options.kinds !== undefined && !options.kinds.includes(kind)) continue;
    for (const f of readdirSync(subdir).sort()) {
      if (!f.endsWith('.json')) continue;
      const rel = `${sub}/${f}`;
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(join(subdir, f), 'utf8'));
      } catch (e) {
        problems.push({ file: rel, field: '', message: `not valid JSON: ${(e as Error).message}` });
        continue;
      }
      const found = validateFile(kind, rel, subdir, json);
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
      const obj = json as Record<string, unknown>;
      if (kind === 'training') files.push({ kind, file: rel, dir: subdir, header: obj, cases: [obj as GoldenCase] });
      else if (kind === 'interop') {
        const entries = obj.files as Record<string, unknown>[];
        files.push({ kind, file: rel, dir: subdir, header: obj, cases: entries.map((e) => ({ ...e, id: `interop/${String(e.file)}` })) });
      } else files.push({ kind, file: rel, dir: subdir, header: obj, cases: obj.cases as GoldenCase[] });
    }
  }
  problems.push(...duplicateIds(files));
  return { files, unknown, problems };
}
