import { type Tensor, add, mul, needsGrad, neg, noGrad, record, sigmoid, softplus, sub, tidy } from '@tensile/core';
import { floatArg, lossOptions, optionalNumeric, requireBroadcastsTo, requireSameShape, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface BCEWithLogitsLossOptions {
  reduction?: Reduction;
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | null;
  /** Weight of the positive term, one per class (broadcast over the last dim). */
  posWeight?: Tensor | null;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const BCE_WITH_LOGITS_LOSS_DEFAULTS: Readonly<Required<BCEWithLogitsLossOptions>> = Object.freeze({
  reduction: DEFAULT_REDUCTION,
  weight: null,
  posWeight: null,
});
export const BCE_WITH_LOGITS_LOSS_KEYS = optionKeys(BCE_WITH_LOGITS_LOSS_DEFAULTS);

/**
 * Binary cross-entropy on logits, stable for any logit:
 * (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), since -log sigmoid(x) =
 * softplus(-x) (PyTorch's F.binary_cross_entropy_with_logits). Where only the
 * input needs a gradient, it is PyTorch's own formula,
 * ((1 + (posWeight - 1) t) sigmoid(x) - posWeight t) w g, three passes instead
 * of the composite's seven, written with differentiable ops so it
 * differentiates again.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: BCEWithLogitsLossOptions): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const o = lossOptions(op, options, BCE_WITH_LOGITS_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  floatArg(op, target, 'target');
  const weight = optionalNumeric(op, o.weight, 'weight');
  const posWeight = optionalNumeric(op, o.posWeight, 'posWeight');
  requireSameShape(op, input, target);
  if (weight !== null) requireBroadcastsTo(op, weight, input.shape, 'weight');
  if (posWeight !== null) requireBroadcastsTo(op, posWeight, input.shape, 'posWeight');
  const forward = () =>
    tidy(() => {
      const logSigmoidNeg = softplus(neg(input));
      const positive = posWeight === null ? logSigmoidNeg : mul(add(mul(sub(posWeight, 1), target), 1), logSigmoidNeg);
      let loss = add(mul(sub(1, target), input), positive);
      if (weight !== null) loss = mul(loss, weight);
      return applyReduction(loss, reduction);
    });
  if (!needsGrad(input) || needsGrad(target, weight, posWeight)) return forward();
  const out = noGrad(forward);
  const scale = reduction === 'mean' ? 1 / input.numel() : 1;
  record(op, [input], [out], [input], (g, [x]) =>
    tidy(() => {
      const p = sigmoid(x!);
      let d = posWeight === null ? sub(p, target) : sub(mul(add(mul(sub(posWeight, 1), target), 1), p), mul(posWeight, target));
      if (weight !== null) d = mul(d, weight);
      const dx = mul(d, scale === 1 ? g : mul(g, scale));
      // A float64 target or weight promotes the loss; the gradient keeps the input's dtype.
      return [dx.dtype === x!.dtype ? dx : dx.to(x!.dtype)];
    }),
  );
  return out;
}
