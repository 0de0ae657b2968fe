import type { HostArray } from '../dtype.js';
import type { TensorView, ValueCheck } from '../backend/backend.js';
import { kernel } from '../backend/registry.js';
import { noGrad as noGradRun } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { isFloat } from '../dtype.js';
import { DTypeError, IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { broadcastShapes, normalizeDim, numel, shapesEqual } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { add, lt, mul, where } from './elementwise.js';
import { clone, contiguous, expand, narrow, reshape, unsqueeze } from './view.js';
import { deviceOf, empty, rawView, requireIndex } from './util.js';
import { full, zeros } from '../creation.js';

/**
 * Host values of an index tensor when they can be had without waiting on a
 * device: the copy kept from JS data, or a synchronous read on cpu-like
 * backends. Null on asynchronous devices, whose kernels flag bad indices instead.
 */
export function hostIndices(t: Tensor): HostArray | null {
  if (t._host !== null && t.storage.version === t._hostVersion && t.offset === 0 && t.isContiguous() && t._host.length === t.numel()) return t._host;
  const b = t.storage.backend;
  if (!b.syncReadback || b.readSync === undefined) return null;
  if (t.isContiguous()) return b.readSync(t.storage, t.offset, t.numel());
  const c = contiguous(t);
  const v = b.readSync(c.storage, c.offset, c.numel());
  c.dispose();
  return v;
}

/**
 * hostIndices for checks that only need the set of values: a broadcast
 * (zero-stride) dim repeats them, so it is read at size 1 (an expanded index
 * table is checked once, not once per batch row).
 */
function hostValuesOnce(t: Tensor): HostArray | null {
  let v = t;
  for (let d = 0; d < t.ndim; d++)
    if (t.strides[d] === 0 && t.shape[d]! > 1) {
      const next = narrow(v, d, 0, 1);
      if (v !== t) v.dispose();
      v = next;
    }
  try {
    return hostIndices(v);
  } finally {
    if (v !== t) v.dispose();
  }
}

/** Throws IndexError unless every index is in [lo, hi). */
export function checkIndexRange(op: string, index: Tensor, lo: number, hi: number, what: (v: number) => string): void {
  const v = hostValuesOnce(index);
  if (v === null) return;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < lo || x >= hi) throw new IndexError(`${op}: ${what(x)}`);
  }
}

/** Whether a value fails a ValueCheck. */
export function failsCheck(v: number, check: ValueCheck): boolean {
  if (Number.isNaN(v)) return check.nanFails;
  return (check.min !== undefined && v < check.min) || (check.max !== undefined && v > check.max);
}

/**
 * A value-dependent input check (probabilities in [0, 1], a non-negative
 * variance): at once where the values can be read without waiting on a
 * device, else on the device, whose next readback or ready() throws the error.
 */
export function checkValues(t: Tensor, check: ValueCheck, error: (value: number) => Error): void {
  const v = hostValuesOnce(t);
  if (v !== null) {
    for (let i = 0; i < v.length; i++) if (failsCheck(v[i]!, check)) throw error(v[i]!);
    return;
  }
  t.storage.backend.deferCheck?.(t, check, error);
}

function checkGatherShapes(op: string, x: Tensor, d: number, index: Tensor): void {
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1) && !(index.ndim === 0 && x.ndim <= 1))
    throw new ShapeError(`${op}: Index tensor must have the same number of dimensions as input tensor; index has shape ${fmtShape(index.shape)}, input ${fmtShape(x.shape)}`);
  for (let i = 0; i < index.ndim; i++)
    if (i !== d && index.shape[i]! > (x.shape[i] ?? 1))
      throw new ShapeError(
        `${op}: Size does not match at dimension ${i} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`,
      );
}

/**
 * A gather/scatter operand as kernels take it: PyTorch lets a 0-d tensor pair with a 1-d one,
 * so a 0-d operand becomes shape [1] here, once, and every kernel sees operands of one rank >= 1.
 */
const atLeast1d = (t: TensorView): TensorView => (t.shape.length === 0 ? rawView(t, [1], [1]) : t);

function gatherUnchecked(x: Tensor, d: number, index: Tensor): Tensor {
  const backend = deviceOf('gather', x, index);
  const out = empty(backend, index.shape, x.dtype);
  kernel('gather', backend)(atLeast1d(x), atLeast1d(index), d, atLeast1d(out));
  if (needsGrad(x)) {
    const inShape = x.shape;
    record('gather', [x], [out], [index], (g, s) => [gatherBackward(g, inShape, d, s[0]!)]);
  }
  return out;
}

