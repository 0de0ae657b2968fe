import { DTypeError, type Tensor, ValueError, add, clamp, fmtShape, ne, sub, tidy, where } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions, numberOption, numericArg, requireTensor, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface HingeEmbeddingLossOptions {
  reduction?: Reduction;
  margin?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const HINGE_EMBEDDING_LOSS_DEFAULTS: Readonly<Required<HingeEmbeddingLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, margin: 1 });
export const HINGE_EMBEDDING_LOSS_KEYS = optionKeys(HINGE_EMBEDDING_LOSS_DEFAULTS);

/**
 * For distances x with labels y in {1, -1}: x where y = 1, max(0, margin - x)
 * where y = -1 (PyTorch's F.hinge_embedding_loss, whose two where() terms
 * this follows for any label value). Integer and bool labels work as they
 * are; an int32 input gives PyTorch's integer loss ('none' and 'sum' only,
 * the margin truncated toward zero), a bool one is refused.
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, options?: HingeEmbeddingLossOptions): Tensor {
  const op = 'hingeEmbeddingLoss';
  const o = lossOptions(op, options, HINGE_EMBEDDING_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', HINGE_EMBEDDING_LOSS_DEFAULTS.margin, { nan: true });
  requireTensor(op, input, 'input');
  if (input.dtype === 'int32') {
    // PyTorch computes margin - input in the input's dtype (its margin truncated toward zero): an integer
    // loss, which it can sum but not average.
    if (!Number.isFinite(margin)) throw new ValueError(`${op}: margin ${margin} cannot be converted to the integer input's dtype (int32)`);
    if (reduction === 'mean')
      throw new DTypeError(`${op}: expected input to be a floating point tensor for reduction 'mean' (an integer mean has no dtype), got int32 of shape ${fmtShape(input.shape)}`);
    broadcastAll(op, input, numericArg(op, target, 'target'));
    const m = Math.trunc(margin);
    return tidy(() => applyReduction(add(where(ne(target, 1), clamp(sub(m, input), 0), 0), where(ne(target, -1), input, 0)), reduction));
  }
  broadcastAll(op, floatArg(op, input, 'input'), numericArg(op, target, 'target'));
  return tidy(() => {
    const marginTerm = where(ne(target, 1), clamp(sub(margin, input), 0), 0);
    const selfTerm = where(ne(target, -1), input, 0);
    return applyReduction(add(marginTerm, selfTerm), reduction);
  });
}
