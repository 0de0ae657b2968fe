import { kernel } from '../backend/registry.js';
import { isGradEnabled, noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes, broadcastStrides, shapesEqual } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { zerosLike } from '../creation.js';
import { castTo } from './cast.js';
import { add, binary, clamp, div, mul, pow, powAsUnary, sub } from './elementwise.js';
import { maskedFill } from './indexing.js';
import type { BinaryOp } from './table.js';
import { deviceOf, rawView, type TensorOrScalar } from './util.js';
import { clone, expand } from './view.js';

type Operand = Tensor | number | boolean | null | undefined;

/**
 * In-place writes need a live tensor and, under autograd, not a leaf that requires grad, nor a
 * view of one; where the write is tracked (some operand requires grad), not a view that PyTorch
 * refuses to rebase: one made in noGrad mode, or an output of split/chunk/unbind.
 */
export function checkWritable(op: string, t: Tensor, ...others: Operand[]): void {
  t._live(op);
  if (!isGradEnabled()) return;
  const base = t._viewBase;
  if (base !== null && (base._requiresGrad || t._requiresGrad || others.some((o) => isTensor(o) && o._requiresGrad))) {
    // (A view of a disposed temporary is how composites that compute under noGrad hand back results: exempt.)
    if (t._viewCreation === 'noGrad') {
      if (!base.isDisposed)
        throw new ValueError(
        `${op}: a view was created in noGrad mode and is being modified in place with grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the in-place op either both inside the noGrad block (if you don't want the in-place op to be tracked) or both outside (if you want it tracked)`,
      );
    } else if (t._viewCreation !== null)
      throw new ValueError(
        `${op}: output of ${t._viewCreation} is a view and is being modified in place. This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified in place. You should replace the in-place operation by an out-of-place one`,
      );
    if (base._requiresGrad && base.isLeaf)
      throw new ValueError(`${op}: a view of a leaf tensor that requires grad is being used in an in-place operation; wrap it in noGrad() or use an out-of-place op`);
  }
  if (t._requiresGrad && t.isLeaf)
    throw new ValueError(`${op}: a leaf tensor that requires grad is being used in an in-place operation; wrap it in noGrad() or use an out-of-place op`);
}

/**
 * After an in-place op gave the view t a new history, its base takes it (PyTorch's CopySlices):
 * the base's gradient passes through where the view did not write, and the written part goes
 * through t's new history (the in-place op's gradient). t's history is then replayed from the base.
 */
function rebaseView(t: Tensor): void {
  const base = t._viewBase;
  if (base === null || !isGradEnabled() || t.gradFn === null) return;
  if (t._viewCreation === 'noGrad') {
    // Only a view of a disposed temporary gets here (checkWritable refuses the others): nothing
    // can read that base again, so t keeps the new history as its own and stops being a view.
    t._viewBase = null;
    t._viewFn = null;
    t._viewCreation = null;
    return;
  }
  const region = t._viewFn!;
  record('CopySlices', [base, t], [base], [], (g, _saved, needs) => [needs[0] ? withRegionZeroed(g, region) : null, needs[1] ? region(g) : null]);
  t._syncView();
}

/** g with the elements that region(g) views set to zero; differentiable (its gradient is the same map). */
function withRegionZeroed(g: Tensor, region: (t: Tensor) => Tensor): Tensor {
  const out = noGrad(() => clone(g));
  noGrad(() => {
    const r = region(out);
    kernel('fill', out.storage.backend)(r, 0);
    r.dispose();
  });
  if (needsGrad(g)) record('CopySlicesBackward', [g], [out], [], (gg) => [withRegionZeroed(gg, region)]);
  return out;
}

/**
 * Writes an out-of-place result into t and bumps t's version, so autograd can
 * catch saved tensors that changed. With autograd, t takes the result's place
 * in the graph (as PyTorch's in-place ops rebase history).
 */
