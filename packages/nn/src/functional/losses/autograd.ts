import { type Tensor, clamp, needsGrad, noGrad, record } from '@tensile/core';

/**
 * max(x, min) in the forward pass with the identity as its gradient: PyTorch
 * clamps under no_grad in gaussian_nll_loss (var) and cosine_similarity
 * (the norms), so the gradient flows as if the clamp were not there.
 */
export function clampMinIdentityGrad(name: string, x: Tensor, min: number): Tensor {
  const out = noGrad(() => clamp(x, min));
  if (needsGrad(x)) record(name, [x], [out], [], (g) => [g]);
  return out;
}
