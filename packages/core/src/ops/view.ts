import { kernel } from '../backend/registry.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { needsGrad, needsGradList, record } from '../autograd/record.js';
import { promoteTypes } from '../dtype.js';
import { IndexError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { checkShape, contiguousStrides, inferShape, normalizeDim, numel, shapesEqual, viewStrides } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumTo } from './reduce.js';
import { deviceOf, deviceOfList, empty, rawView } from './util.js';

function makeView(x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.storage, shape, strides, offset);
}

/**
 * Records a view op whose gradient is computed by `back` from the output gradient, and links the
 * view to its base: `replay(t)` makes the same view of t (so that an in-place write through the
 * view can rebase the base's history, and the view's history can be replayed from the base).
 */
function viewOp(name: string, x: Tensor, out: Tensor, back: (g: Tensor) => Tensor, replay: (t: Tensor) => Tensor): Tensor {
  if (needsGrad(x)) record(name, [x], [out], [], (g) => [back(g)]);
  linkView(x, out, replay);
  return out;
}

function linkView(x: Tensor, out: Tensor, replay: (t: Tensor) => Tensor): void {
  const base = x._viewBase;
  if (base === null) {
    out._viewBase = x;
    out._viewFn = replay;
  } else {
    const parent = x._viewFn!;
    out._viewBase = base;
    out._viewFn = (b) => {
      const p = parent(b);
      const r = replay(p);
      if (r !== p) p.dispose();
      return r;
    };
  }
  out._viewVersion = out.storage.version;
  // As PyTorch's creation meta: a view of a special view is special too.
  out._viewCreation = x._viewCreation ?? (isGradEnabled() ? null : 'noGrad');
}

/** Marks the outputs of a view op with several outputs (split, chunk, unbind): PyTorch forbids writing them in place under autograd. */
function multiOutput(pieces: Tensor[], node: string): Tensor[] {
  if (isGradEnabled()) for (const p of pieces) if (p._viewCreation === null) p._viewCreation = node;
  return pieces;
}

/** Not a view: cut from the base it was made from (reshape that had to copy). */
function unlinkView(t: Tensor): Tensor {
  t._viewBase = null;
  t._viewFn = null;
  t._viewCreation = null;
  return t;
}

