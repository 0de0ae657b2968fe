import type { Tensor } from '@tensile/core';
import { type AdamOptions, adamSpec, adamUpdate } from './adam.js';
import { Optimizer, type ParamGroup, type Params, type ParamState } from './optimizer.js';

/** AdamW, as `torch.optim.AdamW`: weight decay applied to the weights, not the gradient (default 1e-2). */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options?: Partial<AdamOptions>) {
    super(adamSpec('AdamW', 1e-2), params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
    adamUpdate(p, grad, g, state, true);
  }
}
