import { ValueError, type Tensor, abs, lt, mul, sub, tidy, where } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions, numberOption } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface HuberLossOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}
export const HUBER_LOSS_KEYS = ['reduction', 'delta'] as const;

/** Quadratic for |d| < delta, linear beyond: 0.5 d^2 or delta (|d| - 0.5 delta), d = input - target. */
export function huberLoss(input: Tensor, target: Tensor, options?: HuberLossOptions): Tensor {
  const op = 'huberLoss';
  const o = lossOptions(op, options, HUBER_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const delta = numberOption(op, o.delta, 'delta', 1);
  if (!(delta > 0)) throw new ValueError(`${op}: huber_loss does not support non-positive values for delta, got ${delta}`);
  broadcastAll(op, floatArg(op, input, 'input'), floatArg(op, target, 'target'));
  return tidy(() => {
    const d = sub(input, target);
    const z = abs(d);
    // The quadratic branch squares d itself (not |d|) so that its second derivative is smooth at 0.
    const loss = where(lt(z, delta), mul(mul(d, d), 0.5), mul(sub(z, 0.5 * delta), delta));
    return applyReduction(loss, reduction);
  });
}
