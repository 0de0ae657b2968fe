import { ShapeError, type Tensor, add, clamp, mul, neg, sub, tidy } from '@tensile/core';
import { asFloat, broadcastAll, floatDtypeOf, lossOptions, numberOption, numericArg, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface MarginRankingLossOptions {
  reduction?: Reduction;
  margin?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const MARGIN_RANKING_LOSS_DEFAULTS: Readonly<Required<MarginRankingLossOptions>> = Object.freeze({
  reduction: DEFAULT_REDUCTION,
  margin: 0,
});
export const MARGIN_RANKING_LOSS_KEYS = optionKeys(MARGIN_RANKING_LOSS_DEFAULTS);

/**
 * Ranking hinge max(0, -y (x1 - x2) + margin) for y = 1 (x1 should rank
 * higher) or -1 (PyTorch's F.margin_ranking_loss). The gradient passes at the
 * hinge itself, as PyTorch's clamp_min does. Integer inputs and +-1 labels
 * are promoted to float; bool ones are refused, as PyTorch refuses to
 * subtract or negate them.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: MarginRankingLossOptions): Tensor {
  const op = 'marginRankingLoss';
  const o = lossOptions(op, options, MARGIN_RANKING_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', MARGIN_RANKING_LOSS_DEFAULTS.margin, { nan: true });
  // Not bool: PyTorch refuses to subtract (or negate) one.
  numericArg(op, input1, 'input1', { bool: false });
  numericArg(op, input2, 'input2', { bool: false });
  numericArg(op, target, 'target', { bool: false });
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim)
    throw new ShapeError(
      `${op}: all input tensors should have same dimension, but got sizes: input1: ${input1.ndim}-d, input2: ${input2.ndim}-d, target: ${target.ndim}-d`,
    );
  broadcastAll(op, input1, input2, target);
  const dtype = floatDtypeOf(input1, input2, target);
  return tidy(() => {
    const [x1, x2, y] = [input1, input2, target].map((t) => asFloat(t, dtype)) as [Tensor, Tensor, Tensor];
    return applyReduction(clamp(add(mul(neg(y), sub(x1, x2)), margin), 0), reduction);
  });
}
