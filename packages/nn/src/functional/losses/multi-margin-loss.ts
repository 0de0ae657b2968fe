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
  gt,
  indexSelect,
  mul,
  reshape,
  sub,
  sum,
  tidy,
  unsqueeze,
  where,
} from '@tensile/core';
import { checkClassIndices, floatArg, indexArg, lossOptions, numberOption, optionalFloat, requireClassWeight, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface MultiMarginLossOptions {
  reduction?: Reduction;
  /** 1 or 2 (default 1). */
  p?: number;
  margin?: number;
  /** One weight per class, applied by the target's class. */
  weight?: Tensor | null;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const MULTI_MARGIN_LOSS_DEFAULTS: Readonly<Required<MultiMarginLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, p: 1, margin: 1, weight: null });
export const MULTI_MARGIN_LOSS_KEYS = optionKeys(MULTI_MARGIN_LOSS_DEFAULTS);

/**
 * Multi-class hinge: sum over i != y of w[y] max(0, margin - x[y] + x[i])^p / C
 * (PyTorch's F.multi_margin_loss). Input (N, C), (C) or 0-d (one class); an
 * int32 target with one class index per row, () or (N) (a (C) input also takes
 * a 1-element target, a (1, C) input a 0-d one). With reduction 'none' the
 * loss is (N) when the target has a dim, else 0-d, as in PyTorch. A hinge
 * term counts only where it is > 0: the gradient is 0 exactly at the hinge,
 * and a nan term is left out, as PyTorch's kernel does.
 */
export function multiMarginLoss(input: Tensor, target: Tensor, options?: MultiMarginLossOptions): Tensor {
  const op = 'multiMarginLoss';
  const o = lossOptions(op, options, MULTI_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const p = numberOption(op, o.p, 'p', MULTI_MARGIN_LOSS_DEFAULTS.p);
  if (p !== 1 && p !== 2) throw new ValueError(`${op}: only p == 1 and p == 2 supported, got p = ${p}`);
  const margin = numberOption(op, o.margin, 'margin', MULTI_MARGIN_LOSS_DEFAULTS.margin, { nan: true });
  const weight = optionalFloat(op, o.weight, 'weight');
  floatArg(op, input, 'input');
  indexArg(op, target, 'target');
  const ndims = input.ndim;
  if (!((input.numel() > 0 && ndims <= 2) || (ndims === 2 && input.shape[1]! > 0)))
    throw new ShapeError(`${op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmtShape(input.shape)}`);
  const rows = ndims <= 1 ? 1 : input.shape[0]!;
  const classes = ndims === 0 ? 1 : input.shape[ndims - 1]!;
  if (target.ndim > 1 || target.numel() !== rows)
    throw new ShapeError(`${op}: inconsistent target size, expected ${rows} but got: ${fmtShape(target.shape)} (input ${fmtShape(input.shape)})`);
  requireClassWeight(op, weight, classes);
  checkClassIndices(op, target, classes);
  return tidy(() => {
    const x = reshape(input, [rows, classes]);
    const y = reshape(target, [rows, 1]);
    const z = add(sub(margin, gather(x, 1, y)), x);
    const hinge = where(gt(z, 0), z, 0);
    let h = p === 2 ? mul(hinge, hinge) : hinge;
    if (weight !== null) h = mul(h, reshape(indexSelect(weight, 0, reshape(y, [-1])), [rows, 1]));
    // The i == y term (margin^p) is not part of the sum.
    const own = eq(unsqueeze(arange(classes, { dtype: 'int32', device: input.device }), 0), y);
    const loss = div(sum(where(own, 0, h), 1), classes);
    return applyReduction(target.ndim === 0 ? reshape(loss, []) : loss, reduction);
  });
}
