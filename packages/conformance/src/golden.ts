import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { tensor, type Tensor } from '@tensile/core';

/**
 * Reader for the golden format (shared/golden/README.md). Any directory laid
 * out that way is accepted: the kinds are the subdirectories, each file a
 * header plus `cases` (training files are one case each).
 */

/** A float in a golden file: a number, or "nan" / "inf" / "-inf". */
export type GoldenNumber = number | 'nan' | 'inf' | '-inf';

export interface GoldenTensor {
  dtype: 'float32' | 'float64' | 'int32' | 'bool';
  shape: number[];
  data: (GoldenNumber | boolean)[];
}

export type CaseKind = 'ops' | 'losses' | 'layers' | 'optim' | 'schedulers' | 'training' | 'interop';
export const CASE_KINDS: readonly CaseKind[] = ['ops', 'losses', 'layers', 'optim', 'schedulers', 'training', 'interop'];

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

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`golden: cannot read ${path}: ${(e as Error).message}`);
  }
}

/**
 * Every golden file under `dir`, sorted by path. Directories that are not a
 * known kind are reported, not silently skipped, so a typo in a golden set shows.
 */
export function readGolden(dir: string): { files: GoldenFile[]; unknown: string[] } {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`golden: ${root} is not a directory`);
  const files: GoldenFile[] = [];
  const unknown: string[] = [];
  for (const sub of readdirSync(root).sort()) {
    const subdir = join(root, sub);
    if (!statSync(subdir).isDirectory()) continue;
    if (!(CASE_KINDS as readonly string[]).includes(sub)) {
      if (readdirSync(subdir).some((f) => f.endsWith('.json'))) unknown.push(sub);
      continue;
    }
    const kind = sub as CaseKind;
    for (const f of readdirSync(subdir).sort()) {
      if (!f.endsWith('.json')) continue;
      const json = readJson(join(subdir, f));
      const rel = `${sub}/${f}`;
      if (kind === 'training') {
        files.push({ kind, file: rel, dir: subdir, header: json, cases: [{ ...json, id: String(json.id ?? json.name ?? f.replace(/\.json$/, '')) }] });
      } else if (kind === 'interop') {
        const entries = (json.files ?? []) as Record<string, unknown>[];
        files.push({ kind, file: rel, dir: subdir, header: json, cases: entries.map((e) => ({ ...e, id: `interop/${String(e.file)}` })) });
      } else {
        const cases = json.cases;
        if (!Array.isArray(cases)) throw new Error(`golden: ${rel} has no "cases" array`);
        files.push({ kind, file: rel, dir: subdir, header: json, cases: cases as GoldenCase[] });
      }
    }
  }
  return { files, unknown };
}

/** The nearest `shared/golden` walking up from `from` (the repo's default golden set). */
export function findGoldenDir(from: string = process.cwd()): string | null {
  let d = resolve(from);
  for (;;) {
    const candidate = join(d, 'shared', 'golden');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
}
