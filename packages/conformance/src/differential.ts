import {
  binary,
  castTo,
  contiguous,
  copy_,
  cumprod,
  cumsum,
  type DType,
  fill_,
  findBackend,
  gather,
  matmul,
  permute,
  PRIMITIVES,
  type PrimitiveOp,
  scatter,
  scatterAdd,
  setTrace,
  slice,
  sort,
  type Tensor,
  tensor,
  unary,
  where,
  expand,
  transpose,
  type BinaryOp,
  type UnaryOp,
} from '@tensile/core';
import * as core from '@tensile/core';
import { compareValues, type Mismatch, type Tolerance } from './compare.js';
import { collectFailures } from './leak.js';
import { type Distribution, hashName, Rng, sample } from './random.js';
import type { CaseResult } from './results.js';
import { CaseTrace, honestyProblems } from './trace.js';

/**
 * Randomized differential tests: every primitive kernel of a backend against
 * the cpu backend on the same inputs. Shapes broadcast, inputs are transposed,
 * sliced and expanded views, dims of size 0 and 1 and odd sizes appear, one
 * trial per op has about a million elements, and values include ±1e30,
 * denormals, NaN and ±inf where the op defines them. Seeded: a failure prints
 * the seed that reproduces it.
 */

export const REFERENCE = 'cpu';
export const LARGE = 1000003;
const TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };
/** Accumulating kernels may sum in another order (blocked, pairwise, parallel scans). */
const ACCUMULATE_TOL: Tolerance = { rtol: 1e-4, atol: 1e-4 };

interface HostInput {
  shape: number[];
  dtype: DType;
  data: number[] | Float64Array;
  /** Turns the uploaded base tensor into the view the op sees (device-independent core view ops). */
  view: (t: Tensor) => Tensor;
  /** Shape of the view the op sees. */
  dims: number[];
  label: string;
}

interface Trial {
  label: string;
  inputs: HostInput[];
  run: (ts: Tensor[]) => Tensor | Tensor[];
  tol?: Tolerance;
}

type Outcome = { error: string } | { outputs: { shape: number[]; dtype: DType; data: ArrayLike<number> }[] };

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const SIZES = [1, 1, 2, 3, 5, 7];

function randomShape(rng: Rng, minNdim = 0, maxNdim = 4, allowZero = true): number[] {
  const nd = rng.int(minNdim, maxNdim + 1);
  return Array.from({ length: nd }, () => (allowZero && rng.next() < 0.06 ? 0 : rng.pick(SIZES)));
}

function fillData(rng: Rng, n: number, dtype: DType, dist: Distribution): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (dtype === 'bool') out[i] = rng.next() < 0.5 ? 1 : 0;
    else if (dtype === 'int32') out[i] = rng.int(-50, 50);
    else out[i] = sample(rng, dist);
  }
  return out;
}

type ViewKind = 'contiguous' | 'transposed' | 'sliced' | 'expanded';