/** gather's gradient: g summed into zeros of the input's shape at the gathered positions (no copy of the zeros). */
function gatherBackward(g: Tensor, shape: readonly number[], d: number, index: Tensor): Tensor {
  const backend = g.storage.backend;
  const out = empty(backend, shape, g.dtype);
  kernel('fill', backend)(out, 0);
  kernel('scatterAdd', backend)(atLeast1d(out), atLeast1d(index), atLeast1d(g), d);
  if (needsGrad(g)) record('gatherBackward', [g], [out], [index], (gg, s) => [gatherUnchecked(gg, d, s[0]!)]);
  return out;
}

/** out[i][j] = x[i][index[i][j]] along dim (PyTorch's torch.gather). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  deviceOf('gather', x, index);
  requireIndex('gather', index);
  const d = normalizeDim('gather', dim, Math.max(x.ndim, 1));
  checkGatherShapes('gather', x, d, index);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexRange('gather', index, 0, size, (v) => `index ${v} is out of bounds for dimension ${d} with size ${size}`);
  return gatherUnchecked(x, d, index);
}

function scatterCommon(op: 'scatter' | 'scatterAdd', x: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  const backend = deviceOf(op, x, index, src);
  const out = clone(x);
  const s = src.dtype === x.dtype ? src : castTo(src, x.dtype);
  kernel(op, backend)(atLeast1d(out), atLeast1d(index), atLeast1d(s), d);
  if (s !== src) s.dispose();
  out.storage.version++;
  return out;
}

function scatterAddUnchecked(x: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  const grad = needsGrad(x, src);
  const out = grad ? noGradRun(() => scatterCommon('scatterAdd', x, d, index, src)) : scatterCommon('scatterAdd', x, d, index, src);
  if (grad) {
    const srcShape = src.shape;
    record('scatterAdd', [x, src], [out], [index], (g, s, needs) => [needs[0] ? g : null, needs[1] ? fitTo(gatherUnchecked(g, d, s[0]!), srcShape) : null]);
  }
  return out;
}

/** Zero-pads a gradient computed on index's shape up to src's shape (src may be larger than index). */
function fitTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const z = zeros(shape, { dtype: g.dtype, device: g.device });
  let v: Tensor = z;
  for (let i = 0; i < g.ndim; i++) v = narrowView(v, i, g.shape[i]!);
  kernel('copy', g.storage.backend)(g, v);
  return z;
}

function checkScatter(op: string, x: Tensor, d: number, index: Tensor, src: Tensor | null): void {
  requireIndex(op, index);
  if (src !== null && src.dtype !== x.dtype)
    throw new DTypeError(`${op}: Expected self.dtype to be equal to src.dtype (self is ${x.dtype}, src ${src.dtype})`);
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1))
    throw new ShapeError(`${op}: Index tensor must have the same number of dimensions as self tensor; index has shape ${fmtShape(index.shape)}, self ${fmtShape(x.shape)}`);
  for (let i = 0; i < index.ndim; i++) {
    if (src !== null && index.shape[i]! > (src.shape[i] ?? 1))
      throw new ShapeError(`${op}: Expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d} and to be smaller size than src ${fmtShape(src.shape)}`);
    if (i !== d && index.shape[i]! > (x.shape[i] ?? 1))
      throw new ShapeError(`${op}: Expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`);
  }
  if (src !== null && src.ndim !== index.ndim)
    throw new ShapeError(`${op}: Index tensor must have the same number of dimensions as src tensor; index ${fmtShape(index.shape)}, src ${fmtShape(src.shape)}`);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexRange(op, index, 0, size, (v) => `index ${v} is out of bounds for dimension ${d} with size ${size}`);
}

/** out = x with out[i][index[i][j]] += src[i][j] along dim (PyTorch's scatter_add). */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  deviceOf('scatterAdd', x, index, src);
  const d = normalizeDim('scatterAdd', dim, Math.max(x.ndim, 1));
  checkScatter('scatterAdd', x, d, index, src);
  return scatterAddUnchecked(x, d, index, src);
}

