import { ValueError, type Tensor, abs, gt, lt, needsGrad, neg, noGrad, record, sub, sumTo, tidy, where } from '@tensile/core';
import { asFloat, broadcastAll, floatDtypeOf, lossOptions, numberOption, numericArg, requireSomeFloat, optionKeys } from './checks.js';
import { huberTerms } from './huber-loss.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface SmoothL1LossOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (default 1; 0 is exactly the L1 loss). */
  beta?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const SMOOTH_L1_LOSS_DEFAULTS: Readonly<Required<SmoothL1LossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, beta: 1 });
export const SMOOTH_L1_LOSS_KEYS = optionKeys(SMOOTH_L1_LOSS_DEFAULTS);

/**
 * |d| for beta == 0 (the quadratic branch would divide by zero), with
 * PyTorch's smooth_l1 gradient: sign(d), but -1 for both input and target
 * where d == 0 (its kernel tests x <= -beta first, and the target's gradient
 * runs the same kernel on target - input).
 */
function l1WithTieGradient(input: Tensor, target: Tensor): Tensor {
  const d = noGrad(() => sub(input, target));
  const out = noGrad(() => abs(d));
  const inputShape = input.shape;
  const targetShape = target.shape;
  if (needsGrad(input, target))
    record('smoothL1Loss', [input, target], [out], [d], (g, s, needs) => {
      const ds = s[0]!;
      return [
        needs[0] ? sumTo(where(gt(ds, 0), g, neg(g)), inputShape) : null,
        needs[1] ? sumTo(where(lt(ds, 0), g, neg(g)), targetShape) : null,
      ];
    });
  return out;
}

/**
 * 0.5 d^2 / beta for |d| < beta, else |d| - 0.5 beta, d = input - target
 * (PyTorch's F.smooth_l1_loss). An integer or bool input or target is
 * promoted to float.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options?: SmoothL1LossOptions): Tensor {
  const op = 'smoothL1Loss';
  const o = lossOptions(op, options, SMOOTH_L1_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const beta = numberOption(op, o.beta, 'beta', SMOOTH_L1_LOSS_DEFAULTS.beta);
  if (beta < 0) throw new ValueError(`${op}: smooth_l1_loss does not support negative values for beta, got ${beta}`);
  numericArg(op, input, 'input');
  numericArg(op, target, 'target');
  requireSomeFloat(op, [input, target], ['input', 'target']);
  broadcastAll(op, input, target);
  const dtype = floatDtypeOf(input, target);
  return tidy(() => {
    const x = asFloat(input, dtype);
    const t = asFloat(target, dtype);
    if (beta === 0) return applyReduction(l1WithTieGradient(x, t), reduction);
    return applyReduction(huberTerms(op, sub(x, t), beta, 1 / beta, 1), reduction);
  });
}
