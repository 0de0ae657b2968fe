import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What makes a golden file trustworthy before any of it runs: the header
 * names the format and the folder's kind, every case has exactly the fields
 * its kind defines (so a misspelled key is caught, not ignored), an expected
 * value or an error, tensors whose data fits their shape, and tolerances no
 * looser than MAX_TOLERANCE. A suite that reads an invalid file as "nothing
 * to check" could pass by accident; this is what stops it.
 */

/** The newest golden format version this suite reads (README: a new kind of case bumps it and only adds fields). */
export const GOLDEN_FORMAT_VERSION = 2;
/** A per-case rtol or atol above this is refused: it would let almost any number pass. */
export const MAX_TOLERANCE = 0.05;

/** One thing wrong with a golden file: which file, which case (if any), which field. */
export interface Problem {
  file: string;
  id?: string;
  field: string;
  message: string;
}

/** The header's `kind` for each folder (the folders are plural, the labels as the format writes them). */
export const KIND_LABELS = {
  ops: 'ops',
  losses: 'loss',
  layers: 'layer',
  optim: 'optim',
  schedulers: 'scheduler',
  training: 'training',
  interop: 'interop',
  programs: 'program',
} as const;

type Folder = keyof typeof KIND_LABELS;

interface CaseSchema {
  /** Fields every case of the kind has. */
  required: readonly string[];
  /** Fields a value case (no error) must also have. */
  value: readonly string[];
  /** Everything else a case may carry. */
  optional: readonly string[];
  /** Whether an `error` field may replace the value fields. */
  errors: boolean;
  /** A value case has exactly one of these (optim: a gradient sequence, or an objective LBFGS's closure evaluates). */
  valueOneOf?: readonly string[];
}

const COMMON = ['rtol', 'atol', 'note'];
const HEADER = ['format', 'kind', 'name', 'set', 'seed', 'torch', 'generator', 'notes'];

const SCHEMAS: Record<Exclude<Folder, 'interop'>, CaseSchema> = {
  ops: { required: ['id', 'op', 'args'], value: ['output'], optional: ['kwargs', 'gradOutput', 'grads', ...COMMON], errors: true },
  losses: { required: ['id', 'loss', 'args'], value: ['output'], optional: ['options', 'gradOutput', 'grads', ...COMMON], errors: true },
  layers: { required: ['id', 'layer', 'args'], value: ['output'], optional: ['options', 'mode', 'params', 'gradOutput', 'grads', 'buffersAfter', ...COMMON], errors: true },
  optim: {
    required: ['id', 'optimizer', 'params'],
    value: ['paramsAfterStep'],
    optional: ['options', 'gradSequence', 'objective', 'losses', ...COMMON],
    errors: true,
    valueOneOf: ['gradSequence', 'objective'],
  },
  schedulers: { required: ['id', 'scheduler', 'optimizer', 'steps'], value: ['lrs'], optional: ['options', 'metrics', 'momentums', ...COMMON], errors: true },
  // golden/2: a random program of the fuzzer's format with every value and input gradient PyTorch gives.
  programs: { required: ['id', 'program'], value: ['values', 'grads'], optional: [...COMMON], errors: true },
  // A training file is one object: the header's fields and the run's.
  training: {
    required: ['id', 'model', 'data', 'loss', 'optimizer', 'steps'],
    value: ['lossBeforeStep'],
    optional: [...HEADER, 'description', 'finalParams', 'finalLoss', 'gradsAtFirstStep', 'clipGradNorm', 'gradNormBeforeClip', ...COMMON],
    errors: false,
  },
};

const INTEROP_ENTRY = { required: ['file', 'what', 'reject'], accepted: ['tensors'], rejected: ['why'], optional: ['metadata', 'module', 'note'] };

