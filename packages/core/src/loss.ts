import type { Tensor } from './tensor.js';

export type Reduction = 'none' | 'mean' | 'sum';

/** What every loss module implements (PyTorch's `_Loss`): a reduction mode and a forward over (input, target, ...). */
export interface Loss {
  readonly reduction: Reduction | 'batchmean';
  forward(input: Tensor, target: Tensor, ...rest: Tensor[]): Tensor;
}
