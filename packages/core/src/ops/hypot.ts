import { noGrad } from '../autograd/grad-mode.js';
import { DTypeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { abs, add, div, eq, isinf, logicalOr, maximum, mul, sqrt, where } from './elementwise.js';
import { deviceOf } from './util.js';

/**
 * sqrt(a^2 + b^2) elementwise, inputs broadcast (PyTorch's hypot), without overflow or underflow:
 * both are divided by s = max(|a|, |b|), a constant to autograd, so the gradient is exactly
 * a / hypot and b / hypot (NaN at a = b = 0, as PyTorch) and differentiates again. An infinite
 * input gives +inf even beside NaN, as C's hypot. Float inputs only, as PyTorch.
 */
export function hypot(a: Tensor, b: Tensor): Tensor {
  deviceOf('hypot', a, b);
  for (const t of [a, b])
    if (t.dtype !== 'float32' && t.dtype !== 'float64')
      throw new DTypeError(`hypot: expected floating point inputs, got ${a.dtype} of shape ${fmtShape(a.shape)} and ${b.dtype} of shape ${fmtShape(b.shape)}`);
  broadcastShapes('hypot', a.shape, b.shape);
  return tidy(() => {
    const s = noGrad(() => {
      const m = maximum(abs(a), abs(b));
      return where(logicalOr(eq(m, 0), isinf(m)), 1, m);
    });
    const sa = div(a, s);
    const sb = div(b, s);
    const h = mul(s, sqrt(add(mul(sa, sa), mul(sb, sb))));
    return where(noGrad(() => logicalOr(isinf(a), isinf(b))), Infinity, h);
  });
}
