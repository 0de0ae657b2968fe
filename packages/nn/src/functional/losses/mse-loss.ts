import { type Tensor, mul, needsGrad, noGrad, record, sub, tidy } from '@tensile/core';
import { asFloat, broadcastAll, floatDtypeOf, lossOptions, numericArg, requireSomeFloat, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface MSELossOptions {
  reduction?: Reduction;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const MSE_LOSS_DEFAULTS: Readonly<Required<MSELossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION });
export const MSE_LOSS_KEYS = optionKeys(MSE_LOSS_DEFAULTS);

/**
 * Mean squared error: (input - target)^2 (PyTorch's F.mse_loss). Its own
 * gradient, 2 (input - target) g (/ n for the mean), is one pass over the
 * data instead of the composite's four; it is written with differentiable
 * ops on the saved difference, so it differentiates again. An integer or
 * bool input or target is promoted to float, as PyTorch's kernel does.
 */
export function mseLoss(input: Tensor, target: Tensor, options?: MSELossOptions): Tensor {
  const op = 'mseLoss';
  const o = lossOptions(op, options, MSE_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  numericArg(op, input, 'input');
  numericArg(op, target, 'target');
  requireSomeFloat(op, [input, target], ['input', 'target']);
  broadcastAll(op, input, target);
  const dtype = floatDtypeOf(input, target);
  const forward = () =>
    tidy(() => {
      const d = sub(asFloat(input, dtype), asFloat(target, dtype));
      return applyReduction(mul(d, d), reduction);
    });
  if (!needsGrad(input, target)) return forward();
  // d keeps its place in the graph (sub's backward routes to input and target);
  // the square and the reduction are one custom node whose gradient is a single pass.
  const d = tidy(() => sub(asFloat(input, dtype), asFloat(target, dtype)));
  const out = noGrad(() => tidy(() => applyReduction(mul(d, d), reduction)));
  const scale = reduction === 'mean' ? 2 / d.numel() : 2;
  record(op, [d], [out], [d], (g, s) => [mul(s[0]!, mul(g, scale))]);
  d.dispose();
  return out;
}
