import {
  DTypeError,
  IndexError,
  type Tensor,
  ValueError,
  add,
  div,
  fmtShape,
  isFloat,
  logSoftmax,
  mul,
  neg,
  reshape,
  shapesEqual,
  sum,
  tidy,
  where,
} from '@tensile/core';
import { floatArg, lossOptions, numberOption, optionalFloat, requireClassWeight, requireTensor, optionKeys } from './checks.js';
import { DEFAULT_IGNORE_INDEX, batched, checkClassTarget, checkNll, nllTerms, reduceWeighted } from './nll-loss.js';
import { type Reduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';
import { crossEntropyViaFused } from './fused-cross-entropy.js';

export interface CrossEntropyLossOptions {
  reduction?: Reduction;
  /** One weight per class. */
  weight?: Tensor | null;
  /** Class-index targets equal to it are ignored (default -100); not allowed with probability targets. */
  ignoreIndex?: number;
  /** Mixes the target with the uniform distribution: (1 - s) target + s / C (default 0). */
  labelSmoothing?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const CROSS_ENTROPY_LOSS_DEFAULTS: Readonly<Required<CrossEntropyLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, weight: null, ignoreIndex: DEFAULT_IGNORE_INDEX, labelSmoothing: 0 });
export const CROSS_ENTROPY_LOSS_KEYS = optionKeys(CROSS_ENTROPY_LOSS_DEFAULTS);

/** Broadcasts a per-class weight along the class dim (1) of an (N, C, ...) tensor. */
function alongClasses(weight: Tensor, ndim: number): Tensor {
  return reshape(weight, [weight.shape[0]!, ...new Array<number>(Math.max(ndim - 2, 0)).fill(1)]);
}

/**
 * Cross-entropy of logits against int32 class indices or class probabilities
 * (target of input's shape), computed from a stable log-softmax (PyTorch's
 * F.cross_entropy). Input is (C), (N, C) or (N, C, d1, ...).
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyLossOptions): Tensor {
  const op = 'crossEntropy';
  const o = lossOptions(op, options, CROSS_ENTROPY_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const weight = optionalFloat(op, o.weight, 'weight');
  const ignoreIndex = numberOption(op, o.ignoreIndex, 'ignoreIndex', CROSS_ENTROPY_LOSS_DEFAULTS.ignoreIndex);
  const labelSmoothing = numberOption(op, o.labelSmoothing, 'labelSmoothing', CROSS_ENTROPY_LOSS_DEFAULTS.labelSmoothing, { nan: true });
  // PyTorch 1.13 rejects only values above 1; zero, below (and NaN) mean no smoothing.
  if (labelSmoothing > 1) throw new ValueError(`${op}: labelSmoothing must be between 0.0 and 1.0, got ${labelSmoothing}`);
  // biome-ignore lint/complexity/useMathMinMax: a NaN labelSmoothing becomes 0 here; Math.max would keep NaN
  const smoothing = labelSmoothing > 0 ? labelSmoothing : 0;
  floatArg(op, input, 'input');
  requireTensor(op, target, 'target');
  if (input.ndim === 0) {
    // PyTorch reads a 0-d target of a 0-d input as probabilities, then finds no class dim.
    if (target.ndim === 0 && !isFloat(target.dtype))
      throw new DTypeError(`${op}: Expected floating point type for target with class probabilities (the input's shape, []), got ${target.dtype}`);
    throw new IndexError(`${op}: the class dim (1) is out of range for a 0-d input; input must be (C), (N, C) or (N, C, d1, ...)`);
  }
  const probs = shapesEqual(input.shape, target.shape);
  if (probs) {
    if (!isFloat(target.dtype))
      throw new DTypeError(`${op}: expected a floating point target with class probabilities (same shape as input, ${fmtShape(input.shape)}), got ${target.dtype}`);
    if (ignoreIndex >= 0) throw new ValueError(`${op}: ignoreIndex is not supported for floating point (class probability) targets, got ignoreIndex ${ignoreIndex}`);
    requireClassWeight(op, weight, input.ndim === 1 ? input.shape[0]! : input.shape[1]!);
  } else {
    // A float target of the wrong shape is neither kind; report the shape before suggesting int32.
    if (isFloat(target.dtype)) checkClassTarget(op, input, target);
    checkNll(op, input, target, weight, ignoreIndex);
  }
  return tidy(() => {
    const b = batched(input, target);
    if (!probs && weight === null && smoothing === 0 && reduction !== 'none') {
      const fused = crossEntropyViaFused(b.input, b.target, { ignoreIndex, reduction });
      if (fused !== null) return fused;
    }
    const classes = b.input.shape[1]!;
    const logp = logSoftmax(b.input, 1);
    const w = weight === null ? null : alongClasses(weight, b.input.ndim);
    if (probs) {
      const t = smoothing > 0 ? add(mul(b.target, 1 - smoothing), smoothing / classes) : b.target;
      const terms = w === null ? mul(logp, t) : mul(mul(logp, t), w);
      if (reduction === 'none') return b.unbatch(neg(sum(terms, 1)));
      const total = neg(sum(terms));
      return reduction === 'sum' ? total : div(total, b.input.numel() / classes);
    }
    const { loss, weights, kept } = nllTerms(logp, b.target, weight, ignoreIndex);
    if (smoothing === 0) return reduction === 'none' ? b.unbatch(loss) : reduceWeighted(loss, weights, kept, reduction);
    // PyTorch mixes in -sum_c w_c log p_c, zero where ignored, scaled by s / C; 'mean' divides both by the same total weight.
    const uniform = neg(sum(w === null ? logp : mul(logp, w), 1));
    const smooth = where(kept, uniform, 0);
    const mixed = add(mul(loss, 1 - smoothing), mul(smooth, smoothing / classes));
    return reduction === 'none' ? b.unbatch(mixed) : reduceWeighted(mixed, weights, kept, reduction);
  });
}