function scatterUnchecked(x: Tensor, d: number, index: Tensor, src: Tensor): Tensor {
  const grad = needsGrad(x, src);
  const out = grad ? noGradRun(() => scatterCommon('scatter', x, d, index, src)) : scatterCommon('scatter', x, d, index, src);
  if (grad) {
    const srcShape = src.shape;
    record('scatter', [x, src], [out], [index], (g, s, needs) => [
      needs[0] ? scatterUnchecked(g, d, s[0]!, zeros(s[0]!.shape, { dtype: g.dtype, device: g.device })) : null,
      needs[1] ? fitTo(gatherUnchecked(g, d, s[0]!), srcShape) : null,
    ]);
  }
  return out;
}

/** out = x with out[i][index[i][j]] = src[i][j] (or a number) along dim (PyTorch's scatter). */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor {
  deviceOf('scatter', x, index, isTensor(src) ? src : null);
  const d = normalizeDim('scatter', dim, Math.max(x.ndim, 1));
  checkScatter('scatter', x, d, index, isTensor(src) ? src : null);
  if (!isTensor(src)) {
    const s = full(index.shape, src, { dtype: x.dtype, device: x.device });
    const out = scatterUnchecked(x, d, index, s);
    s.dispose();
    return out;
  }
  return scatterUnchecked(x, d, index, src);
}

/** Entries of x along dim at the positions listed in a 1-D index. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  deviceOf('indexSelect', x, index);
  requireIndex('indexSelect', index);
  if (index.ndim > 1) throw new IndexError(`indexSelect: index should have at most 1 dimension (a vector), got shape ${fmtShape(index.shape)}`);
  const d = normalizeDim('indexSelect', dim, Math.max(x.ndim, 1));
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  checkIndexRange('indexSelect', index, 0, size, (v) => `index out of range in self: index ${v} for dimension ${d} of size ${size}`);
  if (x.ndim === 0) return gatherUnchecked(x, 0, index);
  const n = index.numel();
  const viewShape = x.shape.map((_, i) => (i === d ? n : 1));
  const outShape = x.shape.map((s, i) => (i === d ? n : s));
  return tidy(() => gatherUnchecked(x, d, expand(reshape(index, viewShape), outShape)));
}

/** gather with indices broadcast against x outside dim (PyTorch's take_along_dim); no dim: over the flattened input. */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number | null): Tensor {
  deviceOf('takeAlongDim', x, indices);
  requireIndex('takeAlongDim', indices);
  if (dim === undefined || dim === null) {
    const n = x.numel();
    checkIndexRange('takeAlongDim', indices, 0, n, (v) => `index ${v} is out of bounds for the flattened input of size ${n}`);
    return tidy(() => gather(reshape(x, [-1]), 0, reshape(indices, [-1])));
  }
  const d = normalizeDim('takeAlongDim', dim, x.ndim);
  const size = x.shape[d] ?? 1;
  checkIndexRange('takeAlongDim', indices, 0, size, (v) => `index ${v} is out of bounds for dimension ${d} with size ${size}`);
  if (indices.ndim !== x.ndim)
    throw new ShapeError(`takeAlongDim: input and indices should have the same number of dimensions, but got ${x.ndim} and ${indices.ndim}`);
  const xs = x.shape.map((s, i) => (i === d ? 1 : s));
  const is = indices.shape.map((s, i) => (i === d ? 1 : s));
  const b = broadcastShapes('takeAlongDim', xs, is);
  return tidy(() => {
    const xe = expand(x, b.map((s, i) => (i === d ? x.shape[d]! : s)));
    const ie = expand(indices, b.map((s, i) => (i === d ? indices.shape[d]! : s)));
    return gather(xe, d, contiguous(ie));
  });
}

/** One-hot encoding of int32 class indices: int32 of shape [...input, numClasses]. */
export function oneHot(t: Tensor, numClasses = -1): Tensor {
  deviceOf('oneHot', t);
  if (t.dtype !== 'int32') throw new DTypeError(`oneHot: one_hot is only applicable to index tensors (int32), got ${t.dtype}`);
  const v = hostIndices(t);
  let c = numClasses;
  if (c === -1) {
    if (v === null) throw new ValueError('oneHot: numClasses must be given on a device without synchronous readback');
    if (v.length === 0) throw new ValueError('oneHot: can not infer total number of classes from empty tensor');
    c = 0;
    for (let i = 0; i < v.length; i++) c = Math.max(c, v[i]! + 1);
  } else if (!Number.isInteger(c) || c < 1) throw new ValueError(`oneHot: numClasses must be a positive integer or -1, got ${numClasses}`);
  if (v !== null)
    for (let i = 0; i < v.length; i++) {
      if (v[i]! < 0) throw new IndexError('oneHot: Class values must be non-negative.');
      if (v[i]! >= c) throw new IndexError(`oneHot: Class values must be smaller than num_classes (${c}), got ${v[i]}`);
    }
  return tidy(() => scatterUnchecked(zeros([...t.shape, c], { dtype: 'int32', device: t.device }), t.ndim, unsqueeze(t, -1), full([...t.shape, 1], 1, { dtype: 'int32', device: t.device })));
}

