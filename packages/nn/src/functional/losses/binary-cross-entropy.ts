import { type Tensor, ValueError, add, checkValues, clamp, div, log, mul, needsGrad, neg, noGrad, record, sub, tidy } from '@tensile/core';
import { floatArg, lossOptions, optionalNumeric, requireBroadcastsTo, requireSameShape, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface BCELossOptions {
  reduction?: Reduction;
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | null;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const BCE_LOSS_DEFAULTS: Readonly<Required<BCELossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, weight: null });
export const BCE_LOSS_KEYS = optionKeys(BCE_LOSS_DEFAULTS);

/**
 * Elementwise -w (t log p + (1 - t) log(1 - p)) with PyTorch's hand-written
 * gradient: the logs are clamped to >= -100 so p = 0 or 1 give finite losses,
 * and the input gradient w (p - t) / max(p (1 - p), 1e-12) stays finite there
 * too, where the gradient of the clamped formula would be 0 or infinite. The
 * backward is written with differentiable ops, so it can be differentiated again.
 */
function bceElementwise(p: Tensor, t: Tensor, w: Tensor | null): Tensor {
  const out = noGrad(() => {
    const logP = clamp(log(p), -100);
    const log1mP = clamp(log(sub(1, p)), -100);
    const l = neg(add(mul(t, logP), mul(sub(1, t), log1mP)));
    return w === null ? l : mul(l, w);
  });
  if (needsGrad(p, t))
    record('binaryCrossEntropy', [p, t], [out], w === null ? [p, t] : [p, t, w], (g, s, needs) => {
      const [ps, ts, ws] = s as [Tensor, Tensor, Tensor | undefined];
      const gw = ws === undefined ? g : mul(g, ws);
      return [
        needs[0] ? div(mul(gw, sub(ps, ts)), clamp(mul(ps, sub(1, ps)), 1e-12)) : null,
        // d/dt = log(1 - p) - log(p) = -logit(p), unclamped as in PyTorch.
        needs[1] ? mul(gw, sub(log(sub(1, ps)), log(ps))) : null,
      ];
    });
  return out;
}

/** Binary cross-entropy between probabilities input and target (PyTorch's F.binary_cross_entropy). */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: BCELossOptions): Tensor {
  const op = 'binaryCrossEntropy';
  const o = lossOptions(op, options, BCE_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  floatArg(op, input, 'input');
  floatArg(op, target, 'target');
  const weight = optionalNumeric(op, o.weight, 'weight');
  requireSameShape(op, input, target);
  if (weight !== null) requireBroadcastsTo(op, weight, input.shape, 'weight');
  // At once where the values can be read without waiting on a device; else the device's next readback throws.
  checkValues(input, { min: 0, max: 1, nanFails: true }, (v) => new ValueError(`${op}: all elements of input should be between 0 and 1, got ${v}`));
  return tidy(() => applyReduction(bceElementwise(input, target, weight), reduction));
}
