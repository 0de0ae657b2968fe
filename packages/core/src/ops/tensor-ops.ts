/**
 * Everyday tensor ops a porting user reaches for (issue 20): flip, roll, outer, diag, trace, diff,
 * lerp, isclose / allclose / equal, cross, cdist, meshgrid, repeatInterleave. All composites of
 * primitives (indexSelect with host-built index tables, elementwise, reductions, views), so they
 * run on every backend and differentiate twice.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { fromHostArray } from '../creation.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { broadcastShapes, normalizeDim } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { abs, add, eq, isinf, isnan, le, logicalAnd, logicalNot, logicalOr, logicalXor, lt, mul, sub, where } from './elementwise.js';
import { checkValues, hostIndices, indexSelect } from './indexing.js';
import { all, norm, sum } from './reduce.js';
import { cat, clone, diagonal, expand, flatten, narrow, reshape, unsqueeze } from './view.js';
import { deviceOf, deviceOfList, empty } from './util.js';
import { kernel } from '../backend/registry.js';

const intList = (op: string, what: string, v: number | readonly number[]): number[] => {
  const l = typeof v === 'number' ? [v] : [...v];
  for (const x of l) if (!Number.isInteger(x)) throw new ValueError(`${op}: ${what} must be integers, got ${String(x)}`);
  return l;
};

/** x's entries along dim at host-listed positions (one upload, checked on the host). */
function pick(x: Tensor, dim: number, positions: ArrayLike<number>): Tensor {
  const idx = fromHostArray(Int32Array.from(positions), [positions.length], 'int32', x.device);
  return indexSelect(x, dim, idx);
}

/** x reversed along each of dims (PyTorch's flip); a copy, never a view. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  deviceOf('flip', x);
  const ds = intList('flip', 'dims', dims).map((d) => normalizeDim('flip', d, x.ndim));
  const seen = new Set<number>();
  for (const d of ds) {
    if (seen.has(d)) throw new ValueError(`flip: dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  const todo = x.ndim === 0 ? [] : ds.filter((d) => x.shape[d]! > 1);
  if (todo.length === 0) return clone(x);
  return tidy(() => {
    let y = x;
    for (const d of todo) {
      const n = x.shape[d]!;
      y = pick(y, d, Array.from({ length: n }, (_, i) => n - 1 - i));
    }
    return y;
  });
}

/**
 * x rotated by shifts along dims (PyTorch's roll): element i moves to (i + shift) mod n. Without
 * dims the tensor is rolled as if flattened, then given back its shape.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
  deviceOf('roll', x);
  const ss = intList('roll', 'shifts', shifts);
  const ds = dims === undefined || dims === null ? [] : intList('roll', 'dims', dims);
  if (ss.length === 0) throw new ValueError('roll: `shifts` required');
  if (ds.length === 0 && ss.length === 1) return tidy(() => reshape(roll(flatten(x), ss[0]!, 0), x.shape));
  if (ss.length !== ds.length) throw new ValueError(`roll: shifts and dimensions must align. shifts: ${ss.length}, dims:${ds.length}`);
  const nd = ds.map((d) => normalizeDim('roll', d, x.ndim));
  return tidy(() => {
    let y = x;
    nd.forEach((d, k) => {
      const n = x.shape[d]!;
      if (n === 0) return;
      const s = ((ss[k]! % n) + n) % n;
      if (s === 0) return;
      y = pick(y, d, Array.from({ length: n }, (_, i) => (i - s + n) % n));
    });
    return y === x ? clone(x) : y;
  });
}

/** The outer product of two vectors: out[i][j] = a[i] * b[j] (PyTorch's outer / ger). */
export function outer(a: Tensor, b: Tensor): Tensor {
  deviceOf('outer', a, b);
  if (a.ndim !== 1) throw new ShapeError(`outer: Expected 1-D argument self, but got ${a.ndim}-D (shape ${fmtShape(a.shape)})`);
  if (b.ndim !== 1) throw new ShapeError(`outer: Expected 1-D argument vec2, but got ${b.ndim}-D (shape ${fmtShape(b.shape)})`);
  return tidy(() => mul(reshape(a, [a.shape[0]!, 1]), reshape(b, [1, b.shape[0]!])));
}

