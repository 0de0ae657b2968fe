import { type Tensor, add, div, mul, norm, normalizeDim, sub, sum, tidy } from '@tensile/core';
import { clampMinIdentityGrad } from './autograd.js';
import { asFloat, broadcastAll, floatArg, floatDtypeOf, numericArg } from './checks.js';

/**
 * p-norm of x1 - x2 + eps over the last dim (PyTorch's F.pairwise_distance);
 * eps keeps the gradient finite when x1 == x2.
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor {
  const op = 'pairwiseDistance';
  // Integer inputs are promoted (x1 - x2 + eps is float), bool ones refused (PyTorch will not subtract them).
  broadcastAll(op, numericArg(op, x1, 'x1', { bool: false }), numericArg(op, x2, 'x2', { bool: false }));
  const dims = Math.max(x1.ndim, x2.ndim);
  const dtype = floatDtypeOf(x1, x2);
  return tidy(() => {
    const d = add(sub(asFloat(x1, dtype), asFloat(x2, dtype)), eps);
    return dims === 0 ? norm(d, p) : norm(d, p, dims - 1, keepdim);
  });
}

/**
 * Cosine of the angle between x1 and x2 along dim: sum((x1 / |x1|) (x2 / |x2|))
 * with each norm clamped to >= eps outside autograd, as PyTorch's
 * F.cosine_similarity (dividing first keeps the result within [-1, 1]).
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  const op = 'cosineSimilarity';
  const shape = broadcastAll(op, floatArg(op, x1, 'x1'), floatArg(op, x2, 'x2'));
  normalizeDim(op, dim, shape.length);
  return tidy(() => {
    const n1 = clampMinIdentityGrad('cosineSimilarityNormClamp', norm(x1, 2, dim, true), eps);
    const n2 = clampMinIdentityGrad('cosineSimilarityNormClamp', norm(x2, 2, dim, true), eps);
    return sum(mul(div(x1, n1), div(x2, n2)), dim);
  });
}
