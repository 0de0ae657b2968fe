import {
  ShapeError,
  type Tensor,
  ValueError,
  add,
  arange,
  div,
  eq,
  fmtShape,
  gather,
  indexSelect,
  mul,
  relu,
  sub,
  sum,
  tidy,
  unsqueeze,
  where,
} from '@tensile/core';
import { checkClassIndices, floatArg, indexArg, lossOptions, numberOption, optionalFloat, requireClassWeight } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface MultiMarginLossOptions {
  reduction?: Reduction;
  /** 1 or 2 (default 1). */
  p?: number;
  margin?: number;
  /** One weight per class, applied by the target's class. */
  weight?: Tensor | null;
}
export const MULTI_MARGIN_LOSS_KEYS = ['reduction', 'p', 'margin', 'weight'] as const;

/**
 * Multi-class hinge: sum over i != y of w[y] max(0, margin - x[y] + x[i])^p / C
 * (PyTorch's F.multi_margin_loss). Input (C) or (N, C), int32 target () or
 * (N). The gradient is 0 exactly at the hinge, as in PyTorch.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options?: MultiMarginLossOptions): Tensor {
  const op = 'multiMarginLoss';
  const o = lossOptions(op, options, MULTI_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const p = numberOption(op, o.p, 'p', 1);
  if (p !== 1 && p !== 2) throw new ValueError(`${op}: only p == 1 and p == 2 supported, got p = ${p}`);
  const margin = numberOption(op, o.margin, 'margin', 1);
  const weight = optionalFloat(op, o.weight, 'weight');
  floatArg(op, input, 'input');
  indexArg(op, target, 'target');
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${op}: expected input of shape (C) or (N, C), got ${fmtShape(input.shape)}`);
  const rows = input.ndim === 2 ? input.shape[0]! : 1;
  if (target.numel() !== rows || target.ndim > 1 || (input.ndim === 2 && target.ndim !== 1))
    throw new ShapeError(`${op}: inconsistent target size, got: ${fmtShape(target.shape)} for input of shape ${fmtShape(input.shape)}`);
  const classes = input.shape[input.ndim - 1]!;
  requireClassWeight(op, weight, classes);
  checkClassIndices(op, target, classes);
  return tidy(() => {
    const x = input.ndim === 1 ? unsqueeze(input, 0) : input;
    const y = unsqueeze(target.ndim === 0 ? unsqueeze(target, 0) : target, 1);
    const z = relu(add(sub(margin, gather(x, 1, y)), x));
    let h = p === 2 ? mul(z, z) : z;
    if (weight !== null) h = mul(h, indexSelect(weight, 0, y.reshape(-1)).reshape(rows, 1));
    // The i == y term (margin^p) is not part of the sum.
    const own = eq(unsqueeze(arange(classes, { dtype: 'int32', device: input.device }), 0), y);
    const loss = div(sum(where(own, 0, h), 1), classes);
    return applyReduction(input.ndim === 1 ? loss.reshape([]) : loss, reduction);
  });
}