/** Host data for an input of `shape`, laid out so that `view` of it is a `kind` view of that shape. */
function makeInput(rng: Rng, shape: number[], dtype: DType, dist: Distribution, kinds: readonly ViewKind[] = ['contiguous', 'transposed', 'sliced', 'expanded']): HostInput {
  let kind = rng.pick(kinds);
  if (kind === 'transposed' && shape.length < 2) kind = 'contiguous';
  if (kind === 'expanded' && !shape.some((s) => s > 1)) kind = 'contiguous';
  let base = shape.slice();
  let view: (t: Tensor) => Tensor = (t) => t;
  if (kind === 'transposed') {
    const perm = shape.map((_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    if (perm.every((p, i) => p === i)) [perm[0], perm[1]] = [perm[1]!, perm[0]!];
    // permute(base, perm) has shape[i] = base[perm[i]].
    base = new Array<number>(shape.length);
    perm.forEach((p, i) => (base[p] = shape[i]!));
    view = (t) => permute(t, perm);
  } else if (kind === 'sliced') {
    base = shape.map((s) => 2 * s + 1);
    view = (t) => shape.reduce((v, s, d) => slice(v, d, 1, 1 + 2 * s, 2), t);
  } else if (kind === 'expanded') {
    base = shape.map((s) => (s > 1 && rng.next() < 0.5 ? 1 : s));
    if (base.every((b, i) => b === shape[i])) base[shape.findIndex((s) => s > 1)] = 1;
    view = (t) => expand(t, shape);
  }
  return { shape: base, dtype, data: fillData(rng, numel(base), dtype, dist), view, dims: shape, label: `${dtype}[${shape.join(',')}]${kind === 'contiguous' ? '' : ` ${kind}`}` };
}

function contiguousInput(rng: Rng, shape: number[], dtype: DType, dist: Distribution): HostInput {
  return makeInput(rng, shape, dtype, dist, ['contiguous']);
}

/** Two shapes that broadcast to `out`: some dims set to 1, some leading dims dropped. */
function broadcastPair(rng: Rng, out: number[]): [number[], number[]] {
  const derive = () => {
    const drop = rng.next() < 0.3 ? rng.int(0, out.length + 1) : 0;
    return out.slice(drop).map((s) => (rng.next() < 0.3 ? 1 : s));
  };
  return rng.next() < 0.5 ? [out.slice(), derive()] : [derive(), out.slice()];
}

/** The dtypes the op table says op's kernel receives, float32 first, float64 only where the device has it. */
function kernelDtypes(op: PrimitiveOp, float64: boolean): DType[] {
  const ds = PRIMITIVES[op].dtypes.filter((d) => float64 || d !== 'float64');
  return ds.includes('float32') ? ['float32', ...ds.filter((d) => d !== 'float32')] : ds;
}

function unaryTrials(op: UnaryOp, rng: Rng, float64: boolean): Trial[] {
  const dist: Distribution = op === 'sin' || op === 'cos' ? 'moderate' : 'any';
  const dtypes = kernelDtypes(op, float64);
  const trials: Trial[] = [];
  for (let i = 0; i < Math.max(6, 2 * dtypes.length); i++) {
    const x = makeInput(rng, randomShape(rng), dtypes[i % dtypes.length]!, dist);
    trials.push({ label: `${op}(${x.label})`, inputs: [x], run: ([t]) => unary(op, t!) });
  }
  const big = contiguousInput(rng, [LARGE], 'float32', dist);
  trials.push({ label: `${op}(float32[${LARGE}])`, inputs: [big], run: ([t]) => unary(op, t!) });
  return trials;
}

function binaryTrials(op: BinaryOp, rng: Rng, float64: boolean): Trial[] {
  const dist: Distribution = op === 'remainder' ? 'moderate' : 'any';
  const dtypes = kernelDtypes(op, float64);
  const trials: Trial[] = [];
  for (let i = 0; i < Math.max(6, 2 * dtypes.length); i++) {
    const dtype = dtypes[i % dtypes.length]!;
    const [sa, sb] = broadcastPair(rng, randomShape(rng));
    const a = makeInput(rng, sa, dtype, dist);
    const b = makeInput(rng, sb, dtype, dist);
    trials.push({ label: `${op}(${a.label}, ${b.label})`, inputs: [a, b], run: ([x, y]) => binary(op, x!, y!) });
  }
  const a = makeInput(rng, randomShape(rng, 1), 'float32', dist);
  const s = Math.round(sample(rng, 'finite') * 4) / 4 || 0.75;
  trials.push({ label: `${op}(${a.label}, ${s})`, inputs: [a], run: ([x]) => binary(op, x!, s) });
  const x = contiguousInput(rng, [LARGE], 'float32', dist);
  const y = contiguousInput(rng, [LARGE], 'float32', dist);
  trials.push({ label: `${op}(float32[${LARGE}], float32[${LARGE}])`, inputs: [x, y], run: ([p, q]) => binary(op, p!, q!) });
  return trials;
}

function whereTrials(rng: Rng): Trial[] {
  const trials: Trial[] = [];
  for (let i = 0; i < 6; i++) {
    const out = randomShape(rng);
    const [sa, sb] = broadcastPair(rng, out);
    const c = makeInput(rng, rng.next() < 0.5 ? out : sa, 'bool', 'any');
    const a = makeInput(rng, sa, 'float32', 'any');
    const b = makeInput(rng, sb, 'float32', 'any');
    trials.push({ label: `where(${c.label}, ${a.label}, ${b.label})`, inputs: [c, a, b], run: ([p, q, r]) => where(p!, q!, r!) });
  }
  const n = [LARGE];
  trials.push({ label: `where([${LARGE}])`, inputs: [contiguousInput(rng, n, 'bool', 'any'), contiguousInput(rng, n, 'float32', 'any'), contiguousInput(rng, n, 'float32', 'any')], run: ([p, q, r]) => where(p!, q!, r!) });
  return trials;
}

function castTrials(rng: Rng, float64: boolean): Trial[] {
  // NaN and infinities have no int32 value: casts to int get finite values only.
  const pairs: [DType, DType, Distribution][] = [
    ['float32', 'int32', 'finite'],
    ['float32', 'bool', 'any'],
    ['int32', 'float32', 'finite'],
    ['bool', 'float32', 'any'],
    ['int32', 'bool', 'finite'],
    ['bool', 'int32', 'any'],
  ];
  if (float64) pairs.push(['float32', 'float64', 'any'], ['float64', 'float32', 'finite']);
  const trials: Trial[] = pairs.map(([from, to, dist]) => {
    const x = makeInput(rng, randomShape(rng), from, dist);
    if (from === 'float32' && to === 'int32') x.data = Array.from(x.data, (v) => v * 1000);
    return { label: `cast(${x.label} -> ${to})`, inputs: [x], run: ([t]) => castTo(t!, to) };
  });
  trials.push({ label: `cast(float32[${LARGE}] -> bool)`, inputs: [contiguousInput(rng, [LARGE], 'float32', 'any')], run: ([t]) => castTo(t!, 'bool') });
  return trials;
}

function copyTrials(rng: Rng): Trial[] {
  const trials: Trial[] = [];
  for (let i = 0; i < 4; i++) {
    const x = makeInput(rng, randomShape(rng, 1), rng.pick(['float32', 'int32', 'bool'] as DType[]), 'any', ['transposed', 'sliced', 'expanded']);
    trials.push({ label: `contiguous(${x.label})`, inputs: [x], run: ([t]) => contiguous(t!) });
  }
  for (let i = 0; i < 3; i++) {
    // Into a strided destination: every other element of a larger tensor, transposed.
    const shape = randomShape(rng, 2, 3, false);
    const dst = contiguousInput(rng, shape.map((s) => 2 * s), 'float32', 'finite');
    const src = makeInput(rng, shape.slice().reverse(), 'float32', 'any');
    trials.push({
      label: `copy_(strided dst [${shape.join(',')}], ${src.label})`,
      inputs: [dst, src],
      run: ([d, s]) => {
        const v = transpose(shape.reduce((t, n, k) => slice(t, k, 0, 2 * n, 2), d!), 0, shape.length - 1);
        copy_(v, s!);
        return d!;
      },
    });
  }
  trials.push({ label: `contiguous(float32[1000,1001] transposed)`, inputs: [contiguousInput(rng, [1001, 1000], 'float32', 'any')], run: ([t]) => contiguous(transpose(t!, 0, 1)) });
  return trials;
}

function fillTrials(rng: Rng): Trial[] {
  const trials: Trial[] = [];
  for (const value of [0, -0, 2.5, 1e30, 1e-40, NaN, -Infinity]) {
    const shape = randomShape(rng, 1, 3, false);
    const base = contiguousInput(rng, shape.map((s) => 2 * s + 1), 'float32', 'finite');
    trials.push({
      label: `fill_(every other element of [${base.shape.join(',')}], ${value})`,
      inputs: [base],
      run: ([b]) => {
        fill_(shape.reduce((t, n, k) => slice(t, k, 1, 1 + 2 * n, 2), b!), value);
        return b!;
      },
    });
  }
  trials.push({ label: `fill_(int32[${LARGE}], 7)`, inputs: [contiguousInput(rng, [LARGE], 'int32', 'finite')], run: ([b]) => fill_(b!, 7) });
  return trials;
}

type ReduceFn = (x: Tensor, dim?: number | number[] | null, keepdim?: boolean) => Tensor;
const REDUCE: Record<string, [ReduceFn, Distribution, boolean]> = {
  sum: [core.sum as ReduceFn, 'moderate', true],
  prod: [core.prod as ReduceFn, 'near-one', true],
  amax: [core.amax as ReduceFn, 'any', true],
  amin: [core.amin as ReduceFn, 'any', true],
  argmax: [core.argmax as ReduceFn, 'ties', false],
  argmin: [core.argmin as ReduceFn, 'ties', false],
};

function reduceTrials(op: string, rng: Rng): Trial[] {
  const [fn, dist, multi] = REDUCE[op]!;
  const trials: Trial[] = [];
  for (let i = 0; i < 7; i++) {
    const x = makeInput(rng, randomShape(rng), rng.next() < 0.2 && op === 'sum' ? 'int32' : 'float32', dist);
    const nd = x.dims.length;
    let dim: number | number[] | null = null;
    if (nd > 0 && rng.next() < 0.8) dim = multi && rng.next() < 0.4 ? [...new Set([rng.int(0, nd), rng.int(0, nd)])].sort() : rng.int(-nd, nd);
    const keepdim = rng.next() < 0.5;
    trials.push({ label: `${op}(${x.label}, dim=${JSON.stringify(dim)}, keepdim=${keepdim})`, inputs: [x], run: ([t]) => fn(t!, dim, keepdim), tol: ACCUMULATE_TOL });
  }
  trials.push({ label: `${op}(float32[${LARGE}])`, inputs: [contiguousInput(rng, [LARGE], 'float32', dist === 'near-one' ? 'near-one' : 'finite')], run: ([t]) => fn(t!, 0), tol: ACCUMULATE_TOL });
  return trials;
}

function matmulTrials(rng: Rng): Trial[] {
  const dims = [0, 1, 2, 3, 7, 16];
  const trials: Trial[] = [];
  for (let i = 0; i < 6; i++) {
    const [m, k, n] = [rng.pick(dims), rng.pick(dims), rng.pick(dims)];
    const batch = rng.next() < 0.5 ? [] : [rng.pick([1, 2, 3])];
    const bBatch = batch.length > 0 && rng.next() < 0.5 ? [] : batch;
    const a = makeInput(rng, [...batch, m, k], 'float32', 'moderate', ['contiguous', 'transposed', 'sliced']);
    const b = makeInput(rng, [...bBatch, k, n], 'float32', 'moderate', ['contiguous', 'transposed', 'expanded']);
    trials.push({ label: `matmul(${a.label}, ${b.label})`, inputs: [a, b], run: ([x, y]) => matmul(x!, y!), tol: ACCUMULATE_TOL });
  }
  trials.push({ label: `matmul(float32[${LARGE},1], float32[1,1])`, inputs: [contiguousInput(rng, [LARGE, 1], 'float32', 'finite'), contiguousInput(rng, [1, 1], 'float32', 'finite')], run: ([x, y]) => matmul(x!, y!) });
  return trials;
}

/** An int32 index input of `shape` with values in [0, size), optionally distinct along `dim`. */
function indexInput(rng: Rng, shape: number[], dim: number, size: number, distinct: boolean): HostInput {
  const data = new Array<number>(numel(shape)).fill(0);
  const strides = shape.map((_, i) => numel(shape.slice(i + 1)));
  for (let flat = 0; flat < data.length; flat++) {
    const along = Math.floor(flat / strides[dim]!) % shape[dim]!;
    data[flat] = distinct ? along : rng.int(0, size);
  }
  if (distinct) {
    // One random permutation per fiber: distinct targets, so scatter's result does not depend on write order.
    const fiberStarts = data.map((_, f) => f).filter((f) => Math.floor(f / strides[dim]!) % shape[dim]! === 0);
    for (const f0 of fiberStarts) {
      const perm = Array.from({ length: size }, (_, i) => i);
      for (let i = size - 1; i > 0; i--) {
        const j = rng.int(0, i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      for (let j = 0; j < shape[dim]!; j++) data[f0 + j * strides[dim]!] = perm[j]!;
    }
  }
  return { shape, dtype: 'int32', data, view: (t) => t, dims: shape, label: `int32[${shape.join(',')}]` };
}

function gatherScatterTrials(op: 'gather' | 'scatter' | 'scatterAdd', rng: Rng): Trial[] {
  const trials: Trial[] = [];
  for (let i = 0; i < 6; i++) {
    const xs = randomShape(rng, 1, 3, false);
    const d = rng.int(0, xs.length);
    const is = xs.map((s, j) => (j === d ? (op === 'scatter' ? rng.int(1, s + 1) : rng.pick([1, 2, 5])) : rng.int(1, s + 1)));
    const idx = indexInput(rng, is, d, xs[d]!, op === 'scatter');
    if (op === 'gather') {
      const x = makeInput(rng, xs, 'float32', 'any');
      trials.push({ label: `gather(${x.label}, ${d}, ${idx.label})`, inputs: [x, idx], run: ([t, ix]) => gather(t!, d, ix!) });
    } else {
      const x = makeInput(rng, xs, 'float32', 'finite', ['contiguous', 'transposed', 'sliced']);
      const src = contiguousInput(rng, is, 'float32', op === 'scatterAdd' ? 'moderate' : 'any');
      const f = op === 'scatter' ? scatter : scatterAdd;
      trials.push({ label: `${op}(${x.label}, ${d}, ${idx.label}, src)`, inputs: [x, idx, src], run: ([t, ix, s]) => f(t!, d, ix!, s!), tol: ACCUMULATE_TOL });
    }
  }
  const n = op === 'scatter' ? 1000 : LARGE;
  const x = contiguousInput(rng, [LARGE], 'float32', 'finite');
  const idx = indexInput(rng, [n], 0, LARGE, false);
  if (op === 'scatter') idx.data = Array.from({ length: n }, (_, i) => (i * 997) % LARGE);
  const src = contiguousInput(rng, [n], 'float32', 'finite');
  if (op === 'gather') trials.push({ label: `gather(float32[${LARGE}], 0, int32[${n}])`, inputs: [x, idx], run: ([t, ix]) => gather(t!, 0, ix!) });
  else trials.push({ label: `${op}(float32[${LARGE}], 0, int32[${n}], src)`, inputs: [x, idx, src], run: ([t, ix, s]) => (op === 'scatter' ? scatter : scatterAdd)(t!, 0, ix!, s!), tol: ACCUMULATE_TOL });
  return trials;
}

function scanTrials(op: 'cumsum' | 'cumprod', rng: Rng): Trial[] {
  const f = op === 'cumsum' ? cumsum : cumprod;
  const dist: Distribution = op === 'cumsum' ? 'moderate' : 'near-one';
  const trials: Trial[] = [];
  for (let i = 0; i < 6; i++) {
    const x = makeInput(rng, randomShape(rng, 1), 'float32', dist);
    const nd = x.dims.length;
    const d = rng.int(-nd, nd);
    trials.push({ label: `${op}(${x.label}, ${d})`, inputs: [x], run: ([t]) => f(t!, d), tol: ACCUMULATE_TOL });
  }
  // A long float32 scan drifts with the order of its additions: compare loosely, but compare.
  trials.push({ label: `${op}(float32[${LARGE}])`, inputs: [contiguousInput(rng, [LARGE], 'float32', op === 'cumsum' ? 'finite' : 'near-one')], run: ([t]) => f(t!, 0), tol: { rtol: 1e-3, atol: 5e-2 } });
  return trials;
}

function sortTrials(rng: Rng): Trial[] {
  const trials: Trial[] = [];
  for (let i = 0; i < 6; i++) {
    const x = makeInput(rng, randomShape(rng, 1), 'float32', i % 2 === 0 ? 'ties' : 'any');
    const nd = x.dims.length;
    const d = rng.int(-nd, nd);
    const descending = rng.next() < 0.5;
    trials.push({ label: `sort(${x.label}, dim=${d}, descending=${descending})`, inputs: [x], run: ([t]) => [...sort(t!, { dim: d, descending })] });
  }
  trials.push({ label: `sort(float32[${LARGE}])`, inputs: [contiguousInput(rng, [LARGE], 'float32', 'ties')], run: ([t]) => [...sort(t!, 0)] });
  return trials;
}

/** The trials of one primitive, or null when the suite has no generator for it (a failure: new primitives need one). */
export function trialsFor(op: PrimitiveOp, rng: Rng, float64: boolean): Trial[] | null {
  const kind = PRIMITIVES[op].kind;
  if (kind === 'unary') return unaryTrials(op as UnaryOp, rng, float64);
  if (kind === 'binary') return binaryTrials(op as BinaryOp, rng, float64);
  if (kind === 'reduce') return reduceTrials(op, rng);
  switch (op) {
    case 'where':
      return whereTrials(rng);
    case 'copy':
      return [...copyTrials(rng), ...castTrials(rng, float64)];
    case 'fill':
      return fillTrials(rng);
    case 'matmul':
      return matmulTrials(rng);
    case 'gather':
    case 'scatter':
    case 'scatterAdd':
      return gatherScatterTrials(op, rng);
    case 'cumsum':
    case 'cumprod':
      return scanTrials(op, rng);
    case 'sort':
      return sortTrials(rng);
    default:
      return null;
  }
}

function upload(i: HostInput, device: string): Tensor {
  return tensor(Float64Array.from(i.data), { shape: i.shape, device, dtype: i.dtype });
}

async function execute(trial: Trial, device: string, trace: CaseTrace | null): Promise<Outcome> {
  setTrace(trace);
  if (trace) trace.phase = 'compute';
  try {
    return await core.tidyAsync(async () => {
      let outs: Tensor[];
      try {
        const views = trial.inputs.map((i) => i.view(upload(i, device)));
        const r = trial.run(views);
        outs = Array.isArray(r) ? r : [r];
      } catch (e) {
        return { error: e instanceof Error ? e.constructor.name : String(e) };
      }
      if (trace) trace.phase = 'check';
      const outputs = [];
      try {
        for (const o of outs) outputs.push({ shape: [...o.shape], dtype: o.dtype, data: await o.data() });
      } catch (e) {
        // A device-side error surfaces at readback on asynchronous backends.
        return { error: e instanceof Error ? e.constructor.name : String(e) };
      }
      return { outputs };
    });
  } finally {
    setTrace(null);
  }
}

function compareOutcomes(label: string, ref: Outcome, got: Outcome, tol: Tolerance): Mismatch | null {
  if ('error' in ref || 'error' in got) {
    const r = 'error' in ref ? `throws ${ref.error}` : 'returns a value';
    const g = 'error' in got ? `throws ${got.error}` : 'returns a value';
    return r === g ? null : { what: label, message: `cpu ${r}, this backend ${g}` };
  }
  if (ref.outputs.length !== got.outputs.length) return { what: label, message: `${got.outputs.length} outputs, cpu gives ${ref.outputs.length}` };
  for (let k = 0; k < ref.outputs.length; k++) {
    const r = ref.outputs[k]!;
    const g = got.outputs[k]!;
    const what = ref.outputs.length > 1 ? `${label} output[${k}]` : label;
    if (r.shape.join() !== g.shape.join() || r.dtype !== g.dtype) return { what, message: `${g.dtype}[${g.shape}], cpu gives ${r.dtype}[${r.shape}]` };
    const exact = r.dtype === 'int32' || r.dtype === 'bool';
    const m = compareValues(what, g.data, r.data, exact ? { rtol: 0, atol: 0 } : tol);
    if (m) return m;
  }
  return null;
}

export interface DifferentialOptions {
  seed: number;
  /** Which ops to run, matched against "differential/<op>". */
  filter?: (id: string) => boolean;
  /** Reference device (default cpu). */
  reference?: string;
}

/** Runs the differential trials of every primitive on `backend` against the reference; one result per primitive. */
export async function runDifferential(backend: string, options: DifferentialOptions): Promise<CaseResult[]> {
  const reference = options.reference ?? REFERENCE;
  if (backend === reference) return [];
  const b = findBackend(backend);
  const float64 = (b?.supportsFloat64 ?? false) && (findBackend(reference)?.supportsFloat64 ?? false);
  const results: CaseResult[] = [];
  for (const op of Object.keys(PRIMITIVES) as PrimitiveOp[]) {
    const id = `differential/${op}`;
    if (options.filter && !options.filter(id)) continue;
    const seed = (options.seed ^ hashName(op)) >>> 0;
    const trace = new CaseTrace();
    const failures: Mismatch[] = [];
    const trials = trialsFor(op, new Rng(seed), float64);
    if (trials === null) failures.push({ what: 'not implemented', message: `the differential suite has no generator for primitive ${op}` });
    else
      await collectFailures(backend, seed, failures, async () => {
        for (const t of trials) {
          const ref = await execute(t, reference, null);
          const got = await execute(t, backend, trace);
          const m = compareOutcomes(t.label, ref, got, t.tol ?? TOL);
          if (m) failures.push({ ...m, message: `${m.message} (seed ${seed})` });
        }
      });
    for (const p of honestyProblems(trace.counts, backend)) failures.push({ what: 'honesty', message: p });
    results.push({ id, kind: 'differential', subject: op, file: 'differential', backend, status: failures.length ? 'failed' : 'passed', failures, maxRelError: 0, counts: trace.counts, seed });
  }
  return results;
}
