// More of torch.nn.functional's activations (issue 20): composed of core's
// differentiable ops, each written so that autograd picks PyTorch's own
// gradient at the kinks (Hardswish at +-3, ReLU6 at 0 and 6, Threshold at
// its threshold, ...) and can differentiate it again.
import {
  abs,
  add,
  castTo,
  DTypeError,
  div,
  expm1,
  fmtShape,
  ge,
  gt,
  le,
  lt,
  mul,
  narrow,
  neg,
  normalizeDim,
  requireFloat,
  reshape,
  ShapeError,
  sigmoid,
  softplus as coreSoftplus,
  sub,
  tanh,
  type Tensor,
  tidy,
  ValueError,
  where,
} from '@tensile/core';
import { hardtanh, softmax } from './layers.js';

/** min(max(x, 0), 6): hardtanh(x, 0, 6), so the gradient is 0 at 0 and at 6 (PyTorch's). */
export function relu6(x: Tensor): Tensor {
  if (x.dtype === 'bool') throw new DTypeError(`relu6: expected a numeric input, got bool of shape ${fmtShape(x.shape)}`);
  return hardtanh(x, 0, 6); // an int32 input stays int32, as PyTorch
}

/** x * relu6(x + 3) / 6; the gradient is x / 3 + 1/2 on [-3, 3] (so -1/2 at -3 and 3/2 at 3), 0 below, 1 above, as PyTorch. */
export function hardswish(x: Tensor): Tensor {
  requireFloat('hardswish', x);
  return tidy(() => {
    // The quadratic piece sees 0 outside [-3, 3]: an infinite x would make its unused gradient inf * 0.
    const xm = where(le(abs(x), 3), x, 0);
    // Below -3, x * 0 as PyTorch's x * relu6(x + 3) / 6: -inf gives NaN.
    return where(lt(x, -3), mul(x, 0), where(le(x, 3), div(mul(xm, add(xm, 3)), 6), x));
  });
}

/** relu6(x + 3) / 6; the gradient is 1/6 strictly inside (-3, 3) and 0 at and beyond +-3, as PyTorch. */
export function hardsigmoid(x: Tensor): Tensor {
  requireFloat('hardsigmoid', x);
  return tidy(() => {
    // NaN falls through every comparison: x * 0 keeps it NaN with PyTorch's zero gradient.
    const inside = lt(abs(x), 3);
    return where(le(x, -3), 0, where(ge(x, 3), 1, where(inside, add(div(x, 6), 0.5), mul(x, 0))));
  });
}

/** An int32 input as float32 (PyTorch's true division and tanh promote it); bool is refused. */
function asFloat(op: string, x: Tensor): Tensor {
  if (x.dtype === 'bool') throw new DTypeError(`${op}: expected a numeric input, got bool of shape ${fmtShape(x.shape)}`);
  return x.dtype === 'int32' ? castTo(x, 'float32') : x;
}

// biome-ignore lint/correctness/noPrecisionLoss: PyTorch's constant, as its source writes it
const SELU_ALPHA = 1.6732632423543772848170429916717;
// biome-ignore lint/correctness/noPrecisionLoss: PyTorch's constant, as its source writes it
const SELU_SCALE = 1.0507009873554804934193349852946;

/** x for x > 0, alpha (e^(x / inputScale) - 1) otherwise, all times scale: the ELU family's kernel (the x <= 0 branch owns 0). */
function eluFamily(x: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  return tidy(() => {
    const pos = gt(x, 0);
    const negPart = where(pos, 0, x); // e^x only on the non-positive side: no inf * 0 in the unused branch
    const y = where(pos, x, mul(expm1(div(negPart, inputScale)), alpha));
    return scale === 1 ? y : mul(y, scale);
  });
}

/** scale * elu(x, alpha) with PyTorch's fixed alpha 1.6732632... and scale 1.0507009... */
export function selu(x: Tensor): Tensor {
  requireFloat('selu', x);
  return eluFamily(x, SELU_ALPHA, SELU_SCALE, 1);
}

export function checkCeluAlpha(op: string, alpha: number): number {
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new ValueError(`${op}: alpha must be a number, got ${String(alpha)}`);
  if (alpha === 0) throw new ValueError(`${op}: ZeroDivisionError: alpha cannot be 0 for CELU`);
  return alpha;
}

