import { ValueError, type Tensor, abs, add, clamp, mul, sub, tidy } from '@tensile/core';
import { asFloat, broadcastAll, floatArg, lossOptions, numberOption, numericArg } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface HuberLossOptions {
  reduction?: Reduction;
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}
export const HUBER_LOSS_KEYS = ['reduction', 'delta'] as const;

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
  const delta = numberOption(op, o.delta, 'delta', 1);
  if (!(delta > 0)) throw new ValueError(`${op}: huber_loss does not support non-positive values for delta, got ${delta}`);
  broadcastAll(op, floatArg(op, input, 'input'), numericArg(op, target, 'target'));
  return tidy(() => {
    const d = sub(input, asFloat(target, input.dtype as 'float32' | 'float64'));
    return applyReduction(huberTerms(d, delta, delta), reduction);
  });
}

/**
 * scale (0.5 q^2 / width + |d| - |q|) with q = clamp(d, -width, width): the
 * Huber loss (scale = width = delta) and the smooth L1 loss (scale 1, width
 * beta) in one form. Each branch's gradient is exactly PyTorch's (d / width
 * inside, sign(d) outside, the inner one at |d| == width) and no branch is
 * multiplied by a zero, so an infinite difference still has the gradient
 * +-scale rather than nan; it differentiates again.
 */
export function huberTerms(d: Tensor, width: number, scale: number): Tensor {
  const q = clamp(d, -width, width);
  const inner = mul(mul(q, q), 0.5 / width);
  return mul(add(inner, sub(abs(d), abs(q))), scale);
}
