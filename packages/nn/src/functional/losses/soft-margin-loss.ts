import { type Tensor, ValueError, mul, needsGrad, neg, softplus, tidy } from '@tensile/core';
import { asFloat, floatArg, lossOptions, numericArg, requireBroadcastsTo, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface SoftMarginLossOptions {
  reduction?: Reduction;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const SOFT_MARGIN_LOSS_DEFAULTS: Readonly<Required<SoftMarginLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION });
export const SOFT_MARGIN_LOSS_KEYS = optionKeys(SOFT_MARGIN_LOSS_DEFAULTS);

/**
 * Two-class logistic loss log(1 + exp(-y x)) for targets y in {1, -1}, as a
 * softplus so large margins stay finite (PyTorch's F.soft_margin_loss). As in
 * PyTorch, the loss has the input's shape (the target broadcasts to it, not
 * the other way round), an integer or bool target is promoted to float, and
 * the target cannot require grad (PyTorch does not differentiate it).
 */
export function softMarginLoss(input: Tensor, target: Tensor, options?: SoftMarginLossOptions): Tensor {
  const op = 'softMarginLoss';
  const o = lossOptions(op, options, SOFT_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  numericArg(op, target, 'target');
  requireBroadcastsTo(op, target, input.shape, 'target');
  if (needsGrad(target))
    throw new ValueError(`${op}: the loss is not differentiable with respect to target (as in PyTorch); pass a target that does not require grad`);
  return tidy(() => applyReduction(softplus(neg(mul(asFloat(target, input.dtype as 'float32' | 'float64'), input))), reduction));
}
