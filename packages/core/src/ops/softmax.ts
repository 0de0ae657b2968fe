import { noGrad } from '../autograd/grad-mode.js';
import { tidy } from '../memory.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, exp, isinf, log, sub, where } from './elementwise.js';
import { amax, logsumexp, sum } from './reduce.js';
import { requireFloat } from './util.js';

/** The max along dim (kept), 0 where it is infinite, outside autograd: the shift that keeps exp() in range. */
function maxShift(x: Tensor, d: number): Tensor {
  return noGrad(() => {
    const mm = amax(x, d, true);
    return where(isinf(mm), 0, mm);
  });
}

/** exp(x) / sum(exp(x)) along dim, shifted by the max for stability. */
export function softmax(x: Tensor, dim = -1): Tensor {
  requireFloat('softmax', x);
  const d = normalizeDim('softmax', dim, Math.max(x.ndim, 1));
  return tidy(() => {
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
  return tidy(() => {
    if (x.numel() === 0) return sub(x, logsumexp(x, d, true));
    const shifted = sub(x, maxShift(x, d));
    return sub(shifted, log(sum(exp(shifted), d, true)));
  });
}
