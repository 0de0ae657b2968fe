import { IndexError, type Tensor, add, broadcastShapes, div, mul, neg, softplus, sub, sum, tidy } from '@tensile/core';
import { asFloat, broadcastAll, floatArg, lossOptions, numericArg, optionalNumeric, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface MultiLabelSoftMarginLossOptions {
  reduction?: Reduction;
  /** Rescales each class's loss. */
  weight?: Tensor | null;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const MULTILABEL_SOFT_MARGIN_LOSS_DEFAULTS: Readonly<Required<MultiLabelSoftMarginLossOptions>> = Object.freeze({
  reduction: DEFAULT_REDUCTION,
  weight: null,
});
export const MULTILABEL_SOFT_MARGIN_LOSS_KEYS = optionKeys(MULTILABEL_SOFT_MARGIN_LOSS_DEFAULTS);

/**
 * One-versus-all logistic loss over C labels, averaged over the classes:
 * -(t log sigmoid(x) + (1 - t) log sigmoid(-x)) summed over the class dim / C
 * (PyTorch's F.multilabel_soft_margin_loss). As in PyTorch, the class dim is
 * the input's last one (input.ndim - 1, counted from the front even when the
 * target or weight broadcast the loss to more dims), C is its size, and an
 * integer or bool target is promoted to float.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, options?: MultiLabelSoftMarginLossOptions): Tensor {
  const op = 'multilabelSoftMarginLoss';
  const o = lossOptions(op, options, MULTILABEL_SOFT_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  // Not bool: PyTorch computes 1 - target, and refuses to subtract a bool.
  numericArg(op, target, 'target', { bool: false });
  const weight = optionalNumeric(op, o.weight, 'weight');
  const shape = broadcastAll(op, input, target);
  if (weight !== null) broadcastShapes(op, shape, weight.shape);
  if (input.ndim === 0) throw new IndexError(`${op}: the classes are the input's last dim, but the input is 0-d`);
  const classDim = input.ndim - 1;
  const classes = input.shape[classDim]!;
  return tidy(() => {
    const t = asFloat(target, input.dtype as 'float32' | 'float64');
    // -log sigmoid(x) = softplus(-x) and -log sigmoid(-x) = softplus(x).
    let loss = add(mul(t, softplus(neg(input))), mul(sub(1, t), softplus(input)));
    if (weight !== null) loss = mul(loss, weight);
    return applyReduction(div(sum(loss, classDim), classes), reduction);
  });
}
