import type { Tensor } from '@tensile/core';

// PyTorch's fused in-place updates, composed from core ops so every backend
// runs them with the primitives it already has. The intermediate is a
// temporary: callers run inside the optimizer's per-parameter tidy.

/** t += value * a * b (PyTorch's `addcmul_`). */
export function addcmul_(t: Tensor, a: Tensor, b: Tensor, value = 1): Tensor {
  return t.add_(a.mul(b), value);
}

/** t += value * a / b (PyTorch's `addcdiv_`). */
export function addcdiv_(t: Tensor, a: Tensor, b: Tensor, value = 1): Tensor {
  return t.add_(a.div(b), value);
}