function assign(op: string, t: Tensor, r: Tensor): Tensor {
  if (!shapesEqual(r.shape, t.shape)) {
    r.dispose();
    throw new ShapeError(`${op}: output with shape ${fmtShape(t.shape)} doesn't match the broadcast shape ${fmtShape(r.shape)}`);
  }
  if (r.dtype !== t.dtype && isFloat(r.dtype) && !isFloat(t.dtype)) {
    r.dispose();
    throw new DTypeError(`${op}: result type ${r.dtype} can't be cast to the desired output type ${t.dtype}`);
  }
  const src = r.dtype === t.dtype ? r : castTo(r, t.dtype);
  kernel('copy', t.storage.backend)(src, t);
  t.storage.version++;
  if (src.gradFn !== null) {
    t.gradFn = src.gradFn;
    t.outputNr = src.outputNr;
    t._requiresGrad = true;
    rebaseView(t);
  }
  if (src !== r) src.dispose();
  r.dispose();
  return t;
}

/**
 * PyTorch refuses in-place arithmetic on a view whose elements share memory (an expanded dim):
 * each write would land on every alias. (fill_, maskedFill_ and indexPut_ write one value
 * per alias and stay allowed, as there.)
 */
function checkNoInternalOverlap(op: string, t: Tensor): void {
  if (t.numel() > 0 && t.shape.some((n, d) => n > 1 && t.strides[d] === 0))
    throw new ValueError(
      `${op}: unsupported operation: more than one element of the written-to tensor (shape ${fmtShape(t.shape)}, strides ${fmtShape(t.strides)}) refers to a single memory location; clone() it first`,
    );
}

/**
 * Writes the out-of-place result of f(self) into t. Under autograd, self is a copy of t, so the
 * gradient reads t's values from before the write (PyTorch saves the original self the same way)
 * instead of failing the version check.
 */
function assignFrom(op: string, t: Tensor, needed: boolean, f: (self: Tensor) => Tensor): Tensor {
  const self = needed ? clone(t) : t;
  try {
    return assign(op, t, f(self));
  } finally {
    if (self !== t) self.dispose();
  }
}

/** The in-place form of a binary op: kernels write straight into t when no graph is needed. */
function binaryInPlace(op: BinaryOp, name: string, t: Tensor, other: TensorOrScalar, outOfPlace: (self: Tensor) => Tensor): Tensor {
  checkWritable(name, t, other);
  checkNoInternalOverlap(name, t);
  deviceOf(name, t, other);
  if (isTensor(other)) {
    const b = broadcastShapes(name, t.shape, other.shape);
    if (!shapesEqual(b, t.shape))
      throw new ShapeError(`${name}: output with shape ${fmtShape(t.shape)} doesn't match the broadcast shape ${fmtShape(b)}`);
  }
  const otherDtype = isTensor(other) ? other.dtype : Number.isInteger(other) || typeof other === 'boolean' ? t.dtype : 'float32';
  if (!isFloat(t.dtype) && (isFloat(otherDtype) || op === 'div'))
    throw new DTypeError(`${name}: result type float32 can't be cast to the desired output type ${t.dtype}`);
  const fast = !needsGrad(t, other) && t.isContiguous() && (!isTensor(other) || other.dtype === t.dtype);
  if (fast) {
    const b = isTensor(other)
      ? shapesEqual(other.shape, t.shape)
        ? other
        : rawView(other, t.shape, broadcastStrides(other.shape, other.strides, t.shape))
      : typeof other === 'boolean'
        ? Number(other)
        : other;
    const sqrtLike = op === 'pow' && isFloat(t.dtype) ? powAsUnary(b) : null;
    if (sqrtLike !== null) kernel(sqrtLike, t.storage.backend)(t, t);
    else kernel(op, t.storage.backend)(t, b, t);
    t.storage.version++;
    return t;
  }
  return assignFrom(name, t, needsGrad(t, other), outOfPlace);
}

export const add_ = (t: Tensor, other: TensorOrScalar, alpha = 1): Tensor =>
  alpha === 1 ? binaryInPlace('add', 'add_', t, other, (self) => add(self, other)) : assignScaled('add_', t, other, alpha, 1);
export const sub_ = (t: Tensor, other: TensorOrScalar, alpha = 1): Tensor =>
  alpha === 1 ? binaryInPlace('sub', 'sub_', t, other, (self) => sub(self, other)) : assignScaled('sub_', t, other, alpha, -1);
export const mul_ = (t: Tensor, other: TensorOrScalar): Tensor => binaryInPlace('mul', 'mul_', t, other, (self) => mul(self, other));
export const div_ = (t: Tensor, other: TensorOrScalar): Tensor => binaryInPlace('div', 'div_', t, other, (self) => div(self, other));
export const pow_ = (t: Tensor, other: TensorOrScalar): Tensor => binaryInPlace('pow', 'pow_', t, other, (self) => pow(self, other));

