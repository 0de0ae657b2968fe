import { type Tensor, abs, sub, tidy } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface L1LossOptions {
  reduction?: Reduction;
}
export const L1_LOSS_KEYS = ['reduction'] as const;

/** Mean absolute error: |input - target| (PyTorch's F.l1_loss). */
export function l1Loss(input: Tensor, target: Tensor, options?: L1LossOptions): Tensor {
  const op = 'l1Loss';
  const o = lossOptions(op, options, L1_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  broadcastAll(op, floatArg(op, input, 'input'), floatArg(op, target, 'target'));
  return tidy(() => applyReduction(abs(sub(input, target)), reduction));
}
