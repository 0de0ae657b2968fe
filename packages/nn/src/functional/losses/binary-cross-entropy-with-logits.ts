import { type Tensor, add, mul, neg, softplus, sub, tidy } from '@tensile/core';
import { floatArg, lossOptions, optionalFloat, requireBroadcastsTo, requireSameShape } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface BCEWithLogitsLossOptions {
  reduction?: Reduction;
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | null;
  /** Weight of the positive term, one per class (broadcast over the last dim). */
  posWeight?: Tensor | null;
}
export const BCE_WITH_LOGITS_LOSS_KEYS = ['reduction', 'weight', 'posWeight'] as const;

/**
 * Binary cross-entropy on logits, stable for any logit:
 * (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), since -log sigmoid(x) =
 * softplus(-x) (PyTorch's F.binary_cross_entropy_with_logits).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: BCEWithLogitsLossOptions): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const o = lossOptions(op, options, BCE_WITH_LOGITS_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  floatArg(op, target, 'target');
  const weight = optionalFloat(op, o.weight, 'weight');
  const posWeight = optionalFloat(op, o.posWeight, 'posWeight');
  requireSameShape(op, input, target);
  if (weight !== null) requireBroadcastsTo(op, weight, input.shape, 'weight');
  if (posWeight !== null) requireBroadcastsTo(op, posWeight, input.shape, 'posWeight');
  return tidy(() => {
    const logSigmoidNeg = softplus(neg(input));
    const positive = posWeight === null ? logSigmoidNeg : mul(add(mul(sub(posWeight, 1), target), 1), logSigmoidNeg);
    let loss = add(mul(sub(1, target), input), positive);
    if (weight !== null) loss = mul(loss, weight);
    return applyReduction(loss, reduction);
  });
}
