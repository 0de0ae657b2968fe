import {
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  div,
  fmtShape,
  gather,
  indexSelect,
  mul,
  ne,
  neg,
  reshape,
  shapesEqual,
  squeeze,
  sum,
  unsqueeze,
  where,
  any,
  logicalNot,
} from '@tensile/core';
import { checkClassIndices, floatArg, indexArg, lossOptions, numberOption, optionalFloat, requireClassWeight, optionKeys } from './checks.js';
import { type Reduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

/** PyTorch's default ignore_index. */
export const DEFAULT_IGNORE_INDEX = -100;

/**
 * Shapes of class-index losses: input (C), (N, C) or (N, C, d1, ...) with
 * target (), (N) or (N, d1, ...), checked in PyTorch's order (nll_loss_nd):
 * at least one dim, then the batch sizes (a ValueError, as there), then the
 * target's shape.
 */
export function checkClassTarget(op: string, input: Tensor, target: Tensor): void {
  if (input.ndim < 1) throw new ValueError(`${op}: Expected 1 or more dimensions (got 0): input of shape ${fmtShape(input.shape)} has no class dim`);
  if (input.ndim !== 1 && (target.ndim === 0 || input.shape[0] !== target.shape[0]))
    throw new ValueError(
      `${op}: Expected input batch_size (${input.shape[0]}) to match target batch_size (${target.ndim === 0 ? 'none: the target is 0-d' : target.shape[0]}); input ${fmtShape(input.shape)}, target ${fmtShape(target.shape)}`,
    );
  if (input.ndim <= 2) {
    if (target.ndim > 1)
      throw new ShapeError(`${op}: 0D or 1D target tensor expected, multi-target not supported; got target of shape ${fmtShape(target.shape)} for input ${fmtShape(input.shape)}`);
    if (input.ndim === 1 && target.ndim !== 0)
      throw new ShapeError(`${op}: size mismatch: unbatched input of shape ${fmtShape(input.shape)} needs a 0-d target, got shape ${fmtShape(target.shape)}`);
    return;
  }
  const want = [input.shape[0]!, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, want))
    throw new ShapeError(`${op}: size mismatch: input ${fmtShape(input.shape)} needs a target of shape ${fmtShape(want)}, got ${fmtShape(target.shape)}`);
}

/** Every check of a class-index loss (dtypes, shapes, weight, index range), before anything runs. */
export function checkNll(op: string, input: unknown, target: unknown, weight: Tensor | null, ignoreIndex: number): void {
  const x = floatArg(op, input, 'input');
  const t = indexArg(op, target, 'target');
  if (!Number.isInteger(ignoreIndex)) throw new ValueError(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  checkClassTarget(op, x, t);
  const classes = x.ndim === 1 ? x.shape[0]! : x.shape[1]!;
  requireClassWeight(op, weight, classes);
  checkClassIndices(op, t, classes, ignoreIndex);
}

/**
 * The negative log-likelihood of checked (N, C, ...) log-probabilities at
 * (N, ...) targets, with the per-element weights w[target] (0 where ignored):
 * the unreduced loss, those weights (which 'mean' divides by) and the mask of
 * targets that are not ignored. An ignored entry's loss is masked out, not
 * multiplied by its zero weight, so its gradient stays 0 whatever 'mean'
 * divides by (as PyTorch's kernel skips it).
 */
export function nllTerms(logp: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number): { loss: Tensor; weights: Tensor; kept: Tensor } {
  const kept = ne(target, ignoreIndex);
  // Ignored entries may hold any value; they read class 0 and get weight 0.
  const safe = where(kept, target, 0);
  const picked = squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1);
  const w = weight === null ? null : reshape(indexSelect(weight, 0, reshape(safe, [-1])), safe.shape);
  const weights = w === null ? where(kept, 1, 0) : where(kept, w, 0);
  const wf = weights.dtype === logp.dtype ? weights : weights.to(logp.dtype);
  return { loss: where(kept, w === null ? neg(picked) : mul(neg(picked), w), 0), weights: wf, kept };
}

/**
 * sum(loss) / sum(weights), as PyTorch's nll_loss: NaN with a zero gradient
 * when every target is ignored; when the targets that count all have weight
 * 0 it is 0 / 0 as well, and so is their gradient (PyTorch's too).
 */
export function weightedMean(loss: Tensor, weights: Tensor, kept: Tensor): Tensor {
  const none = logicalNot(any(kept));
  return where(none, NaN, div(sum(loss), where(none, 1, sum(weights))));
}

/** Reduces a weighted class-index loss as PyTorch's nll_loss does ('mean' divides by the total weight). */
export function reduceWeighted(loss: Tensor, weights: Tensor, kept: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : weightedMean(loss, weights, kept);
}

/** Adds a batch dim to unbatched (C) input and () target; `unbatch` removes it from an unreduced result. */
export function batched(input: Tensor, target: Tensor): { input: Tensor; target: Tensor; unbatch: (t: Tensor) => Tensor } {
  if (input.ndim !== 1) return { input, target, unbatch: (t) => t };
  return { input: unsqueeze(input, 0), target: unsqueeze(target, 0), unbatch: (t) => (t.ndim === 0 ? t : squeeze(t, 0)) };
}

export interface NLLLossOptions {
  reduction?: Reduction;
  /** One weight per class. */
  weight?: Tensor | null;
  /** Targets equal to it contribute nothing, not even to the mean's denominator (default -100). */
  ignoreIndex?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const NLL_LOSS_DEFAULTS: Readonly<Required<NLLLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, weight: null, ignoreIndex: DEFAULT_IGNORE_INDEX });
export const NLL_LOSS_KEYS = optionKeys(NLL_LOSS_DEFAULTS);

/**
 * Negative log-likelihood of int32 class targets under log-probabilities:
 * -w[t] input[t] per element, 'mean' dividing by the total weight of the
 * targets that are not ignored (PyTorch's F.nll_loss). Input is (C), (N, C)
 * or (N, C, d1, ...), target (), (N) or (N, d1, ...).
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NLLLossOptions): Tensor {
  const op = 'nllLoss';
  const o = lossOptions(op, options, NLL_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const weight = optionalFloat(op, o.weight, 'weight');
  const ignoreIndex = numberOption(op, o.ignoreIndex, 'ignoreIndex', NLL_LOSS_DEFAULTS.ignoreIndex);
  checkNll(op, input, target, weight, ignoreIndex);
  return tidy(() => {
    const b = batched(input, target);
    const { loss, weights, kept } = nllTerms(b.input, b.target, weight, ignoreIndex);
    return reduction === 'none' ? b.unbatch(loss) : reduceWeighted(loss, weights, kept, reduction);
  });
}