/**
 * PyTorch's diag: a vector becomes the square matrix with it on diagonal `diagonal` (> 0 above the
 * main one), a matrix gives that diagonal as a vector (a copy).
 */
export function diag(x: Tensor, diagonal_ = 0): Tensor {
  const backend = deviceOf('diag', x);
  if (!Number.isInteger(diagonal_)) throw new ValueError(`diag: diagonal must be an integer, got ${diagonal_}`);
  if (x.ndim === 2) return tidy(() => clone(diagonal(x, diagonal_, 0, 1)));
  if (x.ndim !== 1) throw new ShapeError(`diag: matrix or a vector expected, got shape ${fmtShape(x.shape)}`);
  const n = x.shape[0]!;
  const k = diagonal_;
  const size = n + Math.abs(k);
  // Every cell picks from x padded with one zero: its diagonal entry, or the zero at index n.
  const idx = new Int32Array(size * size).fill(n);
  for (let i = 0; i < n; i++) {
    const [r, c] = k >= 0 ? [i, i + k] : [i - k, i];
    idx[r * size + c] = i;
  }
  return tidy(() => {
    const zero = empty(backend, [1], x.dtype);
    kernel('fill', backend)(zero, 0);
    const padded = cat([x, zero]);
    return reshape(indexSelect(padded, 0, fromHostArray(idx, [size * size], 'int32', backend.name)), [size, size]);
  });
}

/** The sum of a matrix's main diagonal (PyTorch's trace): a 0-d tensor. */
export function trace(x: Tensor): Tensor {
  deviceOf('trace', x);
  if (x.ndim !== 2) throw new ShapeError(`trace: expected a matrix, but got tensor with dim ${x.ndim} (shape ${fmtShape(x.shape)})`);
  if (x.dtype === 'bool') throw new DTypeError('trace: "trace" not implemented for \'Bool\'');
  return tidy(() => sum(diagonal(x)));
}

export interface DiffOptions {
  n?: number;
  dim?: number;
  prepend?: Tensor | null;
  append?: Tensor | null;
}
const DIFF_KEYS = ['n', 'dim', 'prepend', 'append'];

/**
 * The n-th forward difference along dim (PyTorch's diff): out[i] = x[i + 1] - x[i], applied n times,
 * after concatenating prepend and append along dim; bool inputs use exclusive or, as PyTorch.
 * `diff(x, n, dim, {prepend, append})` or `diff(x, {n, dim, prepend, append})`.
 */
export function diff(x: Tensor, nOrOptions?: number | DiffOptions, dim?: number, options?: Pick<DiffOptions, 'prepend' | 'append'>): Tensor {
  deviceOf('diff', x);
  const o: DiffOptions = typeof nOrOptions === 'object' && nOrOptions !== null
    ? checkOptions('diff', nOrOptions, DIFF_KEYS)
    : { n: nOrOptions, dim, ...checkOptions('diff', options, ['prepend', 'append']) };
  const n = o.n ?? 1;
  if (!Number.isInteger(n)) throw new ValueError(`diff: n must be an integer, got ${String(n)}`);
  if (x.ndim === 0) throw new ShapeError('diff: diff expects input to be at least one-dimensional');
  const d = normalizeDim('diff', o.dim ?? -1, x.ndim);
  for (const [name, t] of [['prepend', o.prepend], ['append', o.append]] as const)
    if (t !== undefined && t !== null) {
      if (!isTensor(t)) throw new ValueError(`diff: ${name} must be a tensor`);
      if (t.ndim !== x.ndim) throw new ShapeError(`diff: diff expects prepend or append to be the same dimension as input; ${name} has shape ${fmtShape(t.shape)}, input ${fmtShape(x.shape)}`);
    }
  return tidy(() => {
    const parts = [o.prepend, x, o.append].filter((t): t is Tensor => t !== undefined && t !== null);
    let y = parts.length > 1 ? cat(parts, d) : x;
    for (let i = 0; i < n; i++) {
      const len = y.shape[d]!;
      if (len === 0) break;
      const hi = narrow(y, d, 1, len - 1);
      const lo = narrow(y, d, 0, len - 1);
      y = y.dtype === 'bool' ? logicalXor(hi, lo) : sub(hi, lo);
    }
    return y === x ? clone(x) : y;
  });
}