/** x with value wherever mask is true (mask broadcasts to x's shape). */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  deviceOf('maskedFill', x, mask, isTensor(value) ? value : null);
  if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: expected mask to be a bool tensor, got ${mask.dtype} of shape ${fmtShape(mask.shape)}`);
  const b = broadcastShapes('maskedFill', x.shape, mask.shape);
  if (!shapesEqual(b, x.shape))
    throw new ShapeError(`maskedFill: mask of shape ${fmtShape(mask.shape)} cannot be broadcast to the input's shape ${fmtShape(x.shape)}`);
  if (isTensor(value)) {
    if (value.ndim !== 0) throw new ShapeError(`maskedFill: only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s)`);
    return tidy(() => where(mask, value.dtype === x.dtype ? value : castTo(value, x.dtype), x));
  }
  const v = isFloat(x.dtype) ? value : x.dtype === 'bool' ? (value ? 1 : 0) : Math.trunc(value);
  if (isFloat(x.dtype) || x.dtype === 'int32') return tidy(() => castIfNeeded(where(mask, v, x), x));
  return tidy(() => castTo(where(mask, v, castTo(x, 'int32')), 'bool'));
}

function castIfNeeded(t: Tensor, like: Tensor): Tensor {
  return t.dtype === like.dtype ? t : castTo(t, like.dtype);
}

/** x with x[indices] = values (or += with accumulate), indices one int32 tensor per leading dim (PyTorch's index_put). */
export function indexPut(x: Tensor, indices: readonly Tensor[], values: Tensor | number, accumulate = false): Tensor {
  deviceOf('indexPut', x, isTensor(values) ? values : null);
  if (indices.length === 0 || indices.length > x.ndim)
    throw new IndexError(`indexPut: too many indices for tensor of dimension ${x.ndim} (got ${indices.length})`);
  let bshape: number[] = [];
  indices.forEach((idx, j) => {
    deviceOf('indexPut', x, idx);
    requireIndex('indexPut', idx, `indices[${j}]`);
    bshape = j === 0 ? idx.shape.slice() : broadcastShapes('indexPut', bshape, idx.shape);
    const size = x.shape[j]!;
    checkIndexRange('indexPut', idx, -size, size, (v) => `index ${v} is out of bounds for dimension ${j} with size ${size}`);
  });
  const k = indices.length;
  const rest = x.shape.slice(k);
  const R = numel(rest);
  const P = numel(x.shape.slice(0, k));
  const L = numel(bshape);
  const target = [...bshape, ...rest];
  if (isTensor(values)) broadcastShapes('indexPut', values.shape, target);
  return tidy(() => {
    let lin: Tensor | null = null;
    let stride = 1;
    for (let j = k - 1; j >= 0; j--) {
      const size = x.shape[j]!;
      const idx = indices[j]!;
      const wrapped = where(lt(idx, 0), add(idx, size), idx);
      const term = mul(expand(wrapped, bshape), stride);
      lin = lin === null ? term : add(lin, term);
      stride *= size;
    }
    const index2 = expand(reshape(lin!, [L, 1]), [L, R]);
    const vals = isTensor(values) ? (values.dtype === x.dtype ? values : castTo(values, x.dtype)) : full([], values, { dtype: x.dtype, device: x.device });
    const values2 = reshape(contiguous(expand(vals, target)), [L, R]);
    const x2 = reshape(x, [P, R]);
    const idx2 = contiguous(index2);
    const out2 = accumulate ? scatterAddUnchecked(x2, 0, idx2, values2) : scatterUnchecked(x2, 0, idx2, values2);
    return reshape(out2, x.shape);
  });
}

function narrowView(t: Tensor, d: number, len: number): Tensor {
  return narrow(t, d, 0, len);
}