/** max(0, x) + min(0, alpha (e^(x / alpha) - 1)); alpha 0 is an error (it divides by alpha), as PyTorch. */
export function celu(x: Tensor, alpha = 1): Tensor {
  checkCeluAlpha('celu', alpha);
  requireFloat('celu', x);
  return eluFamily(x, alpha, 1, alpha);
}

/** a * sigmoid(b), where a and b are the two halves of x along dim (default -1), whose size must be even. */
export function glu(x: Tensor, dim = -1): Tensor {
  requireFloat('glu', x);
  if (x.ndim === 0) throw new ShapeError('glu: glu does not support scalars because halving size must be even');
  const d = normalizeDim('glu', dim, x.ndim);
  const n = x.shape[d]!;
  if (n % 2 !== 0) throw new ShapeError(`glu: Halving dimension must be even, but dimension ${d} is size ${n} (input of shape ${fmtShape(x.shape)})`);
  return tidy(() => mul(narrow(x, d, 0, n / 2), sigmoid(narrow(x, d, n / 2, n / 2))));
}

/** log(sigmoid(x)) = -softplus(-x), stable in both tails; the gradient is sigmoid(-x). */
export function logsigmoid(x: Tensor): Tensor {
  requireFloat('logsigmoid', x);
  return tidy(() => neg(coreSoftplus(neg(x))));
}

/** x / (1 + |x|). */
export function softsign(x: Tensor): Tensor {
  return tidy(() => {
    const xf = asFloat('softsign', x);
    return div(xf, add(abs(xf), 1));
  });
}

/** x - tanh(x). */
export function tanhshrink(x: Tensor): Tensor {
  return tidy(() => {
    const xf = asFloat('tanhshrink', x);
    return sub(xf, tanh(xf));
  });
}

/** value where x <= threshold, x elsewhere (NaN stays NaN); the gradient is 0 at x == threshold (PyTorch's threshold_backward). */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  if (typeof threshold !== 'number' || typeof value !== 'number')
    throw new ValueError(`threshold: threshold and value must be numbers, got ${String(threshold)} and ${String(value)}`);
  if (x.dtype === 'bool') throw new DTypeError(`threshold: expected a numeric input, got bool of shape ${fmtShape(x.shape)}`);
  // An int32 input stays int32 (value truncated toward zero), as PyTorch.
  return tidy(() => where(le(x, threshold), x.dtype === 'int32' ? Math.trunc(value) : value, x));
}

/** softmax(-x, dim), with Softmax's implicit dim when none is given. */
export function softmin(x: Tensor, dim?: number | null): Tensor {
  requireFloat('softmin', x);
  if (dim !== undefined && dim !== null) normalizeDim('softmin', dim, x.ndim);
  return tidy(() => softmax(neg(x), dim ?? (x.ndim === 0 || x.ndim === 1 || x.ndim === 3 ? 0 : 1)));
}

/**
 * x where x > 0, weight * x elsewhere; weight holds one slope, or one per
 * channel (dim 1 of x; a 0-d or 1-d x has one channel). The gradient at 0 is weight, as PyTorch.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  requireFloat('prelu', x);
  requireFloat('prelu', weight, 'weight');
  if (weight.ndim > 1) throw new ShapeError(`prelu: weight must be 0-d or 1-d, got shape ${fmtShape(weight.shape)}`);
  const n = weight.ndim === 0 ? 1 : weight.shape[0]!;
  let w = weight;
  if (n !== 1 || weight.ndim === 1) {
    if (x.ndim === 0 && n !== 1) throw new ShapeError(`prelu: Not allow zero-dim input tensor with ${n} parameters (weight of shape ${fmtShape(weight.shape)})`);
    const channels = x.ndim >= 2 ? x.shape[1]! : 1;
    if (n !== 1 && n !== channels)
      throw new ShapeError(
        `prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels} (input of shape ${fmtShape(x.shape)}, weight of shape ${fmtShape(weight.shape)})`,
      );
  }
  return tidy(() => {
    if (n !== 1 && x.ndim >= 2) w = reshape(weight, [n, ...new Array<number>(x.ndim - 2).fill(1)]);
    else if (n === 1 && weight.ndim === 1) w = reshape(weight, []);
    const pos = gt(x, 0);
    // weight's gradient sees 0 where x > 0: an x of +inf would make its unused part inf * 0.
    return where(pos, x, mul(w, where(pos, 0, x)));
  });
}