/**
 * start + weight * (end - start) (PyTorch's lerp), in PyTorch's two-sided form: for |weight| >= 0.5
 * it is end - (end - start) * (1 - weight), so weight 1 gives end exactly. weight is a number or a
 * tensor; all three broadcast. Float inputs of one dtype only, as PyTorch.
 */
export function lerp(start: Tensor, end: Tensor, weight: number | Tensor): Tensor {
  deviceOf('lerp', start, end, isTensor(weight) ? weight : null);
  for (const [name, t] of [['start', start], ['end', end], ...(isTensor(weight) ? [['weight', weight] as const] : [])] as const) {
    if (!isFloat(t.dtype)) throw new DTypeError(`lerp: expected a floating point ${name}, got dtype ${t.dtype} (lerp is not implemented for integer or bool tensors)`);
    if (t.dtype !== start.dtype) throw new DTypeError(`lerp: expected dtype ${start.dtype} for \`${name}\` but got dtype ${t.dtype}`);
  }
  if (!isTensor(weight) && typeof weight !== 'number') throw new ValueError(`lerp: weight must be a number or a tensor, got ${typeof weight}`);
  const ab = broadcastShapes('lerp', start.shape, end.shape);
  if (isTensor(weight)) broadcastShapes('lerp', ab, weight.shape);
  return tidy(() => {
    const delta = sub(end, start);
    if (!isTensor(weight)) return Math.abs(weight) < 0.5 ? add(start, mul(delta, weight)) : sub(end, mul(delta, 1 - weight));
    const small = noGrad(() => lt(abs(weight), 0.5));
    return where(small, add(start, mul(weight, delta)), sub(end, mul(delta, sub(1, weight))));
  });
}

export interface IsCloseOptions {
  rtol?: number;
  atol?: number;
  equalNan?: boolean;
}
const CLOSE_KEYS = ['rtol', 'atol', 'equalNan'];

function closeOptions(op: string, options: IsCloseOptions | undefined): Required<IsCloseOptions> {
  const o = checkOptions(op, options, CLOSE_KEYS);
  const rtol = o.rtol ?? 1e-5;
  const atol = o.atol ?? 1e-8;
  if (!(rtol >= 0)) throw new ValueError(`${op}: rtol must be greater than or equal to zero, but got ${rtol}`);
  if (!(atol >= 0)) throw new ValueError(`${op}: atol must be greater than or equal to zero, but got ${atol}`);
  return { rtol, atol, equalNan: o.equalNan ?? false };
}

/**
 * |a - b| <= atol + rtol * |b| elementwise, as a bool tensor (PyTorch's isclose): equal values
 * (infinities included) are close, NaN only with equalNan. Both inputs of one dtype; they broadcast.
 */
export function isclose(a: Tensor, b: Tensor, options?: IsCloseOptions): Tensor {
  return closeness('isclose', a, b, options);
}

