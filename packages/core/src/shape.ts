import { IndexError, ShapeError, ValueError, fmtShape } from './errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when a view with these shape/strides covers its elements in row-major order. */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && strides[i] !== s) return false;
    s *= d;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  if (shapesEqual(a, b)) return a as number[];
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new ShapeError(
        `${op}: the size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}; shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast`,
      );
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `target` shape (stride 0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const n = target.length;
  const out = new Array<number>(n);
  const off = n - shape.length;
  for (let i = 0; i < n; i++) {
    if (i < off) out[i] = 0;
    else out[i] = shape[i - off] === 1 && target[i] !== 1 ? 0 : strides[i - off]!;
  }
  return out;
}

export function normalizeDim(op: string, dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim))
    throw new ValueError(`${op}: dim must be an integer, got ${String(dim)}`);
  if (dim < lo || dim > hi)
    throw new IndexError(
      `${op}: Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`,
    );
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/**
 * A contiguous shape seen as [outer, n, inner] around dim (checked, negative
 * dims count from the end; a 0-d shape is one line of one): how kernels that
 * work along one dim (softmax and its gradient) walk it.
 */
export function splitAtDim(op: string, shape: readonly number[], dim: number): { outer: number; n: number; inner: number } {
  const d = normalizeDim(op, dim, shape.length);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i]!;
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, n: shape.length === 0 ? 1 : shape[d]!, inner };
}

/** Normalizes one dim or a list of dims; `undefined`/empty list means every dim. Rejects repeats. */
export function normalizeDims(op: string, dim: number | readonly number[] | undefined | null, ndim: number): number[] {
  if (dim === undefined || dim === null) return range(ndim);
  const list = typeof dim === 'number' ? [dim] : dim;
  if (list.length === 0) return range(ndim);
  const out: number[] = [];
  for (const d of list) {
    const nd = normalizeDim(op, d, ndim);
    if (out.includes(nd)) throw new ValueError(`${op}: dim ${nd} appears multiple times in the list of dims`);
    out.push(nd);
  }
  return out.sort((x, y) => x - y);
}

export function range(n: number): number[] {
  const r = new Array<number>(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}

export function checkShape(op: string, shape: readonly unknown[]): number[] {
  for (const d of shape)
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0)
      throw new ValueError(`${op}: sizes must be non-negative integers, got ${fmtShape(shape as number[])}`);
  return shape as number[];
}

/** Resolves a single -1 in a requested shape against a number of elements. */
export function inferShape(op: string, requested: readonly number[], total: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < requested.length; i++) {
    const d = requested[i]!;
    if (d === -1) {
      if (infer >= 0) throw new ValueError(`${op}: only one dimension can be inferred`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(`${op}: invalid shape dimension ${d}`);
    } else known *= d;
  }
  const out = requested.slice();
  if (infer >= 0) {
    if (known === 0 || total % known !== 0)
      throw new ShapeError(`${op}: shape '${fmtShape(requested)}' is invalid for input of size ${total}`);
    out[infer] = total / known;
  } else if (known !== total) {
    throw new ShapeError(`${op}: shape '${fmtShape(requested)}' is invalid for input of size ${total}`);
  }
  return out;
}

/**
 * Strides for viewing a tensor under a new shape without copying, or null when
 * the memory layout does not allow it (PyTorch's computeStride).
 */
export function viewStrides(oldShape: Shape, oldStrides: readonly number[], newShape: Shape): number[] | null {
  if (isContiguous(oldShape, oldStrides)) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length);
  if (numel(oldShape) === 0) return contiguousStrides(newShape);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let tensorD = oldShape.length - 1; tensorD >= 0; tensorD--) {
    tensorNumel *= oldShape[tensorD]!;
    if (tensorD === 0 || (oldShape[tensorD - 1] !== 1 && oldStrides[tensorD - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (tensorD > 0) {
        chunkBase = oldStrides[tensorD - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

/**
 * Merges adjacent dims that are laid out as one in every operand
 * (stride[i] == stride[i+1] * shape[i+1]) and drops size-1 dims, so strided
 * loops and kernels run over as few dims as possible. Always returns at least one dim.
 */
export function collapseDims(shape: Shape, stridesList: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && stridesList.every((s, i) => outStrides[i]![last] === s[d]! * size)) {
      outShape[last] = outShape[last]! * size;
      stridesList.forEach((s, i) => (outStrides[i]![last] = s[d]!));
    } else {
      outShape.push(size);
      stridesList.forEach((s, i) => outStrides[i]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(1));
  }
  return { shape: outShape, strides: outStrides };
}
