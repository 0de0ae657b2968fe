import { kernel } from '../backend/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { type DType, isFloat } from '../dtype.js';
import { DTypeError, IndexError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { contiguousStrides, normalizeDims, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { abs, div, eq, exp, isinf, log, mul, ne, pow, sqrt, sub, where, add } from './elementwise.js';
import { PRIMITIVES, type ReduceOp } from './table.js';
import { deviceOf, empty, rawView, requireFloat } from './util.js';
import { gather } from './indexing.js';
import { full } from '../creation.js';
import { contiguous, expand, narrow, permute, reshape, squeeze } from './view.js';

export type Dims = number | readonly number[] | null | undefined;
export interface ReduceOptions {
  dim?: Dims;
  keepdim?: boolean;
}

/** Accepts PyTorch's positional (dim, keepdim) or an options object. */
function parseArgs(op: string, dimOrOpts: Dims | ReduceOptions, keepdim?: boolean): { dim: Dims; keepdim: boolean } {
  if (dimOrOpts !== null && typeof dimOrOpts === 'object' && !Array.isArray(dimOrOpts)) {
    const o = dimOrOpts as ReduceOptions;
    for (const k of Object.keys(o)) if (k !== 'dim' && k !== 'keepdim') throw new ValueError(`${op}: unknown option '${k}'; valid options are dim, keepdim`);
    return { dim: o.dim, keepdim: o.keepdim ?? false };
  }
  return { dim: dimOrOpts as Dims, keepdim: keepdim ?? false };
}

function keptShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (dims.includes(i)) {
      if (keepdim) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}

/** Runs a reduce kernel over `dims`, arranging x as a contiguous [outer, r, inner] view. */
function runReduce(op: ReduceOp, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const backend = deviceOf(op, x);
  const rule = PRIMITIVES[op].dtype;
  const outDtype: DType = rule === 'index' ? 'int32' : rule === 'reduce-sum' && !isFloat(x.dtype) ? 'int32' : x.dtype;
  const shape = x.shape;
  if ((op === 'amax' || op === 'amin' || op === 'argmax' || op === 'argmin') && x.numel() === 0) {
    const zeroDim = dims.find((d) => shape[d] === 0);
    if (zeroDim !== undefined || dims.length === x.ndim)
      throw new IndexError(`${op}: Expected reduction dim ${zeroDim ?? 0} to have non-zero size; input has shape ${fmtShape(shape)}`);
  }
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1]! + 1);
  let src = x;
  let outer: number;
  let r: number;
  let inner: number;
  if (adjacent && x.isContiguous()) {
    const first = dims.length ? dims[0]! : shape.length;
    const last = dims.length ? dims[dims.length - 1]! : shape.length - 1;
    outer = numel(shape.slice(0, first));
    r = numel(shape.slice(first, last + 1));
    inner = numel(shape.slice(last + 1));
  } else {
    const kept = shape.map((_, i) => i).filter((i) => !dims.includes(i));
    const p = permute(x, [...kept, ...dims]);
    src = contiguous(p);
    if (src !== p) p.dispose();
    outer = numel(kept.map((i) => shape[i]!));
    r = numel(dims.map((i) => shape[i]!));
    inner = 1;
  }
  const outShape = keptShape(shape, dims, keepdim);
  let input = src;
  if (outDtype === 'int32' && rule === 'reduce-sum' && src.dtype !== 'int32') input = castTo(src, 'int32');
  const out = empty(backend, outShape, outDtype);
  kernel(op, backend)(rawView(input, [outer, r, inner], contiguousStrides([outer, r, inner])), rawView(out, [outer, inner], [inner, 1], 0));
  if (input !== src) input.dispose();
  if (src !== x) src.dispose();
  return out;
}

/** Sum of a (broadcast) gradient down to `shape`. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  if (dims.length === 0) return g.ndim === shape.length ? g : reshape(g, shape);
  const s = sum(g, dims, true);
  const out = reshape(s, shape);
  if (out !== s) s.dispose();
  return out;
}

/** Gradient of a reduction: g with reduced dims restored as 1s, expanded to the input shape. */
function expandBack(g: Tensor, inShape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  const k = keepdim ? g : reshape(g, keptShape(inShape, dims, true));
  return expand(k, inShape);
}

