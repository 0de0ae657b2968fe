import { fusedKernelCall } from '../backend/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { normalizeDim, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, eq, exp, log, mul, sub, where } from './elementwise.js';
import { amax, logsumexp, sum } from './reduce.js';
import { empty, requireFloat } from './util.js';
import { contiguous } from './view.js';

/**
 * The max along dim (kept), outside autograd: the shift that keeps exp() in
 * range. 0 only where the max is -inf (a line of -inf, whose softmax is then
 * 0 / 0 = NaN as PyTorch's); a +inf max is subtracted as PyTorch does, so
 * inf - inf makes that whole line NaN.
 */
function maxShift(x: Tensor, d: number): Tensor {
  return noGrad(() => {
    const mm = amax(x, d, true);
    return where(eq(mm, -Infinity), 0, mm);
  });
}

/**
 * A backend's fused kernel for softmax/logSoftmax, when it registered one
 * (float32 inputs). Its gradient is the composite's own formula, written with
 * differentiable ops, so the fused forward still differentiates twice.
 */
function viaFused(op: 'softmax' | 'logSoftmax', x: Tensor, d: number): Tensor | null {
  if (x.dtype !== 'float32') return null;
  const k = fusedKernelCall(op, x.storage.backend);
  if (k === undefined) return null;
  const out = empty(x.storage.backend, x.shape, x.dtype);
  k([x], { dim: d }, out);
  if (needsGrad(x)) record(op, [x], [out], [out], (g, s) => [(op === 'softmax' ? softmaxBackward : logSoftmaxBackward)(g, s[0]!, d)]);
  return out;
}

/**
 * A gradient by the backend's fused kernel where no graph of it is needed
 * (float32, neither g nor y requiring grad), else by the differentiable formula.
 */
function backwardViaFused(op: 'softmaxBackward' | 'logSoftmaxBackward', g: Tensor, y: Tensor, d: number, composed: () => Tensor): Tensor {
  const k = g.dtype === 'float32' && y.dtype === 'float32' && !needsGrad(g, y) ? fusedKernelCall(op, y.storage.backend) : undefined;
  if (k === undefined) return composed();
  return tidy(() => {
    const out = empty(y.storage.backend, y.shape, y.dtype);
    k([contiguous(g), contiguous(y)], { dim: d }, out);
    return out;
  });
}

/** The checked dim of a softmax gradient call: g and y float, of one shape. */
function backwardDim(op: string, g: Tensor, y: Tensor, dim: number): number {
  requireFloat(op, g);
  requireFloat(op, y);
  if (!shapesEqual(g.shape, y.shape)) throw new ShapeError(`${op}: the gradient's shape ${fmtShape(g.shape)} must be the output's, ${fmtShape(y.shape)}`);
  return normalizeDim(op, dim, Math.max(y.ndim, 1));
}

/** softmax's gradient from its output y: y * (g - sum(g * y, dim)). */
export function softmaxBackward(g: Tensor, y: Tensor, dim: number): Tensor {
  const d = backwardDim('softmaxBackward', g, y, dim);
  return backwardViaFused('softmaxBackward', g, y, d, () => softmaxBackwardComposed(g, y, d));
}

/** logSoftmax's gradient from its output y: g - exp(y) * sum(g, dim). */
export function logSoftmaxBackward(g: Tensor, y: Tensor, dim: number): Tensor {
  const d = backwardDim('logSoftmaxBackward', g, y, dim);
  return backwardViaFused('logSoftmaxBackward', g, y, d, () => logSoftmaxBackwardComposed(g, y, d));
}

export function softmaxBackwardComposed(g: Tensor, y: Tensor, dim: number): Tensor {
  return tidy(() => mul(y, sub(g, sum(mul(g, y), dim, true))));
}

export function logSoftmaxBackwardComposed(g: Tensor, y: Tensor, dim: number): Tensor {
  return tidy(() => sub(g, mul(exp(y), sum(g, dim, true))));
}

/** exp(x) / sum(exp(x)) along dim, shifted by the max for stability. */
export function softmax(x: Tensor, dim = -1): Tensor {
  requireFloat('softmax', x);
  const d = normalizeDim('softmax', dim, Math.max(x.ndim, 1));
  return viaFused('softmax', x, d) ?? viaComposed('softmax', x, d);
}

/**
 * The composed forward recorded as one node that saves its output, as the
 * fused kernel (and PyTorch) does: an in-place write to the result then fails
 * backward's version check on every backend and in every dtype, not only
 * where a fused kernel ran (issue 25 bug 10).
 */
function viaComposed(op: 'softmax' | 'logSoftmax', x: Tensor, d: number): Tensor {
  const composed = op === 'softmax' ? softmaxComposed : logSoftmaxComposed;
  if (!needsGrad(x)) return composed(x, d);
  const out = noGrad(() => composed(x, d));
  record(op, [x], [out], [out], (g, s) => [(op === 'softmax' ? softmaxBackward : logSoftmaxBackward)(g, s[0]!, d)]);
  return out;
}

/** softmax from primitives: what runs on a backend without a fused kernel (and what a fused one must match). */
export function softmaxComposed(x: Tensor, d: number): Tensor {
  return tidy(() => {
    // An empty tensor has no max to shift by; its softmax is as empty (and keeps a graph).
    if (x.numel() === 0) return exp(x);
    const e = exp(sub(x, maxShift(x, d)));
    return div(e, sum(e, d, true));
  });
}

/**
 * (x - max) - log(sum(exp(x - max))) along dim. Subtracting the max first
 * keeps logits of 1e4 exact, where x - logsumexp(x) would round the result
 * at the logits' magnitude (as PyTorch's kernel does it).
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  requireFloat('logSoftmax', x);
  const d = normalizeDim('logSoftmax', dim, Math.max(x.ndim, 1));
  return viaFused('logSoftmax', x, d) ?? viaComposed('logSoftmax', x, d);
}

/** logSoftmax from primitives. */
export function logSoftmaxComposed(x: Tensor, d: number): Tensor {
  return tidy(() => {
    if (x.numel() === 0) return sub(x, logsumexp(x, d, true));
    const shifted = sub(x, maxShift(x, d));
    return sub(shifted, log(sum(exp(shifted), d, true)));
  });
}
