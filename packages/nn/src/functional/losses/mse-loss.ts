import { type Tensor, mul, sub, tidy } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface MSELossOptions {
  reduction?: Reduction;
}
export const MSE_LOSS_KEYS = ['reduction'] as const;

/** Mean squared error: (input - target)^2 (PyTorch's F.mse_loss). */
export function mseLoss(input: Tensor, target: Tensor, options?: MSELossOptions): Tensor {
  const op = 'mseLoss';
  const o = lossOptions(op, options, MSE_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  broadcastAll(op, floatArg(op, input, 'input'), floatArg(op, target, 'target'));
  return tidy(() => {
    const d = sub(input, target);
    return applyReduction(mul(d, d), reduction);
  });
}