function sizesArg(args: readonly (number | readonly number[])[]): number[] {
  return (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
}

/** Same data under a new shape; a view when the layout allows, else a copy (PyTorch's reshape). */
export function reshape(x: Tensor, ...shapeArgs: (number | readonly number[])[]): Tensor {
  x._live('reshape');
  const shape = inferShape('reshape', sizesArg(shapeArgs), x.numel());
  const strides = viewStrides(x.shape, x.strides, shape);
  if (strides !== null) {
    const inShape = x.shape;
    return viewOp('reshape', x, makeView(x, shape, strides, x.offset), (g) => reshape(g, inShape), (b) => reshape(b, shape));
  }
  const c = contiguous(x);
  const out = reshape(c, shape);
  c.dispose();
  return unlinkView(out);
}

/** A view under a new shape; fails when the layout does not allow one (PyTorch's view). */
export function view(x: Tensor, ...shapeArgs: (number | readonly number[])[]): Tensor {
  x._live('view');
  const shape = inferShape('view', sizesArg(shapeArgs), x.numel());
  const strides = viewStrides(x.shape, x.strides, shape);
  if (strides === null)
    throw new ShapeError(
      `view: view size ${fmtShape(shape)} is not compatible with input tensor's size ${fmtShape(x.shape)} and stride ${fmtShape(x.strides)} (at least one dimension spans across two contiguous subspaces); use reshape() instead`,
    );
  const inShape = x.shape;
  // Replayed as reshape: the same view wherever the layout allows one (a gradient may be laid out otherwise).
  return viewOp('view', x, makeView(x, shape, strides, x.offset), (g) => reshape(g, inShape), (b) => reshape(b, shape));
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  x._live('flatten');
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new ValueError(`flatten: startDim ${startDim} cannot come after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim('unflatten', dim, x.ndim);
  const inner = inferShape('unflatten', sizes, x.shape[d]!);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

export function permute(x: Tensor, ...dimsArgs: (number | readonly number[])[]): Tensor {
  x._live('permute');
  const dims = sizesArg(dimsArgs);
  if (dims.length !== x.ndim)
    throw new ShapeError(`permute: number of dims don't match: got ${dims.length} dims for a tensor of shape ${fmtShape(x.shape)}`);
  const nd = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(nd).size !== nd.length) throw new ValueError(`permute: repeated dim in ${fmtShape(dims)}`);
  const inverse = new Array<number>(nd.length);
  nd.forEach((d, i) => (inverse[d] = i));
  const out = makeView(x, nd.map((d) => x.shape[d]!), nd.map((d) => x.strides[d]!), x.offset);
  return viewOp('permute', x, out, (g) => permute(g, inverse), (b) => permute(b, nd));
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  x._live('transpose');
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  if (x.ndim < 2 && a === b) return alias(x);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  [strides[a], strides[b]] = [strides[b]!, strides[a]!];
  return viewOp('transpose', x, makeView(x, shape, strides, x.offset), (g) => transpose(g, a, b), (v) => transpose(v, a, b));
}

/** Transpose of a tensor with at most 2 dims (PyTorch's `t()`). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ShapeError(`t: expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return x.ndim < 2 ? alias(x) : transpose(x, 0, 1);
}

function alias(x: Tensor): Tensor {
  return viewOp('alias', x, makeView(x, x.shape, x.strides, x.offset), (g) => g, alias);
}

export function expand(x: Tensor, ...sizeArgs: (number | readonly number[])[]): Tensor {
  x._live('expand');
  const sizes = sizesArg(sizeArgs);
  if (sizes.length < x.ndim)
    throw new ShapeError(`expand: the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  const off = sizes.length - x.ndim;
  const shape = new Array<number>(sizes.length);
  const strides = new Array<number>(sizes.length);
  for (let i = 0; i < sizes.length; i++) {
    const want = sizes[i]!;
    if (i < off) {
      if (want < 0) throw new ShapeError(`expand: the expanded size of the tensor (${want}) isn't allowed in a leading, non-existing dimension ${i}`);
      shape[i] = want;
      strides[i] = 0;
      continue;
    }
    const have = x.shape[i - off]!;
    if (want === -1 || want === have) {
      shape[i] = have;
      strides[i] = x.strides[i - off]!;
    } else if (have === 1) {
      shape[i] = want;
      strides[i] = 0;
    } else
      throw new ShapeError(
        `expand: the expanded size of the tensor (${want}) must match the existing size (${have}) at non-singleton dimension ${i}.  Target sizes: ${fmtShape(sizes)}.  Tensor sizes: ${fmtShape(x.shape)}`,
      );
  }
  checkShape('expand', shape);
  const inShape = x.shape;
  return viewOp('expand', x, makeView(x, shape, strides, x.offset), (g) => sumTo(g, inShape), (b) => expand(b, shape));
}

export function expandAs(x: Tensor, other: Tensor): Tensor {
  return expand(x, other.shape);
}

export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  x._live('squeeze');
  let drop: number[];
  if (dim === undefined) drop = x.shape.flatMap((s, i) => (s === 1 ? [i] : []));
  else {
    const dims = typeof dim === 'number' ? [dim] : dim;
    drop = dims.map((d) => normalizeDim('squeeze', d, x.ndim)).filter((d) => x.shape[d] === 1);
  }
  if (x.ndim === 0) drop = [];
  const shape = x.shape.filter((_, i) => !drop.includes(i));
  const strides = x.strides.filter((_, i) => !drop.includes(i));
  const inShape = x.shape;
  return viewOp('squeeze', x, makeView(x, shape, strides, x.offset), (g) => reshape(g, inShape), (b) => reshape(b, shape));
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  x._live('unsqueeze');
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  const st = d < x.ndim ? x.shape[d]! * x.strides[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  return viewOp('unsqueeze', x, makeView(x, shape, strides, x.offset), (g) => squeeze(g, d), (b) => unsqueeze(b, d));
}

/**
 * The gradient of a view that selects part of its base: zeros of the base's
 * shape with `g` written into the same selection. Differentiable: its own
 * gradient is the selection again.
 */
function embedInto(g: Tensor, baseShape: readonly number[], select: (t: Tensor) => Tensor): Tensor {
  const backend = deviceOf('embed', g);
  const out = empty(backend, baseShape, g.dtype);
  const k = kernel('fill', backend);
  k(out, 0);
  const dst = noGrad(() => select(out));
  kernel('copy', backend)(g, dst);
  dst.dispose();
  if (needsGrad(g)) record('sliceBackward', [g], [out], [], (gg) => [select(gg)]);
  return out;
}

/** Elements start..start+length-1 along dim, as a view. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  x._live('narrow');
  if (x.ndim === 0) throw new ShapeError('narrow: cannot be applied to a 0-dim tensor');
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  // As PyTorch: start may be the size itself (an empty piece at the end); else it must index the dim.
  if (!Number.isInteger(s) || s < 0 || s > size)
    throw new IndexError(`narrow: start (${start}) is out of range for dimension ${dim} of size ${size} (expected to be in range of [${-size}, ${size}])`);
  if (!Number.isInteger(length) || length < 0 || s + length > size)
    throw new ShapeError(`narrow: start (${start}) + length (${length}) exceeds dimension size (${size})`);
  const shape = x.shape.slice();
  shape[d] = length;
  const out = makeView(x, shape, x.strides, x.offset + s * x.strides[d]!);
  const inShape = x.shape;
  return viewOp('narrow', x, out, (g) => embedInto(g, inShape, (z) => narrow(z, d, s, length)), (b) => narrow(b, d, s, length));
}

/** Python-style slice start:end:step along dim (negative start/end count from the end; step > 0). */
export function slice(x: Tensor, dim: number, start: number | null = 0, end: number | null = null, step = 1): Tensor {
  x._live('slice');
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(`slice: step must be a positive integer, got ${step}`);
  const size = x.shape[d]!;
  const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = clampIdx(start ?? 0);
  const e = Math.max(clampIdx(end ?? size), s);
  const len = Math.ceil((e - s) / step);
  const shape = x.shape.slice();
  const strides = x.strides.slice();
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  const out = makeView(x, shape, strides, x.offset + s * x.strides[d]!);
  const inShape = x.shape;
  return viewOp('slice', x, out, (g) => embedInto(g, inShape, (z) => slice(z, d, s, e, step)), (b) => slice(b, d, s, e, step));
}

/** The index-th entry along dim, removing that dim (PyTorch's `select`, `x[:, i]`). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  x._live('select');
  if (x.ndim === 0) throw new IndexError('select: cannot be applied to a 0-dim tensor');
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  const i = index < 0 ? index + size : index;
  if (!Number.isInteger(i) || i < 0 || i >= size)
    throw new IndexError(`select: index ${index} out of range for tensor of size ${fmtShape(x.shape)} at dimension ${dim}`);
  const shape = x.shape.filter((_, j) => j !== d);
  const strides = x.strides.filter((_, j) => j !== d);
  const out = makeView(x, shape, strides, x.offset + i * x.strides[d]!);
  const inShape = x.shape;
  return viewOp('select', x, out, (g) => embedInto(g, inShape, (z) => select(z, d, i)), (b) => select(b, d, i));
}

/** A contiguous copy (always new storage). */
export function clone(x: Tensor): Tensor {
  const backend = deviceOf('clone', x);
  const out = empty(backend, x.shape, x.dtype);
  kernel('copy', backend)(x, out);
  if (needsGrad(x)) record('clone', [x], [out], [], (g) => [g]);
  return out;
}

/** x itself when already contiguous, else a contiguous copy (PyTorch's `contiguous()`). */
export function contiguous(x: Tensor): Tensor {
  x._live('contiguous');
  return x.isContiguous() ? x : clone(x);
}

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError('cat: expected a non-empty list of tensors');
  const backend = deviceOfList('cat', tensors);
  tensors.forEach((t, i) => {
    if (t.ndim === 0) throw new ShapeError(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  // As PyTorch (legacy): a 1-d empty tensor is skipped, whatever the shapes of the others; it only takes part in the dtype.
  const skipped = (t: Tensor) => t.ndim === 1 && t.shape[0] === 0;
  const first = tensors.find((t) => !skipped(t)) ?? tensors[0]!;
  const d = normalizeDim('cat', dim, first.ndim);
  let dtype = tensors[0]!.dtype;
  let total = 0;
  tensors.forEach((t, i) => {
    dtype = promoteTypes(dtype, t.dtype);
    if (skipped(t) && t !== first) return;
    if (t.ndim !== first.ndim)
      throw new ShapeError(`cat: tensors must have same number of dimensions: got ${first.ndim} and ${t.ndim} (tensor number ${i})`);
    for (let j = 0; j < t.ndim; j++)
      if (j !== d && t.shape[j] !== first.shape[j])
        throw new ShapeError(
          `cat: Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[j]} but got size ${t.shape[j]} for tensor number ${i} in the list.`,
        );
    total += t.shape[d]!;
  });
  const shape = first.shape.slice();
  shape[d] = total;
  const out = empty(backend, shape, dtype);
  const copyK = kernel('copy', backend);
  const outStrides = contiguousStrides(shape);
  let pos = 0;
  for (const t of tensors) {
    if (skipped(t) && t !== first) continue;
    const len = t.shape[d]!;
    const dst = rawView(out, t.shape, outStrides, pos * outStrides[d]!);
    copyK(t, dst);
    pos += len;
  }
  if (needsGradList(tensors)) {
    const lens = tensors.map((t) => (skipped(t) && t !== first ? null : t.shape[d]!));
    record('cat', tensors, [out], [], (g) => {
      let p = 0;
      return lens.map((len) => {
        if (len === null) return reshape(narrow(g, d, 0, 0), [0]);
        const piece = narrow(g, d, p, len);
        p += len;
        return piece;
      });
    });
  }
  return out;
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ValueError('stack: expected a non-empty list of tensors');
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape))
      throw new ShapeError(`stack: expects each tensor to be equal size, but got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`);
  });
  const d = normalizeDim('stack', dim, first.ndim + 1);
  const parts = tensors.map((t) => unsqueeze(t, d));
  const out = cat(parts, d);
  for (const p of parts) p.dispose();
  return out;
}

