import { ShapeError, type Tensor, add, clamp, minimum, sub, tidy } from '@tensile/core';
import { asFloat, boolOption, broadcastAll, floatDtypeOf, lossOptions, numberOption, numericArg, optionKeys } from './checks.js';
import { pairwiseDistance } from './distance.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface TripletMarginLossOptions {
  reduction?: Reduction;
  margin?: number;
  /** The norm of the pairwise distance (default 2). */
  p?: number;
  /** Added to the difference before the norm (default 1e-6). */
  eps?: number;
  /** Use the distance from positive to negative when it is smaller (Balntas et al.'s distance swap). */
  swap?: boolean;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const TRIPLET_MARGIN_LOSS_DEFAULTS: Readonly<Required<TripletMarginLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, margin: 1, p: 2, eps: 1e-6, swap: false });
export const TRIPLET_MARGIN_LOSS_KEYS = optionKeys(TRIPLET_MARGIN_LOSS_DEFAULTS);

/** Anchor, positive and negative must have the same number of dims and broadcast together. */
export function checkTriplet(op: string, anchor: Tensor, positive: Tensor, negative: Tensor): void {
  // Not bool: PyTorch refuses to subtract one.
  numericArg(op, anchor, 'anchor', { bool: false });
  numericArg(op, positive, 'positive', { bool: false });
  numericArg(op, negative, 'negative', { bool: false });
  if (anchor.ndim !== positive.ndim || positive.ndim !== negative.ndim)
    throw new ShapeError(`${op}: All inputs should have same dimension but got ${anchor.ndim}D, ${positive.ndim}D and ${negative.ndim}D inputs.`);
  broadcastAll(op, anchor, positive, negative);
}

/** max(0, margin + d(a, p) - d(a, n)), where d(a, n) is min(d(a, n), d(p, n)) with swap. */
export function tripletHinge(distance: (x: Tensor, y: Tensor) => Tensor, anchor: Tensor, positive: Tensor, negative: Tensor, margin: number, swap: boolean): Tensor {
  const dPos = distance(anchor, positive);
  let dNeg = distance(anchor, negative);
  if (swap) dNeg = minimum(dNeg, distance(positive, negative));
  return clamp(add(sub(dPos, dNeg), margin), 0);
}

/**
 * Triplet loss with p-norm distances: max(0, margin + |a - p + eps|_p -
 * |a - n + eps|_p) (PyTorch's F.triplet_margin_loss). Inputs are (N, D), (D)
 * or any shape with the features last (a 0-d input is one feature); integer
 * inputs are promoted to float.
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginLossOptions): Tensor {
  const op = 'tripletMarginLoss';
  const o = lossOptions(op, options, TRIPLET_MARGIN_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', TRIPLET_MARGIN_LOSS_DEFAULTS.margin, { nan: true });
  // PyTorch checks neither: a nan norm or difference makes the loss nan.
  const p = numberOption(op, o.p, 'p', TRIPLET_MARGIN_LOSS_DEFAULTS.p, { nan: true });
  const eps = numberOption(op, o.eps, 'eps', TRIPLET_MARGIN_LOSS_DEFAULTS.eps, { nan: true });
  const swap = boolOption(op, o.swap, 'swap', TRIPLET_MARGIN_LOSS_DEFAULTS.swap);
  checkTriplet(op, anchor, positive, negative);
  const dtype = floatDtypeOf(anchor, positive, negative);
  return tidy(() => {
    const [a, pos, neg] = [anchor, positive, negative].map((t) => asFloat(t, dtype)) as [Tensor, Tensor, Tensor];
    return applyReduction(tripletHinge((x, y) => pairwiseDistance(x, y, p, eps), a, pos, neg, margin, swap), reduction);
  });
}