export function sum(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean): Tensor {
  const a = parseArgs('sum', dim, keepdim);
  const dims = normalizeDims('sum', a.dim, x.ndim);
  const out = runReduce('sum', x, dims, a.keepdim);
  if (needsGrad(x)) {
    const inShape = x.shape;
    record('sum', [x], [out], [], (g) => [expandBack(g, inShape, dims, a.keepdim)]);
  }
  return out;
}

export function prod(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean): Tensor {
  const a = parseArgs('prod', dim, keepdim);
  const dims = normalizeDims('prod', a.dim, x.ndim);
  const out = runReduce('prod', x, dims, a.keepdim);
  if (needsGrad(x)) {
    const inShape = x.shape;
    // The product of the other entries: out / x where x != 0 (PyTorch's formula); at a zero, the product of
    // the line's nonzero entries when it is the line's only zero, else 0 (as prod_safe_zeros_backward).
    // A 0-d tensor is its own product: the gradient is g itself, NaN and infinite values included (as PyTorch).
    if (x.ndim === 0) record('prod', [x], [out], [], (g) => [g]);
    else record('prod', [x], [out], [x, out], (g, s) => {
      const [xs, o] = s as [Tensor, Tensor];
      const back = (t: Tensor) => expandBack(t, inShape, dims, a.keepdim);
      const zero = eq(xs, 0);
      const zeros = back(sum(zero, dims, a.keepdim));
      const nonzeroProd = back(prod(where(zero, 1, xs), dims, a.keepdim));
      const others = where(zero, where(eq(zeros, 1), nonzeroProd, 0), div(back(o), xs));
      return [mul(back(g), others)];
    });
  }
  return out;
}

export function mean(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean): Tensor {
  const a = parseArgs('mean', dim, keepdim);
  if (!isFloat(x.dtype))
    throw new DTypeError(`mean: could not infer output dtype. Input dtype must be a floating point dtype, got ${x.dtype}`);
  const dims = normalizeDims('mean', a.dim, x.ndim);
  // A 0-d tensor reduced over dim 0 (or -1) has one element.
  const count = numel(dims.map((d) => x.shape[d] ?? 1));
  return tidy(() => mul(sum(x, dims, a.keepdim), 1 / count));
}

function extremum(op: 'amax' | 'amin', x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean): Tensor {
  const a = parseArgs(op, dim, keepdim);
  const dims = normalizeDims(op, a.dim, x.ndim);
  const out = runReduce(op, x, dims, a.keepdim);
  if (needsGrad(x)) {
    const inShape = x.shape;
    // Ties share the gradient evenly, as PyTorch's amax/amin.
    record(op, [x], [out], [x, out], (g, s) => {
      const [xs, o] = s as [Tensor, Tensor];
      const mask = eq(xs, expandBack(o, inShape, dims, a.keepdim));
      const count = sum(mask, dims, true);
      return [mul(div(expandBack(g, inShape, dims, a.keepdim), expand(count, inShape)), mask)];
    });
  }
  return out;
}

export const amax = (x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean) => extremum('amax', x, dim, keepdim);
export const amin = (x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean) => extremum('amin', x, dim, keepdim);

function argext(op: 'argmax' | 'argmin', x: Tensor, dim?: number | null, keepdim = false): Tensor {
  if (dim === undefined || dim === null) {
    const flat = reshape(x, [-1]);
    const out = runReduce(op, flat, [0], false);
    if (flat !== x) flat.dispose();
    if (keepdim) {
      const k = reshape(out, x.shape.map(() => 1));
      out.dispose();
      return k;
    }
    return out;
  }
  const dims = normalizeDims(op, dim, x.ndim);
  return runReduce(op, x, dims, keepdim);
}

export const argmax = (x: Tensor, dim?: number | null, keepdim?: boolean) => argext('argmax', x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number | null, keepdim?: boolean) => argext('argmin', x, dim, keepdim);

/** PyTorch's (values, indices) named tuple: `.values`/`.indices`, or destructure `const [v, i] = ...`. */
export class ValuesIndices {
  readonly 0: Tensor;
  readonly 1: Tensor;
  readonly length = 2;
  constructor(
    readonly values: Tensor,
    readonly indices: Tensor,
  ) {
    this[0] = values;
    this[1] = indices;
  }
  *[Symbol.iterator](): Iterator<Tensor> {
    yield this.values;
    yield this.indices;
  }
}

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return new ValuesIndices(values, indices);
}

