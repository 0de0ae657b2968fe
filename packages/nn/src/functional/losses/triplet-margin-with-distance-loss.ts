import { DTypeError, DeviceError, IndexError, ShapeError, type Tensor, ValueError, isTensor, tidy } from '@tensile/core';
import { boolOption, broadcastAll, lossOptions, numberOption, numericArg, requireTensor, optionKeys } from './checks.js';
import { pairwiseDistance } from './distance.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';
import { tripletHinge } from './triplet-margin-loss.js';

const ERRORS = [ShapeError, DTypeError, IndexError, ValueError, DeviceError] as const;

/** An error of the distance function, as the same class with a message that names the loss. */
function named(op: string, e: unknown): unknown {
  for (const E of ERRORS) if (e instanceof E && !e.message.startsWith(op)) return new E(`${op}: distanceFunction failed: ${e.message}`);
  return e;
}

/** A distance between two batches of embeddings: one non-negative value per pair. */
export type DistanceFunction = (x: Tensor, y: Tensor) => Tensor;

export interface TripletMarginWithDistanceLossOptions {
  reduction?: Reduction;
  /** Any differentiable distance (default: F.pairwiseDistance, the Euclidean distance). */
  distanceFunction?: DistanceFunction | null;
  margin?: number;
  swap?: boolean;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const TRIPLET_MARGIN_WITH_DISTANCE_LOSS_DEFAULTS: Readonly<Required<TripletMarginWithDistanceLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, distanceFunction: null, margin: 1, swap: false });
export const TRIPLET_MARGIN_WITH_DISTANCE_LOSS_KEYS = optionKeys(TRIPLET_MARGIN_WITH_DISTANCE_LOSS_DEFAULTS);

/**
 * Triplet loss with a distance function of your choosing:
 * max(0, margin + d(a, p) - d(a, n)) (PyTorch's
 * F.triplet_margin_with_distance_loss). As there, the inputs' shapes are the
 * distance function's business: they need not have the same number of dims
 * (the default pairwise distance broadcasts them).
 */
export function tripletMarginWithDistanceLoss(anchor: Tensor, positive: Tensor, negative: Tensor, options?: TripletMarginWithDistanceLossOptions): Tensor {
  const op = 'tripletMarginWithDistanceLoss';
  const o = lossOptions(op, options, TRIPLET_MARGIN_WITH_DISTANCE_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const margin = numberOption(op, o.margin, 'margin', TRIPLET_MARGIN_WITH_DISTANCE_LOSS_DEFAULTS.margin, { nan: true });
  const swap = boolOption(op, o.swap, 'swap', TRIPLET_MARGIN_WITH_DISTANCE_LOSS_DEFAULTS.swap);
  const fn = o.distanceFunction ?? null;
  if (fn !== null && typeof fn !== 'function') throw new ValueError(`${op}: distanceFunction must be a function (x, y) => Tensor, got ${typeof fn}`);
  // Integer embeddings are the distance function's business (the default one promotes them, as PyTorch's).
  requireTensor(op, anchor, 'anchor');
  requireTensor(op, positive, 'positive');
  requireTensor(op, negative, 'negative');
  if (fn === null) {
    numericArg(op, anchor, 'anchor', { bool: false });
    numericArg(op, positive, 'positive', { bool: false });
    numericArg(op, negative, 'negative', { bool: false });
    // The pairs the default distance is taken over must broadcast.
    broadcastAll(op, anchor, positive);
    broadcastAll(op, anchor, negative);
    if (swap) broadcastAll(op, positive, negative);
  }
  const distance: DistanceFunction =
    fn === null
      ? (x, y) => pairwiseDistance(x, y)
      : (x, y) => {
          const d: unknown = fn(x, y);
          if (!isTensor(d)) throw new ValueError(`${op}: distanceFunction must return a Tensor, got ${typeof d}`);
          return d;
        };
  try {
    return tidy(() => applyReduction(tripletHinge(distance, anchor, positive, negative, margin, swap), reduction));
  } catch (e) {
    // A user's distance may fail, or return distances that do not combine: the error names the loss.
    throw named(op, e);
  }
}
