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
  logicalAnd,
  logicalNot,
  mul,
  ne,
  reshape,
  scatterAdd,
  sub,
  sum,
  tidy,
  unsqueeze,
  where,
  zeros,
} from '@tensile/core';
import { floatArg, indexArg, lossOptions, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface MultiLabelMarginLossOptions {
  reduction?: Reduction;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const MULTILABEL_MARGIN_LOSS_DEFAULTS: Readonly<Required<MultiLabelMarginLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION });
export const MULTILABEL_MARGIN_LOSS_KEYS = optionKeys(MULTILABEL_MARGIN_LOSS_DEFAULTS);

/**
 * IndexError unless each row's labels, up to its first -1, are in [0, classes).
 * PyTorch 1.13 range-checks the entries after the -1 as well; they are never
 * read, and this library lets them hold anything.
 */
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
 * (PyTorch's F.multilabel_margin_loss). Input and int32 target are (N, C) or
 * (C) (a 0-d input is one class and takes a 0-d or 1-element target; a (C)
 * target may be 0-d when C is 1). Reduction 'none' gives (N) for a 2-D target,
 * else a 0-d loss, as in PyTorch. A hinge term counts only where it is > 0:
 * the gradient is 0 exactly at the hinge and a nan term is left out, as
 * PyTorch's kernel does.
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, options?: MultiLabelMarginLossOptions): Tensor {
  const op = 'multilabelMarginLoss';
  const o = lossOptions(op, options, MULTILABEL_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  indexArg(op, target, 'target');
  const ndims = input.ndim;
  if (!((ndims === 2 && input.shape[1] !== 0) || (ndims === 1 && input.shape[0] !== 0) || ndims === 0))
    throw new ShapeError(`${op}: Expected non-empty vector or matrix with optional 0-dim batch size, but got: ${fmtShape(input.shape)}`);
  const rows = ndims <= 1 ? 1 : input.shape[0]!;
  const classes = ndims === 0 ? 1 : input.shape[ndims - 1]!;
  const ok = ndims <= 1 ? target.ndim <= 1 && target.numel() === classes : target.ndim === 2 && target.shape[0] === rows && target.shape[1] === classes;
  if (!ok) throw new ShapeError(`${op}: inconsistent size ${fmtShape(target.shape)} for argument 'target' (input ${fmtShape(input.shape)})`);
  checkLabels(op, target, classes);
  return tidy(() => {
    const x = reshape(input, [rows, classes]);
    const t = reshape(target, [rows, classes]);
    // 1 for the entries before a row's first -1, then 0.
    const listed = cumprod(ne(t, -1), 1);
    const label = where(gt(listed, 0), t, 0);
    // How often each class is listed (PyTorch counts a repeated label each time).
    const count = scatterAdd(zeros(x.shape, { dtype: x.dtype, device: x.device }), 1, label, listed.to(x.dtype));
    const isLabel = gt(count, 0);
    // hinge[n, j, i] = max(0, 1 - x[n, j] + x[n, i]) for label j and non-label i, counted only where > 0;
    // the other pairs are masked out (not multiplied by 0, which would turn an infinite hinge into nan).
    const z = add(sub(1, unsqueeze(x, 2)), unsqueeze(x, 1));
    const hinge = where(gt(z, 0), z, 0);
    const pair = logicalAnd(unsqueeze(isLabel, 2), logicalNot(unsqueeze(isLabel, 1)));
    const pairs = where(pair, mul(hinge, unsqueeze(count, 2)), 0);
    const loss = div(sum(pairs, [1, 2]), classes);
    return applyReduction(target.ndim <= 1 ? reshape(loss, []) : loss, reduction);
  });
}