function closeness(op: string, a: Tensor, b: Tensor, options?: IsCloseOptions): Tensor {
  deviceOf(op, a, b);
  const { rtol, atol, equalNan } = closeOptions(op, options);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: ${a.dtype} did not match ${b.dtype} (both inputs must have the same dtype)`);
  broadcastShapes(op, a.shape, b.shape);
  return noGrad(() =>
    tidy(() => {
      let close = eq(a, b);
      if (equalNan && isFloat(a.dtype)) close = logicalOr(close, logicalAnd(isnan(a), isnan(b)));
      if (rtol === 0 && atol === 0) return close;
      // Integers and bools are compared in float32, as PyTorch computes their tolerance.
      const [fa, fb] = isFloat(a.dtype) ? [a, b] : [castTo(a, 'float32'), castTo(b, 'float32')];
      const allowed = add(abs(mul(fb, rtol)), atol);
      const actual = abs(sub(fa, fb));
      const finite = logicalNot(logicalOr(isinf(actual), isnan(actual)));
      return logicalOr(close, logicalAnd(finite, le(actual, allowed)));
    }),
  );
}

/** Whether every element of a is close to b's (PyTorch's allclose); reads one value back, so async. */
export async function allclose(a: Tensor, b: Tensor, options?: IsCloseOptions): Promise<boolean> {
  const t = tidy(() => all(closeness('allclose', a, b, options)));
  try {
    return Boolean(await t.item());
  } finally {
    t.dispose();
  }
}

/** allclose on backends that read synchronously (cpu, wasm, native); elsewhere it throws, as itemSync. */
export function allcloseSync(a: Tensor, b: Tensor, options?: IsCloseOptions): boolean {
  const t = tidy(() => all(closeness('allcloseSync', a, b, options)));
  try {
    return Boolean(t.itemSync());
  } finally {
    t.dispose();
  }
}

function equalTensor(op: string, a: Tensor, b: Tensor): Tensor | boolean {
  deviceOf(op, a, b);
  if (a.ndim !== b.ndim || a.shape.some((s, i) => s !== b.shape[i])) return false;
  return noGrad(() => tidy(() => all(eq(a, b))));
}

/** Whether a and b have the same shape and the same values (PyTorch's equal; NaN is never equal); async. */
export async function equal(a: Tensor, b: Tensor): Promise<boolean> {
  const t = equalTensor('equal', a, b);
  if (typeof t === 'boolean') return t;
  try {
    return Boolean(await t.item());
  } finally {
    t.dispose();
  }
}

/** equal on backends that read synchronously (cpu, wasm, native). */
export function equalSync(a: Tensor, b: Tensor): boolean {
  const t = equalTensor('equalSync', a, b);
  if (typeof t === 'boolean') return t;
  try {
    return Boolean(t.itemSync());
  } finally {
    t.dispose();
  }
}

/**
 * The cross product of 3-vectors along dim (PyTorch 1.13's cross: without dim, the first dim of
 * size 3); the inputs broadcast.
 */
export function cross(a: Tensor, b: Tensor, dim?: number | null): Tensor {
  deviceOf('cross', a, b);
  if (a.dtype === 'bool' || b.dtype === 'bool') throw new DTypeError('cross: "cross" not implemented for \'Bool\'');
  const shape = broadcastShapes('cross', a.shape, b.shape);
  let d: number;
  if (dim === undefined || dim === null) {
    d = shape.indexOf(3);
    if (d < 0) throw new ShapeError(`cross: no dimension of size 3 in input (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`);
  } else d = normalizeDim('cross', dim, shape.length);
  const sizeIn = (t: Tensor) => t.shape[d - (shape.length - t.ndim)] ?? 1;
  if (sizeIn(a) !== 3 || sizeIn(b) !== 3)
    throw new ShapeError(`cross: inputs dimension ${dim ?? d} must have length 3. Got ${sizeIn(a)} and ${sizeIn(b)}`);
  return tidy(() => {
    const [ea, eb] = [expand(a, shape), expand(b, shape)];
    const at = (t: Tensor, i: number) => narrow(t, d, i, 1);
    const [a0, a1, a2] = [at(ea, 0), at(ea, 1), at(ea, 2)];
    const [b0, b1, b2] = [at(eb, 0), at(eb, 1), at(eb, 2)];
    return cat([sub(mul(a1, b2), mul(a2, b1)), sub(mul(a2, b0), mul(a0, b2)), sub(mul(a0, b1), mul(a1, b0))], d);
  });
}

export interface CdistOptions {
  p?: number;
  /** Accepted for PyTorch compatibility; Tensile always computes the differences directly (no mm trick). */
  computeMode?: 'use_mm_for_euclid_dist_if_necessary' | 'use_mm_for_euclid_dist' | 'donot_use_mm_for_euclid_dist';
}
const CDIST_MODES = ['use_mm_for_euclid_dist_if_necessary', 'use_mm_for_euclid_dist', 'donot_use_mm_for_euclid_dist'];

/**
 * The p-norm distance between every row of x1 [..., P, M] and every row of x2 [..., R, M]:
 * [..., P, R], batch dims broadcast (PyTorch's cdist). Computed directly from the differences, so
 * the euclidean distances are as exact as the norm; the gradient at a zero distance is 0.
 */
export function cdist(x1: Tensor, x2: Tensor, options?: CdistOptions): Tensor {
  deviceOf('cdist', x1, x2);
  const o = checkOptions('cdist', options, ['p', 'computeMode']);
  const p = o.p ?? 2;
  if (o.computeMode !== undefined && !CDIST_MODES.includes(o.computeMode)) throw new ValueError(`cdist: ${String(o.computeMode)} is not a valid value for compute_mode`);
  for (const [name, t] of [['X1', x1], ['X2', x2]] as const) {
    if (t.ndim < 2) throw new ShapeError(`cdist: cdist only supports at least 2D tensors, ${name} got: ${t.ndim}D`);
    if (!isFloat(t.dtype)) throw new DTypeError(`cdist: cdist only supports floating-point dtypes, ${name} got: ${t.dtype}`);
  }
  if (x1.dtype !== x2.dtype) throw new DTypeError(`cdist: X1 and X2 must have the same dtype, got ${x1.dtype} and ${x2.dtype}`);
  if (typeof p !== 'number' || !(p >= 0)) throw new ValueError(`cdist: cdist only supports non-negative p values, got ${String(p)}`);
  const m1 = x1.shape[x1.ndim - 1]!;
  const m2 = x2.shape[x2.ndim - 1]!;
  if (m1 !== m2) throw new ShapeError(`cdist: X1 and X2 must have the same number of columns. X1: ${m1} X2: ${m2}`);
  broadcastShapes('cdist', x1.shape.slice(0, -2), x2.shape.slice(0, -2));
  return tidy(() => norm(sub(unsqueeze(x1, -2), unsqueeze(x2, -3)), p, -1));
}

export interface MeshgridOptions {
  indexing?: 'ij' | 'xy';
}

/**
 * Coordinate grids from 0-d or 1-d tensors (PyTorch's meshgrid): output i varies along dim i
 * ('ij', the default) or with the first two dims swapped ('xy', numpy's default). The outputs are
 * expanded views. `meshgrid(a, b, {indexing})` or `meshgrid([a, b], {indexing})`.
 */
export function meshgrid(...args: (Tensor | readonly Tensor[] | MeshgridOptions)[]): Tensor[] {
  let opts: MeshgridOptions | undefined;
  const last = args[args.length - 1];
  if (last !== undefined && !isTensor(last) && !Array.isArray(last)) {
    opts = last as MeshgridOptions;
    args = args.slice(0, -1);
  }
  const o = checkOptions('meshgrid', opts, ['indexing']);
  const indexing = o.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') throw new ValueError(`meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  const ts = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as Tensor[];
  if (ts.length === 0) throw new ValueError('meshgrid: expects a non-empty TensorList');
  for (const t of ts) if (!isTensor(t)) throw new ValueError('meshgrid: expects tensors');
  deviceOfList('meshgrid', ts);
  for (const t of ts) {
    if (t.ndim > 1) throw new ShapeError(`meshgrid: Expected 0D or 1D tensor in the tensor list but got shape ${fmtShape(t.shape)}`);
    if (t.dtype !== ts[0]!.dtype) throw new DTypeError(`meshgrid: meshgrid expects all tensors to have the same dtype, got ${ts[0]!.dtype} and ${t.dtype}`);
  }
  const sizes = ts.map((t) => t.numel());
  const swap = indexing === 'xy' && ts.length >= 2;
  const pos = ts.map((_, i) => (swap && i < 2 ? 1 - i : i));
  const shape = ts.map((_, k) => sizes[pos.indexOf(k)]!);
  return tidy(() =>
    ts.map((t, i) => {
      const view = shape.map((_, k) => (k === pos[i] ? sizes[i]! : 1));
      return expand(reshape(t, view), shape);
    }),
  );
}

/**
 * Each element repeated `repeats` times in a row along dim (PyTorch's repeat_interleave); without
 * dim, over the flattened input. repeats is a count, or an int32 tensor (0-d, or 1-d with one count
 * per entry along dim, or one count for all): the output's length is its sum, so its values are read
 * on the host (a tensor built from JS data, or a device with synchronous readback).
 */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, dim?: number | null): Tensor {
  deviceOf('repeatInterleave', x, isTensor(repeats) ? repeats : null);
  if (isTensor(repeats)) return repeatInterleaveTensor(x, repeats, dim);
  if (!Number.isInteger(repeats)) throw new ValueError(`repeatInterleave: repeats must be an integer, got ${String(repeats)}`);
  if (repeats < 0) throw new ValueError(`repeatInterleave: repeats can not be negative, got ${repeats}`);
  if (dim === undefined || dim === null) return tidy(() => repeatInterleave(flatten(x), repeats, 0));
  const d = normalizeDim('repeatInterleave', dim, x.ndim);
  if (x.ndim === 0) return tidy(() => repeatInterleave(reshape(x, [1]), repeats, 0));
  return tidy(() => {
    const u = unsqueeze(x, d + 1);
    const e = expand(u, [...x.shape.slice(0, d + 1), repeats, ...x.shape.slice(d + 1)]);
    return reshape(e, x.shape.map((s, i) => (i === d ? s * repeats : s)));
  });
}