const DTYPES = new Set(['float32', 'float64', 'int32', 'bool']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The closest known name to a misspelled one (edit distance <= 2), for the message. */
function suggestion(key: string, known: readonly string[]): string {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  const best = known.map((k) => [k, dist(key.toLowerCase(), k.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
  return best !== undefined && best[1] <= 2 ? ` (did you mean "${best[0]}"?)` : '';
}

function checkKeys(obj: Record<string, unknown>, what: string, allowed: readonly string[], report: (field: string, message: string) => void): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) report(k, `unknown field "${k}"${suggestion(k, allowed)}; ${what} may have: ${allowed.join(', ')}`);
}

function checkTolerance(c: Record<string, unknown>, report: (field: string, message: string) => void): void {
  for (const k of ['rtol', 'atol'])
    if (k in c) {
      const v = c[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) report(k, `${k} must be a non-negative number, got ${JSON.stringify(v)}`);
      else if (v > MAX_TOLERANCE) report(k, `${k} ${v} is looser than the ${MAX_TOLERANCE} the suite accepts`);
    }
}

/** Every golden tensor inside a value ({dtype, shape, data}): a known dtype, a valid shape, and as many values as the shape holds. */
function checkTensors(v: unknown, path: string, report: (field: string, message: string) => void): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkTensors(x, `${path}[${i}]`, report));
    return;
  }
  if (!isRecord(v)) return;
  if ('shape' in v && 'data' in v && 'dtype' in v) {
    const { dtype, shape, data } = v;
    if (typeof dtype !== 'string' || !(DTYPES.has(dtype) || /^(F64|F32|F16|BF16|I64|I32|U8|BOOL)$/.test(dtype))) report(path, `unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
      report(path, `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
      return;
    }
    const n = (shape as number[]).reduce((a, b) => a * b, 1);
    if (!Array.isArray(data)) report(path, 'data must be a list');
    else if (data.length !== n) report(path, `data has ${data.length} values, shape [${(shape as number[]).join(', ')}] holds ${n}`);
    return;
  }
  for (const [k, x] of Object.entries(v)) checkTensors(x, path === '' ? k : `${path}.${k}`, report);
}

function checkCase(folder: Exclude<Folder, 'interop'>, c: unknown, file: string, index: number, out: Problem[]): void {
  const schema = SCHEMAS[folder];
  if (!isRecord(c)) {
    out.push({ file, field: `cases[${index}]`, message: 'a case must be an object' });
    return;
  }
  const id = typeof c.id === 'string' ? c.id : undefined;
  const report = (field: string, message: string) => out.push({ file, ...(id !== undefined ? { id } : {}), field, message });
  if (id === undefined || id === '') report('id', `case ${index} has no string id`);
  for (const k of schema.required) if (!(k in c)) report(k, `missing required field "${k}"`);
  const isError = 'error' in c;
  if (isError) {
    if (!schema.errors) report('error', `${folder} cases cannot be error cases`);
    else if (typeof c.error !== 'string' || c.error === '') report('error', 'error must be a non-empty string (what PyTorch said)');
    for (const k of schema.value) if (k in c) report(k, `an error case has no "${k}": it expects an error, not a value`);
  } else {
    const missing = schema.value.filter((k) => !(k in c));
    if (missing.length > 0) report(missing[0]!, `a case needs an expected ${schema.value.join(' and ')} or an "error"; it has neither`);
    if (schema.valueOneOf !== undefined && schema.valueOneOf.filter((k) => k in c).length !== 1)
      report(schema.valueOneOf[0]!, `a value case has exactly one of ${schema.valueOneOf.join(', ')}`);
  }
  checkKeys(c, `a ${folder} case`, [...schema.required, ...schema.value, ...schema.optional, ...(schema.errors ? ['error'] : [])], report);
  checkTolerance(c, report);
  checkTensors(c, '', report);
}

