import { type Tensor, add, clamp, ne, sub, tidy, where } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions, numberOption, numericArg } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface HingeEmbeddingLossOptions {
  reduction?: Reduction;
  margin?: number;
}
export const HINGE_EMBEDDING_LOSS_KEYS = ['reduction', 'margin'] as const;

/**
 * For distances x with labels y in {1, -1}: x where y = 1, max(0, margin - x)
 * where y = -1 (PyTorch's F.hinge_embedding_loss, whose two where() terms
 * this follows for any label value). Integer and bool labels work as they
 * are; the input must be float.
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options?: HingeEmbeddingLossOptions): Tensor {
  const op = 'hingeEmbeddingLoss';
  const o = lossOptions(op, options, HINGE_EMBEDDING_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', 1, { nan: true });
  broadcastAll(op, floatArg(op, input, 'input'), numericArg(op, target, 'target'));
  return tidy(() => {
    const marginTerm = where(ne(target, 1), clamp(sub(margin, input), 0), 0);
    const selfTerm = where(ne(target, -1), input, 0);
    return applyReduction(add(marginTerm, selfTerm), reduction);
  });
}