function maxmin(which: 'max' | 'min', x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) return extremum(which === 'max' ? 'amax' : 'amin', x);
  const idx = argext(which === 'max' ? 'argmax' : 'argmin', x, dim, true);
  const values = gather(x, dim, idx);
  if (keepdim) return valuesIndices(values, idx);
  const v = squeeze(values, dim);
  const i = squeeze(idx, dim);
  values.dispose();
  idx.dispose();
  return valuesIndices(v, i);
}

/** max of all elements, or [values, indices] along dim (the first maximum gets the gradient). */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices {
  return maxmin('max', x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices {
  return maxmin('min', x, dim, keepdim);
}

/** log(sum(exp(x))) over dims, computed stably. */
export function logsumexp(x: Tensor, dim?: Dims | ReduceOptions, keepdim?: boolean): Tensor {
  const a = parseArgs('logsumexp', dim, keepdim);
  const dims = normalizeDims('logsumexp', a.dim, x.ndim);
  // As PyTorch 1.13: integer and bool inputs compute in float32.
  if (!isFloat(x.dtype)) return tidy(() => logsumexp(castTo(x, 'float32'), dims, a.keepdim));
  const out = noGrad(() =>
    tidy(() => {
      if (x.numel() === 0) return log(sum(exp(x), dims, a.keepdim));
      const mm = amax(x, dims, true);
      const m = where(isinf(mm), 0, mm);
      const o = add(log(sum(exp(sub(x, m)), dims, true)), m);
      return a.keepdim ? o : squeeze(o, dims);
    }),
  );
  if (needsGrad(x)) {
    // PyTorch's logsumexp_backward: g * exp(x - out). It saves the output, so an in-place write to
    // the result fails backward's version check, as there.
    const inShape = x.shape;
    record('logsumexp', [x], [out], [x, out], (g, s) => {
      const [xs, o] = s as [Tensor, Tensor];
      const back = (t: Tensor) => expandBack(t, inShape, dims, a.keepdim);
      return [mul(back(g), exp(sub(xs, back(o))))];
    });
  }
  return out;
}

export interface VarOptions extends ReduceOptions {
  /** Degrees of freedom subtracted from the count (default 1, Bessel's correction). */
  correction?: number;
  /** Legacy form of correction: true is 1, false is 0. */
  unbiased?: boolean;
}

function varArgs(op: string, dimOrOpts?: Dims | VarOptions, opts?: VarOptions | boolean): { dim: Dims; keepdim: boolean; correction: number } {
  let o: VarOptions;
  if (dimOrOpts !== null && typeof dimOrOpts === 'object' && !Array.isArray(dimOrOpts)) o = dimOrOpts as VarOptions;
  else o = { dim: dimOrOpts as Dims, ...(typeof opts === 'boolean' ? { unbiased: opts } : (opts ?? {})) };
  for (const k of Object.keys(o))
    if (!['dim', 'keepdim', 'correction', 'unbiased'].includes(k)) throw new ValueError(`${op}: unknown option '${k}'; valid options are dim, keepdim, correction, unbiased`);
  const correction = o.correction ?? (o.unbiased === false ? 0 : 1);
  return { dim: o.dim, keepdim: o.keepdim ?? false, correction };
}

/**
 * x minus its mean over dims, computed on x shifted by its first element there (outside
 * autograd; the result does not depend on the shift): equal values give exactly 0, as
 * PyTorch's Welford variance does, even where a backend's float32 mean rounds.
 */
function centred(x: Tensor, dims: readonly number[]): Tensor {
  return tidy(() => {
    if (x.numel() === 0) return sub(x, mean(x, dims, true));
    const first = noGrad(() => dims.reduce((t, d) => narrow(t, d, 0, 1), x));
    const s = sub(x, first);
    return sub(s, mean(s, dims, true));
  });
}

/** Variance over dims with Bessel's correction by default (PyTorch's var). */
export function variance(x: Tensor, dim?: Dims | VarOptions, opts?: VarOptions | boolean): Tensor {
  return varianceOf('var', x, dim, opts).out;
}

function varianceOf(op: 'var' | 'std', x: Tensor, dim?: Dims | VarOptions, opts?: VarOptions | boolean): { out: Tensor; dims: number[]; keepdim: boolean; divisor: number } {
  const a = varArgs(op, dim, opts);
  requireFloat(op, x);
  const dims = normalizeDims(op, a.dim, x.ndim);
  const n = numel(dims.map((d) => x.shape[d] ?? 1));
  const divisor = Math.max(0, n - a.correction);
  const out = tidy(() => {
    const d = centred(x, dims);
    return div(sum(mul(d, d), dims, a.keepdim), divisor);
  });
  return { out, dims, keepdim: a.keepdim, divisor };
}

/**
 * sqrt(var), with PyTorch's gradient: g / (2 std) through var's, and 0 where
 * std is 0 (a constant line), where sqrt's own gradient would make it NaN.
 */
export function std(x: Tensor, dim?: Dims | VarOptions, opts?: VarOptions | boolean): Tensor {
  const { out: v, dims, keepdim, divisor } = noGrad(() => varianceOf('std', x, dim, opts));
  const out = noGrad(() => sqrt(v));
  v.dispose();
  if (needsGrad(x)) {
    const inShape = x.shape;
    record('std', [x], [out], [x, out], (g, s) => {
      const [xs, o] = s as [Tensor, Tensor];
      const gv = where(eq(o, 0), 0, div(g, mul(o, 2)));
      return [mul(expandBack(gv, inShape, dims, keepdim), mul(centred(xs, dims), 2 / divisor))];
    });
  }
  return out;
}

/** Vector p-norm over dims (all by default); p may be a number, Infinity or -Infinity. */
export function norm(x: Tensor, p: number | 'fro' | null = 2, dim?: Dims, keepdim = false): Tensor {
  requireFloat('norm', x);
  const pp = p === 'fro' || p === null ? 2 : p;
  if (typeof pp !== 'number' || Number.isNaN(pp)) throw new ValueError(`norm: invalid p ${String(p)}`);
  const dims = normalizeDims('norm', dim, x.ndim);
  return tidy(() => {
    if (pp === Infinity) return amax(abs(x), dims, keepdim);
    if (pp === -Infinity) return amin(abs(x), dims, keepdim);
    if (pp === 1) return sum(abs(x), dims, keepdim);
    if (pp === 0) {
      const count = noGrad(() => castTo(sum(ne(x, 0), dims, keepdim), x.dtype));
      // As PyTorch: the count is part of the graph (it requires grad), with a zero gradient.
      if (needsGrad(x)) {
        const [shape, dtype, device] = [x.shape, x.dtype, x.device];
        record('norm', [x], [count], [], () => [full(shape, 0, { dtype, device })]);
      }
      return count;
    }
    const out = noGrad(() => (pp === 2 ? sqrt(sum(mul(x, x), dims, keepdim)) : pow(sum(pow(abs(x), pp), dims, keepdim), 1 / pp)));
    if (needsGrad(x)) {
      const inShape = x.shape;
      // d|x|_p = x |x|^(p-2) / |x|_p^(p-1), and 0 where the norm is 0 (as PyTorch).
      record('norm', [x], [out], [x, out], (g, s) => {
        const [xs, o] = s as [Tensor, Tensor];
        const ok = expandBack(o, inShape, dims, keepdim);
        const gk = expandBack(g, inShape, dims, keepdim);
        const scale = pp === 2 ? div(xs, ok) : div(mul(xs, pow(abs(xs), pp - 2)), pow(ok, pp - 1));
        return [where(eq(ok, 0), 0, mul(gk, scale))];
      });
    }
    return out;
  });
}

export function all(x: Tensor, dim?: number, keepdim = false): Tensor {
  const n = numelOf('all', x, dim);
  return tidy(() => eq(sum(ne(x, 0), dim ?? null, keepdim), n));
}

export function any(x: Tensor, dim?: number, keepdim = false): Tensor {
  numelOf('any', x, dim);
  return tidy(() => ne(sum(ne(x, 0), dim ?? null, keepdim), 0));
}

/** The count along dim (all of x without one), checking dim in op's name. */
function numelOf(op: string, x: Tensor, dim?: number | null): number {
  if (dim === undefined || dim === null) return x.numel();
  return x.shape[normalizeDims(op, dim, x.ndim)[0]!] ?? 1;
}
