import { type Tensor, abs, gt, isFloat, lt, neg, needsGrad, noGrad, record, sub, sumTo, tidy, where } from '@tensile/core';
import { asFloat, broadcastAll, floatDtypeOf, lossOptions, numericArg, requireSomeFloat, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface L1LossOptions {
  reduction?: Reduction;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const L1_LOSS_DEFAULTS: Readonly<Required<L1LossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION });
export const L1_LOSS_KEYS = optionKeys(L1_LOSS_DEFAULTS);

/**
 * Mean absolute error: |input - target| (PyTorch's F.l1_loss). An integer
 * input or target is promoted to float (not a bool one: PyTorch refuses to
 * subtract it); two integer tensors give PyTorch's integer loss for the
 * reductions 'none' and 'sum'. The gradient is PyTorch's g sign(input - target), 0 at a tie
 * and at a nan difference (its sign of nan is 0); it differentiates again
 * (to 0).
 */
export function l1Loss(input: Tensor, target: Tensor, options?: L1LossOptions): Tensor {
  const op = 'l1Loss';
  const o = lossOptions(op, options, L1_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  numericArg(op, input, 'input', { bool: false });
  numericArg(op, target, 'target', { bool: false });
  broadcastAll(op, input, target);
  if (!isFloat(input.dtype) && !isFloat(target.dtype)) {
    // Two integer tensors: PyTorch's |input - target| in integers, which it can sum but not average.
    if (reduction === 'mean') requireSomeFloat(op, [input, target], ['input', 'target'], "for reduction 'mean' (an integer mean has no dtype)");
    return tidy(() => applyReduction(abs(sub(input, target)), reduction));
  }
  const dtype = floatDtypeOf(input, target);
  return tidy(() => {
    const x = asFloat(input, dtype);
    const t = asFloat(target, dtype);
    const d = noGrad(() => sub(x, t));
    const out = noGrad(() => abs(d));
    if (needsGrad(x, t)) {
      const xShape = x.shape;
      const tShape = t.shape;
      record(op, [x, t], [out], [d], (g, s, needs) => {
        const ds = s[0]!;
        // sign(d) * g with sign(nan) = 0, as PyTorch.
        const signed = where(gt(ds, 0), g, where(lt(ds, 0), neg(g), 0));
        return [needs[0] ? sumTo(signed, xShape) : null, needs[1] ? sumTo(neg(signed), tShape) : null];
      });
    }
    return applyReduction(out, reduction);
  });
}
