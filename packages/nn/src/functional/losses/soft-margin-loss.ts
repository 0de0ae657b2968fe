import { type Tensor, mul, neg, softplus, tidy } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface SoftMarginLossOptions {
  reduction?: Reduction;
}
export const SOFT_MARGIN_LOSS_KEYS = ['reduction'] as const;

/** Two-class logistic loss log(1 + exp(-y x)) for targets y in {1, -1}, as a softplus so large margins stay finite. */
export function softMarginLoss(input: Tensor, target: Tensor, options?: SoftMarginLossOptions): Tensor {
  const op = 'softMarginLoss';
  const o = lossOptions(op, options, SOFT_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  broadcastAll(op, floatArg(op, input, 'input'), floatArg(op, target, 'target'));
  return tidy(() => applyReduction(softplus(neg(mul(target, input))), reduction));
}