function checkInteropEntry(e: unknown, file: string, dir: string, index: number, out: Problem[]): void {
  if (!isRecord(e)) {
    out.push({ file, field: `files[${index}]`, message: 'an entry must be an object' });
    return;
  }
  const id = typeof e.file === 'string' ? `interop/${e.file}` : undefined;
  const report = (field: string, message: string) => out.push({ file, ...(id !== undefined ? { id } : {}), field, message });
  for (const k of INTEROP_ENTRY.required) if (!(k in e)) report(k, `missing required field "${k}"`);
  if (typeof e.reject !== 'boolean') report('reject', 'reject must be true or false');
  const wanted = e.reject === true ? INTEROP_ENTRY.rejected : INTEROP_ENTRY.accepted;
  for (const k of wanted) if (!(k in e)) report(k, `an entry with reject ${String(e.reject)} needs "${k}"`);
  checkKeys(e, 'an interop entry', [...INTEROP_ENTRY.required, ...(e.reject === true ? INTEROP_ENTRY.rejected : INTEROP_ENTRY.accepted), ...INTEROP_ENTRY.optional], report);
  if (typeof e.file === 'string' && !existsSync(join(dir, e.file))) report('file', `${e.file} does not exist beside ${file}`);
  checkTensors(e.tensors, 'tensors', report);
}

function checkHeader(folder: Folder, json: Record<string, unknown>, file: string, extra: readonly string[], out: Problem[]): void {
  const report = (field: string, message: string) => out.push({ file, field, message });
  const format = json.format;
  const m = typeof format === 'string' ? /^golden\/(\d+)$/.exec(format) : null;
  if (m === null) report('format', `format must be "golden/N", got ${JSON.stringify(format)}`);
  else if (Number(m[1]) > GOLDEN_FORMAT_VERSION) report('format', `${String(format)} is newer than this suite reads (golden/${GOLDEN_FORMAT_VERSION}): upgrade @tensile/conformance`);
  if (json.kind !== KIND_LABELS[folder]) report('kind', `kind ${JSON.stringify(json.kind)} does not match its folder ${folder}/ (expected "${KIND_LABELS[folder]}")`);
  if (folder !== 'training') checkKeys(json, 'a header', [...HEADER, ...extra], report);
}

/** The problems of one parsed golden file (empty when it is valid). `dir` is the file's folder, for interop's sibling files. */
export function validateFile(folder: Folder, file: string, dir: string, json: unknown): Problem[] {
  const out: Problem[] = [];
  if (!isRecord(json)) return [{ file, field: '', message: 'a golden file must hold a JSON object' }];
  if (folder === 'training') {
    checkHeader(folder, json, file, [], out);
    checkCase('training', json, file, 0, out);
    return out;
  }
  const listKey = folder === 'interop' ? 'files' : 'cases';
  checkHeader(folder, json, file, [listKey], out);
  const list = json[listKey];
  if (!Array.isArray(list)) {
    out.push({ file, field: listKey, message: `missing the "${listKey}" list` });
    return out;
  }
  if (list.length === 0) out.push({ file, field: listKey, message: `the "${listKey}" list is empty` });
  list.forEach((c, i) => (folder === 'interop' ? checkInteropEntry(c, file, dir, i, out) : checkCase(folder, c, file, i, out)));
  return out;
}

/** Ids must be unique within a set (different sets may share them): a duplicate would shadow a case in reports and filters. */
export function duplicateIds(files: readonly { file: string; cases: readonly { id: string }[] }[]): Problem[] {
  const seen = new Map<string, string>();
  const out: Problem[] = [];
  for (const f of files)
    for (const c of f.cases) {
      const first = seen.get(c.id);
      if (first !== undefined) out.push({ file: f.file, id: c.id, field: 'id', message: `duplicate id "${c.id}" (also in ${first})` });
      else seen.set(c.id, f.file);
    }
  return out;
}

export function formatProblem(p: Problem): string {
  return `${p.file}${p.id !== undefined ? ` case ${p.id}` : ''}${p.field !== '' ? `, field ${p.field}` : ''}: ${p.message}`;
}