function repeatInterleaveTensor(x: Tensor, repeats: Tensor, dim?: number | null): Tensor {
  if (repeats.dtype !== 'int32')
    throw new DTypeError(`repeatInterleave: repeats has to be an int32 tensor (PyTorch's Long), got ${repeats.dtype} of shape ${fmtShape(repeats.shape)}`);
  if (repeats.ndim > 1) throw new ShapeError(`repeatInterleave: repeats must be 0-dim or 1-dim tensor, got shape ${fmtShape(repeats.shape)}`);
  if (dim === undefined || dim === null) return tidy(() => repeatInterleaveTensor(flatten(x), repeats, 0));
  if (x.ndim === 0) return tidy(() => repeatInterleaveTensor(reshape(x, [1]), repeats, 0));
  const d = normalizeDim('repeatInterleave', dim, x.ndim);
  const n = x.shape[d]!;
  const r = hostIndices(repeats);
  if (r === null)
    throw new ValueError(`repeatInterleave: the output length is the sum of repeats (shape ${fmtShape(repeats.shape)}), which this device reads asynchronously; build repeats from JS data`);
  if (r.length !== 1 && r.length !== n)
    throw new ShapeError(`repeatInterleave: repeats must have the same size as input along dim, but got repeats.size(0) = ${r.length} and input.size(${d}) = ${n}`);
  const positions: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = r.length === 1 ? r[0]! : r[i]!;
    if (c < 0) throw new ValueError(`repeatInterleave: repeats can not be negative, got ${c}`);
    for (let k = 0; k < c; k++) positions.push(i);
  }
  return tidy(() => pick(x, d, positions));
}

/**
 * x as int32, PyTorch's `long()` under the design's narrowing of int64: float values are truncated
 * toward zero and must fit int32 (a ValueError otherwise, deferred to the next readback on devices
 * that read asynchronously); int32 is returned as is.
 */
export function toLong(x: Tensor): Tensor {
  if (x.dtype === 'int32') return x;
  if (isFloat(x.dtype))
    // biome-ignore lint/correctness/noPrecisionLoss: the nearest doubles below 2^31 and above -2^31-1 are meant (truncation bounds)
    checkValues(x, { min: -2147483648.9999998, max: 2147483647.9999998, nanFails: true }, (v) =>
      new ValueError(`long: value ${v} cannot be converted to int32 without overflow (int64 is narrowed to int32)`));
  return castTo(x, 'int32');
}
