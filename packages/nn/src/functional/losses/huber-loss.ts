import { ValueError, type Tensor, abs, gt, lt, mul, needsGrad, noGrad, record, sub, tidy, where } from '@tensile/core';
import { asFloat, broadcastAll, floatArg, lossOptions, numberOption, numericArg, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface HuberLossOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const HUBER_LOSS_DEFAULTS: Readonly<Required<HuberLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, delta: 1 });
export const HUBER_LOSS_KEYS = optionKeys(HUBER_LOSS_DEFAULTS);

/**
 * Quadratic for |d| < delta, linear beyond: 0.5 d^2 or delta (|d| - 0.5 delta),
 * d = input - target (PyTorch's F.huber_loss). An integer or bool target is
 * promoted to the input's float dtype (the input itself must be float, as in
 * PyTorch).
 */
export function huberLoss(input: Tensor, target: Tensor, options?: HuberLossOptions): Tensor {
  const op = 'huberLoss';
  const o = lossOptions(op, options, HUBER_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const delta = numberOption(op, o.delta, 'delta', HUBER_LOSS_DEFAULTS.delta);
  if (!(delta > 0)) throw new ValueError(`${op}: huber_loss does not support non-positive values for delta, got ${delta}`);
  broadcastAll(op, floatArg(op, input, 'input'), numericArg(op, target, 'target'));
  return tidy(() => {
    const d = sub(input, asFloat(target, input.dtype as 'float32' | 'float64'));
    return applyReduction(huberTerms(op, d, delta, 1, delta), reduction);
  });
}

/**
 * PyTorch's two branches, each as it writes them: inner 0.5 d^2 for |d| <
 * width, else outer (|d| - 0.5 width), the Huber loss (inner 1, outer =
 * width = delta) and the smooth L1 loss (inner 1 / beta, outer 1, width
 * beta); an infinite width is then 0.5 d^2 (Huber) or 0 (smooth L1), as
 * there. Its gradient is PyTorch's, one pass: -outer below -width, outer
 * above width, inner d otherwise (so a nan difference has a nan gradient and
 * an infinite one +-outer); it is written on d, which stays in the graph, so
 * it differentiates again.
 */
export function huberTerms(op: string, d: Tensor, width: number, inner: number, outer: number): Tensor {
  const out = noGrad(() => {
    const z = abs(d);
    return where(lt(z, width), mul(mul(d, d), 0.5 * inner), mul(sub(z, 0.5 * width), outer));
  });
  if (needsGrad(d))
    record(op, [d], [out], [d], (g, s) => {
      const ds = s[0]!;
      return [mul(g, where(lt(ds, -width), -outer, where(gt(ds, width), outer, mul(ds, inner))))];
    });
  return out;
}
