import { ShapeError, type Tensor, add, clamp, mul, neg, sub, tidy } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions, numberOption } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface MarginRankingLossOptions {
  reduction?: Reduction;
  margin?: number;
}
export const MARGIN_RANKING_LOSS_KEYS = ['reduction', 'margin'] as const;

/**
 * Ranking hinge max(0, -y (x1 - x2) + margin) for y = 1 (x1 should rank
 * higher) or -1 (PyTorch's F.margin_ranking_loss). The gradient passes at the
 * hinge itself, as PyTorch's clamp_min does.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: MarginRankingLossOptions): Tensor {
  const op = 'marginRankingLoss';
  const o = lossOptions(op, options, MARGIN_RANKING_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', 0);
  floatArg(op, input1, 'input1');
  floatArg(op, input2, 'input2');
  floatArg(op, target, 'target');
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim)
    throw new ShapeError(
      `${op}: all input tensors should have same dimension, but got sizes: input1: ${input1.ndim}-d, input2: ${input2.ndim}-d, target: ${target.ndim}-d`,
    );
  broadcastAll(op, input1, input2, target);
  return tidy(() => applyReduction(clamp(add(mul(neg(target), sub(input1, input2)), margin), 0), reduction));
}
