import { IndexError, ShapeError, type Tensor, add, broadcastShapes, clamp, div, eq, fmtShape, mul, sqrt, sub, sum, tidy, where } from '@tensile/core';
import { asFloat, floatDtypeOf, lossOptions, numberOption, numericArg, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface CosineEmbeddingLossOptions {
  reduction?: Reduction;
  /** Between -1 and 1; 0 to 0.5 is suggested (default 0). */
  margin?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const COSINE_EMBEDDING_LOSS_DEFAULTS: Readonly<Required<CosineEmbeddingLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, margin: 0 });
export const COSINE_EMBEDDING_LOSS_KEYS = optionKeys(COSINE_EMBEDDING_LOSS_DEFAULTS);

/** PyTorch's EPSILON in cosine_embedding_loss, added to each squared norm. */
const EPSILON = 1e-12;

function without(shape: readonly number[], dim: number): number[] {
  return shape.filter((_, i) => i !== dim);
}

/**
 * For pairs (x1, x2) labelled y = 1 (similar) or -1 (dissimilar): 1 - cos(x1,
 * x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1 (PyTorch's
 * F.cosine_embedding_loss). (N, D) inputs take an (N) target, (D) inputs a
 * 0-d one (a 0-d loss); the rank rule is checked on input1 and the sums run
 * over the target's rank as dim, with broadcasting, as in PyTorch. Integer
 * inputs and +-1 labels are promoted to float.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, options?: CosineEmbeddingLossOptions): Tensor {
  const op = 'cosineEmbeddingLoss';
  const o = lossOptions(op, options, COSINE_EMBEDDING_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', COSINE_EMBEDDING_LOSS_DEFAULTS.margin, { nan: true });
  numericArg(op, input1, 'input1');
  numericArg(op, input2, 'input2');
  numericArg(op, target, 'target');
  if (target.ndim > 1) throw new ShapeError(`${op}: 0D or 1D target tensor expected, multi-target not supported; got target of shape ${fmtShape(target.shape)}`);
  const d = target.ndim;
  if (input1.ndim !== d + 1)
    throw new ShapeError(
      `${op}: ${d}D target tensor expects ${d + 1}D input tensors, but found inputs with sizes ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`,
    );
  if (input2.ndim <= d)
    throw new IndexError(`${op}: dimension ${d} (the feature dim for a ${d}D target) is out of range for input2 of shape ${fmtShape(input2.shape)}`);
  // The shapes of PyTorch's steps: sum(x1 x2, d), sum(x1^2, d), sum(x2^2, d), their combination, then the target.
  const prod = without(broadcastShapes(op, input1.shape, input2.shape), d);
  const cos = broadcastShapes(op, prod, broadcastShapes(op, without(input1.shape, d), without(input2.shape, d)));
  broadcastShapes(op, target.shape, cos);
  const dtype = floatDtypeOf(input1, input2, target);
  return tidy(() => {
    const x1 = asFloat(input1, dtype);
    const x2 = asFloat(input2, dtype);
    const prodSum = sum(mul(x1, x2), d);
    const mag1 = add(sum(mul(x1, x1), d), EPSILON);
    const mag2 = add(sum(mul(x2, x2), d), EPSILON);
    const c = div(prodSum, sqrt(mul(mag1, mag2)));
    const pos = where(eq(target, 1), sub(1, c), 0);
    const neg = where(eq(target, -1), clamp(sub(c, margin), 0), 0);
    return applyReduction(add(pos, neg), reduction);
  });
}
