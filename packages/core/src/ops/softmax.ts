import { noGrad } from '../autograd/grad-mode.js';
import { tidy } from '../memory.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, exp, isinf, sub, where } from './elementwise.js';
import { amax, logsumexp, sum } from './reduce.js';
import { requireFloat } from './util.js';

/** exp(x) / sum(exp(x)) along dim, shifted by the max for stability. */
export function softmax(x: Tensor, dim = -1): Tensor {
  requireFloat('softmax', x);
  const d = normalizeDim('softmax', dim, Math.max(x.ndim, 1));
  return tidy(() => {
    const m = noGrad(() => {
      const mm = amax(x, d, true);
      return where(isinf(mm), 0, mm);
    });
    const e = exp(sub(x, m));
    return div(e, sum(e, d, true));
  });
}

/** x - logsumexp(x) along dim. */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  requireFloat('logSoftmax', x);
  const d = normalizeDim('logSoftmax', dim, Math.max(x.ndim, 1));
  return tidy(() => sub(x, logsumexp(x, d, true)));
}
