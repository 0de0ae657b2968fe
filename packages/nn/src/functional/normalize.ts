// F.normalize: x divided by its p-norm along dim, the norm clamped to >= eps.
import { checkOptions, clamp, div, norm, normalizeDim, requireFloat, type Tensor, tidy, ValueError } from '@tensile/core';

export interface NormalizeOptions {
  /** The exponent of the norm (default 2; Infinity is the max norm). */
  p?: number;
  /** The dim to normalize along (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-12), so a zero vector stays zero. */
  eps?: number;
}

/**
 * x / max(||x||_p, eps) along dim, as PyTorch's F.normalize (the clamp is
 * differentiable: below eps the norm gets no gradient).
 */
export function normalize(x: Tensor, options?: NormalizeOptions): Tensor {
  const o = checkOptions('normalize', options, ['p', 'dim', 'eps']);
  const p = o.p ?? 2;
  const eps = o.eps ?? 1e-12;
  if (typeof p !== 'number' || Number.isNaN(p)) throw new ValueError(`normalize: p must be a number, got ${String(p)}`);
  requireFloat('normalize', x);
  const dim = normalizeDim('normalize', o.dim ?? 1, x.ndim);
  return tidy(() => div(x, clamp(norm(x, p, dim, true), eps)));
}