/** Splits into pieces of `size` (or the listed sizes) along dim, as views. */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!Number.isInteger(sizeOrSections) || sizeOrSections <= 0) throw new ValueError(`split: split size must be a positive integer, got ${sizeOrSections}`);
    sizes = [];
    for (let p = 0; p < n; p += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - p));
    if (n === 0) sizes = [0];
  } else {
    sizes = sizeOrSections.slice();
    if (sizes.reduce((a, b) => a + b, 0) !== n)
      throw new ShapeError(`split: split sizes ${fmtShape(sizes)} don't sum to the size ${n} of dimension ${d}`);
  }
  let p = 0;
  const pieces = sizes.map((len) => {
    const piece = narrow(x, d, p, len);
    p += len;
    return piece;
  });
  return multiOutput(pieces, typeof sizeOrSections === 'number' ? 'SplitBackward0' : 'SplitWithSizesBackward0');
}

export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  const d = normalizeDim('chunk', dim, x.ndim);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.max(1, Math.ceil(x.shape[d]! / chunks)), d);
}


/**
 * The diagonal of the (dim1, dim2) planes as a view, appended as the last dim; offset > 0 above
 * the main diagonal, < 0 below (PyTorch's diagonal).
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  x._live('diagonal');
  if (!Number.isInteger(offset)) throw new ValueError(`diagonal: offset must be an integer, got ${offset}`);
  const a = normalizeDim('diagonal', dim1, x.ndim);
  const b = normalizeDim('diagonal', dim2, x.ndim);
  if (a === b) throw new ValueError(`diagonal: diagonal dimensions cannot be identical ${dim1}, ${dim2}`);
  const s1 = x.shape[a]!;
  const s2 = x.shape[b]!;
  const size = Math.max(0, offset >= 0 ? Math.min(s1, s2 - offset) : Math.min(s1 + offset, s2));
  const start = size === 0 ? 0 : offset >= 0 ? offset * x.strides[b]! : -offset * x.strides[a]!;
  const shape = [...x.shape.filter((_, i) => i !== a && i !== b), size];
  const strides = [...x.strides.filter((_, i) => i !== a && i !== b), x.strides[a]! + x.strides[b]!];
  const inShape = x.shape;
  return viewOp(
    'diagonal',
    x,
    makeView(x, shape, strides, x.offset + start),
    (g) => embedInto(g, inShape, (z) => diagonal(z, offset, a, b)),
    (v) => diagonal(v, offset, a, b),
  );
}

/** The slices along dim, each without that dim, as views (PyTorch's unbind). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  x._live('unbind');
  if (x.ndim === 0) throw new IndexError('unbind: Dimension specified as 0 but tensor has no dimensions');
  const d = normalizeDim('unbind', dim, x.ndim);
  return multiOutput(Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i)), 'UnbindBackward0');
}

/**
 * The tensor tiled `repeats[i]` times along each dim (PyTorch's repeat, numpy's tile); more repeats
 * than dims add leading dims. Built from expand and reshape, so the gradient sums the tiles.
 */
