import {
  IndexError,
  ShapeError,
  type Tensor,
  add,
  cumprod,
  div,
  fmtShape,
  gt,
  hostIndices,
  mul,
  ne,
  relu,
  scatterAdd,
  shapesEqual,
  sub,
  sum,
  tidy,
  unsqueeze,
  where,
  zeros,
} from '@tensile/core';
import { floatArg, indexArg, lossOptions } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface MultiLabelMarginLossOptions {
  reduction?: Reduction;
}
export const MULTILABEL_MARGIN_LOSS_KEYS = ['reduction'] as const;

/** IndexError unless each row's labels, up to its first -1, are in [0, classes). */
function checkLabels(op: string, target: Tensor, classes: number): void {
  const v = hostIndices(target);
  if (v === null) return;
  for (let row = 0; row < v.length; row += classes)
    for (let j = row; j < row + classes; j++) {
      const c = v[j]!;
      if (c === -1) break;
      if (c < 0 || c >= classes) throw new IndexError(`${op}: target is out of range: label ${c} in a row of ${classes} classes (labels end at the first -1)`);
    }
}

/**
 * Multi-label hinge: for each row, the labels listed in target (up to the
 * first -1) against every class that is not a label:
 * sum_j sum_{i not a label} max(0, 1 - (x[j] - x[i])) / C
 * (PyTorch's F.multilabel_margin_loss). Input and int32 target are (C) or
 * (N, C). The gradient is 0 exactly at the hinge, as in PyTorch.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options?: MultiLabelMarginLossOptions): Tensor {
  const op = 'multilabelMarginLoss';
  const o = lossOptions(op, options, MULTILABEL_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  indexArg(op, target, 'target');
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${op}: expected input of shape (C) or (N, C), got ${fmtShape(input.shape)}`);
  if (!shapesEqual(input.shape, target.shape))
    throw new ShapeError(`${op}: inconsistent size ${fmtShape(target.shape)} for argument 'target'; expected the input's shape ${fmtShape(input.shape)}`);
  const classes = input.shape[input.ndim - 1]!;
  checkLabels(op, target, classes);
  return tidy(() => {
    const x = input.ndim === 1 ? unsqueeze(input, 0) : input;
    const t = input.ndim === 1 ? unsqueeze(target, 0) : target;
    // 1 for the entries before a row's first -1, then 0.
    const listed = cumprod(ne(t, -1), 1);
    const label = where(gt(listed, 0), t, 0);
    // How often each class is listed (PyTorch counts a repeated label each time).
    const count = scatterAdd(zeros(x.shape, { dtype: x.dtype, device: x.device }), 1, label, listed.to(x.dtype));
    const other = where(gt(count, 0), 0, 1);
    // hinge[n, j, i] = max(0, 1 - x[n, j] + x[n, i]) for label j and non-label i.
    const hinge = relu(add(sub(1, unsqueeze(x, 2)), unsqueeze(x, 1)));
    const pairs = mul(mul(hinge, unsqueeze(count, 2)), unsqueeze(other, 1));
    const loss = div(sum(pairs, [1, 2]), classes);
    return applyReduction(input.ndim === 1 ? loss.reshape([]) : loss, reduction);
  });
}
