import { ShapeError, type Tensor, add, broadcastShapes, clamp, div, eq, fmtShape, mul, sqrt, sub, sum, tidy, where } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions, numberOption } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface CosineEmbeddingLossOptions {
  reduction?: Reduction;
  /** Between -1 and 1; 0 to 0.5 is suggested (default 0). */
  margin?: number;
}
export const COSINE_EMBEDDING_LOSS_KEYS = ['reduction', 'margin'] as const;

/** PyTorch's EPSILON in cosine_embedding_loss, added to each squared norm. */
const EPSILON = 1e-12;

/**
 * For pairs (x1, x2) labelled y = 1 (similar) or -1 (dissimilar): 1 - cos(x1,
 * x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1 (PyTorch's
 * F.cosine_embedding_loss).
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: CosineEmbeddingLossOptions): Tensor {
  const op = 'cosineEmbeddingLoss';
  const o = lossOptions(op, options, COSINE_EMBEDDING_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', 0);
  floatArg(op, input1, 'input1');
  floatArg(op, input2, 'input2');
  floatArg(op, target, 'target');
  if (target.ndim > 1) throw new ShapeError(`${op}: 0D or 1D target tensor expected, multi-target not supported; got target of shape ${fmtShape(target.shape)}`);
  const want = target.ndim + 1;
  if (input1.ndim !== want || input2.ndim !== want)
    throw new ShapeError(
      `${op}: ${target.ndim}D target tensor expects ${want}D input tensors, but found inputs with sizes ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`,
    );
  const d = target.ndim;
  const rows = broadcastAll(op, input1, input2).slice(0, d);
  broadcastShapes(op, rows, target.shape);
  return tidy(() => {
    const prod = sum(mul(input1, input2), d);
    const mag1 = add(sum(mul(input1, input1), d), EPSILON);
    const mag2 = add(sum(mul(input2, input2), d), EPSILON);
    const cos = div(prod, sqrt(mul(mag1, mag2)));
    const pos = where(eq(target, 1), sub(1, cos), 0);
    const neg = where(eq(target, -1), clamp(sub(cos, margin), 0), 0);
    return applyReduction(add(pos, neg), reduction);
  });
}