function assignScaled(name: string, t: Tensor, other: TensorOrScalar, alpha: number, sign: 1 | -1): Tensor {
  if (typeof other === 'number' || typeof other === 'boolean') return binaryInPlace('add', name, t, sign * alpha * Number(other), (self) => add(self, sign * alpha * Number(other)));
  checkWritable(name, t, other);
  deviceOf(name, t, other);
  const scaled = binary('mul', other, sign * alpha);
  try {
    return binaryInPlace('add', name, t, scaled, (self) => add(self, scaled));
  } finally {
    scaled.dispose();
  }
}

export function fill_(t: Tensor, value: number | boolean | Tensor): Tensor {
  checkWritable('fill_', t, value);
  if (isTensor(value)) {
    if (value.ndim !== 0) throw new ShapeError(`fill_: only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions`);
    return copy_(t, value);
  }
  kernel('fill', t.storage.backend)(t, typeof value === 'boolean' ? Number(value) : value);
  t.storage.version++;
  overwritten('fill_', t);
  return t;
}

/**
 * t's old values are gone, but as in PyTorch (FillBackward, CopyBackwards) its history stays in the
 * graph with a zero gradient: the leaves behind it get zeros, not null, and a saved tensor there
 * that was modified still fails backward's version check.
 */
function overwritten(op: string, t: Tensor): void {
  if (t._requiresGrad && isGradEnabled()) {
    record(op, [t], [t], [], (g) => [zerosLike(g)]);
    rebaseView(t);
  }
}

export const zero_ = (t: Tensor): Tensor => fill_(t, 0);

/** Copies src (broadcast, converted) into t. */
export function copy_(t: Tensor, src: Tensor): Tensor {
  checkWritable('copy_', t, src);
  checkNoInternalOverlap('copy_', t);
  if (src.storage.backend !== t.storage.backend) {
    const moved = (src as unknown as { to(d: string): Tensor }).to(t.device);
    try {
      return copy_(t, moved);
    } finally {
      if (moved !== src) moved.dispose();
    }
  }
  const b = broadcastShapes('copy_', t.shape, src.shape);
  if (!shapesEqual(b, t.shape))
    throw new ShapeError(`copy_: the size of src ${fmtShape(src.shape)} must be broadcastable to the destination ${fmtShape(t.shape)}`);
  if (!needsGrad(src) && src.dtype === t.dtype && (src.storage !== t.storage || shapesEqual(src.shape, t.shape))) {
    const v = shapesEqual(src.shape, t.shape) ? src : rawView(src, t.shape, broadcastStrides(src.shape, src.strides, t.shape));
    if (src.storage === t.storage) {
      const tmp = castTo(src, src.dtype);
      kernel('copy', t.storage.backend)(tmp, t);
      tmp.dispose();
    } else kernel('copy', t.storage.backend)(v, t);
    t.storage.version++;
    overwritten('copy_', t);
    return t;
  }
  const e = shapesEqual(src.shape, t.shape) ? castTo(src, t.dtype) : expand(src, t.shape);
  let c = e.dtype === t.dtype ? e : castTo(e, t.dtype);
  if (c !== e) e.dispose();
  if (c.storage === t.storage) {
    // src is a view of t: read it out before writing.
    const d = castTo(c, c.dtype);
    c.dispose();
    c = d;
  }
  if (!t._requiresGrad || !isGradEnabled()) return assign('copy_', t, c);
  // src's gradient is g; t's old history gets zeros (PyTorch's CopyBackwards), so it stays in the graph.
  try {
    kernel('copy', t.storage.backend)(c, t);
    t.storage.version++;
    record('copy_', [t, c], [t], [], (g) => [zerosLike(g), g]);
    rebaseView(t);
    return t;
  } finally {
    c.dispose();
  }
}

export function clamp_(t: Tensor, min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
  checkWritable('clamp_', t, isTensor(min) ? min : null, isTensor(max) ? max : null);
  checkNoInternalOverlap('clamp_', t);
  return assignFrom('clamp_', t, needsGrad(t, min ?? undefined, max ?? undefined), (self) => clamp(self, min, max));
}

export function maskedFill_(t: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkWritable('maskedFill_', t, isTensor(value) ? value : null);
  return assign('maskedFill_', t, maskedFill(t, mask, value));
}
