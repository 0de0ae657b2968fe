import { kernel } from '../backend/registry.js';
import { needsGrad, record } from '../autograd/record.js';
import { isFloat } from '../dtype.js';
import { DTypeError, IndexError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { contiguousStrides, normalizeDim, splitAtDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tensor, zeros } from '../creation.js';
import { castTo } from './cast.js';
import { div, eq, logicalAnd, mul, where } from './elementwise.js';
import { indexSelect, scatterAdd } from './indexing.js';
import { type ValuesIndices, valuesIndices as withNames } from './reduce.js';
import type { ScanOp } from './table.js';
import { deviceOf, empty, rawView } from './util.js';
import { contiguous, narrow } from './view.js';

/** x as the [outer, n, inner] lines the scan and sort kernels walk along d. */
function layout(op: string, x: Tensor, d: number): [number, number, number] {
  const { outer, n, inner } = splitAtDim(op, x.shape, d);
  return [outer, n, inner];
}

function runScan(op: ScanOp, x: Tensor, d: number): Tensor {
  const backend = deviceOf(op, x);
  const c0 = contiguous(x);
  const c = !isFloat(c0.dtype) && c0.dtype !== 'int32' ? castTo(c0, 'int32') : c0;
  const out = empty(backend, x.shape, c.dtype);
  const l = layout(op, x, d);
  kernel(op, backend)(rawView(c, l, contiguousStrides(l)), rawView(out, l, contiguousStrides(l), 0));
  if (c !== c0) c.dispose();
  if (c0 !== x) c0.dispose();
  return out;
}

/** t reversed along dim d (differentiable: an index select). */
function flipDim(t: Tensor, d: number): Tensor {
  const n = t.ndim === 0 ? 1 : t.shape[d]!;
  if (n <= 1) return t;
  return tidy(() => indexSelect(t, d, tensor(Int32Array.from({ length: n }, (_, i) => n - 1 - i), { device: t.storage.backend.name })));
}

/**
 * sum over j >= i along dim: the adjoint of cumsum, as a cumsum of the
 * reversed line (PyTorch's flip-cumsum-flip). Not total - cumsum + g: that
 * cancels the head of the line against itself (a 3% error in float32 where
 * the tail is small, issue 25) and makes a whole line NaN from one infinity.
 */
function reverseCumsum(g: Tensor, d: number): Tensor {
  return tidy(() => flipDim(cumsum(flipDim(g, d), d), d));
}

export function cumsum(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('cumsum', dim, Math.max(x.ndim, 1));
  const out = runScan('cumsum', x, d);
  if (needsGrad(x)) record('cumsum', [x], [out], [], (g) => [reverseCumsum(g, d)]);
  return out;
}

export function cumprod(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('cumprod', dim, Math.max(x.ndim, 1));
  const out = runScan('cumprod', x, d);
  if (needsGrad(x)) record('cumprod', [x], [out], [x, out], (g, s) => [cumprodBackward(g, s[0]!, s[1]!, d)]);
  return out;
}

/**
 * d cumprod / dx_i = sum_{j >= i} g_j prod_{k <= j, k != i} x_k. Where x_i != 0
 * that is sum_{j >= i} g_j out_j / x_i. At the first zero of a fiber it is
 * sum_{j >= i} g_j P_j with P the cumprod of x with that zero replaced by 1;
 * at any later zero it is 0 (every product still holds the first zero).
 * Built from differentiable ops, so it can be differentiated again.
 */
function cumprodBackward(g: Tensor, x: Tensor, out: Tensor, d: number): Tensor {
  const isZero = eq(x, 0);
  const first = logicalAnd(isZero, eq(cumsum(isZero, d), 1));
  const atFirst = reverseCumsum(mul(g, cumprod(where(first, 1, x), d)), d);
  const elsewhere = div(reverseCumsum(mul(g, out), d), where(isZero, 1, x));
  return where(first, atFirst, where(isZero, 0, elsewhere));
}

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** Accepted for PyTorch compatibility: Tensile's sort is always stable. */
  stable?: boolean;
}


/** Stable sort along dim: [values, indices]; NaN sorts as the largest value, as PyTorch. */
export function sort(x: Tensor, dimOrOpts: number | SortOptions = -1, descending = false): ValuesIndices {
  const o: SortOptions = typeof dimOrOpts === 'number' ? { dim: dimOrOpts, descending } : dimOrOpts;
  for (const k of Object.keys(o)) if (!['dim', 'descending', 'stable'].includes(k)) throw new ValueError(`sort: unknown option '${k}'; valid options are dim, descending, stable`);
  const backend = deviceOf('sort', x);
  const d = normalizeDim('sort', o.dim ?? -1, Math.max(x.ndim, 1));
  const c = contiguous(x);
  const values = empty(backend, x.shape, x.dtype);
  const indices = empty(backend, x.shape, 'int32');
  const l = layout('sort', x, d);
  const st = contiguousStrides(l);
  kernel('sort', backend)(rawView(c, l, st), rawView(values, l, st, 0), rawView(indices, l, st, 0), o.descending ?? false);
  if (c !== x) c.dispose();
  if (needsGrad(x)) {
    const shape = x.shape;
    record('sort', [x], [values], [indices], (g, s) => [scatterAdd(zeros(shape, { dtype: g.dtype, device: g.device }), d, s[0]!, g)]);
  }
  return withNames(values, indices);
}

export function argsort(x: Tensor, dim = -1, descending = false): Tensor {
  normalizeDim('argsort', dim, Math.max(x.ndim, 1));
  const [v, i] = sort(x, dim, descending);
  v.dispose();
  return i;
}

export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** The k largest (or smallest) entries along dim: [values, indices]. */
export function topk(x: Tensor, k: number, dimOrOpts: number | TopkOptions = -1, largest = true): ValuesIndices {
  const o: TopkOptions = typeof dimOrOpts === 'number' ? { dim: dimOrOpts, largest } : dimOrOpts;
  for (const key of Object.keys(o)) if (!['dim', 'largest', 'sorted'].includes(key)) throw new ValueError(`topk: unknown option '${key}'; valid options are dim, largest, sorted`);
  if (x.dtype === 'bool') throw new DTypeError(`topk: not implemented for bool tensors (shape ${fmtShape(x.shape)})`);
  const d = normalizeDim('topk', o.dim ?? -1, Math.max(x.ndim, 1));
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > size) throw new IndexError(`topk: selected index k (${k}) out of range for dimension ${d} of size ${size}`);
  // A 0-d tensor is its own top 1; PyTorch also returns it (not an empty result) for k = 0.
  if (x.ndim === 0) return sort(x, d, o.largest ?? true);
  return tidy(() => {
    const [v, i] = sort(x, d, o.largest ?? true);
    return withNames(contiguous(narrow(v, d, 0, k)), contiguous(narrow(i, d, 0, k)));
  });
}
