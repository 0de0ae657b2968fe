import { type Tensor, add, div, mul, neg, softplus, sub, sum, tidy } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions, optionalFloat } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface MultiLabelSoftMarginLossOptions {
  reduction?: Reduction;
  /** Rescales each class's loss. */
  weight?: Tensor | null;
}
export const MULTILABEL_SOFT_MARGIN_LOSS_KEYS = ['reduction', 'weight'] as const;

/**
 * One-versus-all logistic loss over C labels, averaged over the classes:
 * -(t log sigmoid(x) + (1 - t) log sigmoid(-x)) summed over the last dim / C
 * (PyTorch's F.multilabel_soft_margin_loss).
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options?: MultiLabelSoftMarginLossOptions): Tensor {
  const op = 'multilabelSoftMarginLoss';
  const o = lossOptions(op, options, MULTILABEL_SOFT_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  floatArg(op, target, 'target');
  const weight = optionalFloat(op, o.weight, 'weight');
  broadcastAll(op, input, target);
  if (weight !== null) broadcastAll(op, input, weight);
  return tidy(() => {
    // -log sigmoid(x) = softplus(-x) and -log sigmoid(-x) = softplus(x).
    let loss = add(mul(target, softplus(neg(input))), mul(sub(1, target), softplus(input)));
    if (weight !== null) loss = mul(loss, weight);
    const classes = input.ndim === 0 ? 1 : input.shape[input.ndim - 1]!;
    return applyReduction(div(loss.ndim === 0 ? loss : sum(loss, -1), classes), reduction);
  });
}