export function repeat(x: Tensor, ...repeatArgs: (number | readonly number[])[]): Tensor {
  x._live('repeat');
  const reps = sizesArg(repeatArgs);
  if (reps.length < x.ndim)
    throw new ShapeError(
      `repeat: Number of dimensions of repeat dims (${reps.length}) can not be smaller than number of dimensions of tensor (${x.ndim}); got repeats ${fmtShape(reps)} for shape ${fmtShape(x.shape)}`,
    );
  for (const r of reps)
    if (!Number.isInteger(r) || r < 0) throw new ShapeError(`repeat: Trying to create tensor with negative dimension ${r}: repeats ${fmtShape(reps)}`);
  const lead = reps.length - x.ndim;
  const base = [...new Array<number>(lead).fill(1), ...x.shape];
  const interleaved = base.flatMap((s) => [1, s]);
  const tiled = base.flatMap((s, i) => [reps[i]!, s]);
  const a = reshape(x, interleaved);
  const e = expand(a, tiled);
  const out = reshape(e, base.map((s, i) => s * reps[i]!));
  if (e !== out) e.dispose();
  if (a !== x && a !== out) a.dispose();
  return out;
}

/** The last two dims swapped (PyTorch's `mT`); needs at least 2 dims. */
export function matrixTranspose(x: Tensor): Tensor {
  if (x.ndim < 2) throw new ShapeError(`mT: tensor.mT is only supported on matrices or batches of matrices. Got ${x.ndim}-D tensor of shape ${fmtShape(x.shape)}`);
  return transpose(x, -2, -1);
}
