import { type Tensor, ValueError, isTensor, tidy } from '@tensile/core';
import { boolOption, lossOptions, numberOption } from './checks.js';
import { pairwiseDistance } from './distance.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';
import { checkTriplet, tripletHinge } from './triplet-margin-loss.js';

/** A distance between two batches of embeddings: one non-negative value per pair. */
export type DistanceFunction = (x: Tensor, y: Tensor) => Tensor;

export interface TripletMarginWithDistanceLossOptions {
  reduction?: Reduction;
  /** Any differentiable distance (default: F.pairwiseDistance, the Euclidean distance). */
  distanceFunction?: DistanceFunction | null;
  margin?: number;
  swap?: boolean;
}
export const TRIPLET_MARGIN_WITH_DISTANCE_LOSS_KEYS = ['reduction', 'distanceFunction', 'margin', 'swap'] as const;

/**
 * Triplet loss with a distance function of your choosing:
 * max(0, margin + d(a, p) - d(a, n)) (PyTorch's
 * F.triplet_margin_with_distance_loss).
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginWithDistanceLossOptions): Tensor {
  const op = 'tripletMarginWithDistanceLoss';
  const o = lossOptions(op, options, TRIPLET_MARGIN_WITH_DISTANCE_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', 1);
  const swap = boolOption(op, o.swap, 'swap', false);
  const fn = o.distanceFunction ?? null;
  if (fn !== null && typeof fn !== 'function') throw new ValueError(`${op}: distanceFunction must be a function (x, y) => Tensor, got ${typeof fn}`);
  checkTriplet(op, anchor, positive, negative);
  const distance: DistanceFunction =
    fn === null
      ? (x, y) => pairwiseDistance(x, y)
      : (x, y) => {
          const d = fn(x, y);
          if (!isTensor(d)) throw new ValueError(`${op}: distanceFunction must return a Tensor, got ${typeof d}`);
          return d;
        };
  return tidy(() => applyReduction(tripletHinge(distance, anchor, positive, negative, margin, swap), reduction));
}
