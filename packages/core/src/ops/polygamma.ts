// PyTorch's polygamma(n, input) for the orders Tensile has kernels for: n = 0 (digamma) and n = 1 (trigamma).
import { ValueError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { digamma, unary } from './elementwise.js';

/** The n-th derivative of digamma: `polygamma(0, x)` is `digamma(x)`, `polygamma(1, x)` trigamma (differentiable once less: its gradient needs polygamma(2)). */
export function polygamma(n: number, input: Tensor): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`polygamma: polygamma(n, x) does not support negative or non-integer n, got n=${n} (input shape ${fmtShape(input.shape)})`);
  if (n === 0) return digamma(input);
  if (n === 1) return unary('trigamma', input);
  throw new ValueError(`polygamma: only orders n = 0 (digamma) and n = 1 (trigamma) are implemented, got n=${n} (input shape ${fmtShape(input.shape)})`);
}
