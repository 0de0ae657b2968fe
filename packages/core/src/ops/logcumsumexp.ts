import { noGrad } from '../autograd/grad-mode.js';
import { DTypeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, exp, isinf, log, maximum, sub, where } from './elementwise.js';
import { cat, clone, narrow } from './view.js';
import { deviceOf } from './util.js';

/** log(e^a + e^b) with m = max(a, b) a constant to autograd: exact softmax-weight gradients, twice. */
function logaddexp(a: Tensor, b: Tensor): Tensor {
  const m = noGrad(() => {
    const mx = maximum(a, b);
    return where(isinf(mx), 0, mx);
  });
  return add(m, log(add(exp(sub(a, m)), exp(sub(b, m)))));
}

/**
 * log(cumsum(exp(x))) along dim (PyTorch's logcumsumexp), stable at any magnitude: a log-step
 * scan of pairwise logaddexp, so no prefix underflows against a later maximum. Float only, as PyTorch.
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  deviceOf('logcumsumexp', x);
  if (x.dtype !== 'float32' && x.dtype !== 'float64')
    throw new DTypeError(`logcumsumexp: expected a floating point input, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  const d = normalizeDim('logcumsumexp', dim, Math.max(x.ndim, 1));
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (n <= 1) return clone(x);
  return tidy(() => {
    let v = x;
    for (let s = 1; s < n; s *= 2) v = cat([narrow(v, d, 0, s), logaddexp(narrow(v, d, 0, n - s), narrow(v, d, s, n - s))], d);
    return v;
  });
}
