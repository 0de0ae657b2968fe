import { DTypeError, type Tensor, add, exp, fmtShape, le, log, mul, sub, tidy, where } from '@tensile/core';
import { asFloat, boolOption, broadcastAll, floatDtypeOf, lossOptions, numberOption, numericArg, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface PoissonNLLLossOptions {
  reduction?: Reduction;
  /** Whether input is the log of the rate (default true) or the rate itself. */
  logInput?: boolean;
  /** Add the Stirling approximation of log(target!) (default false). */
  full?: boolean;
  /** Added to the rate before its log when logInput is false (default 1e-8). */
  eps?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const POISSON_NLL_LOSS_DEFAULTS: Readonly<Required<PoissonNLLLossOptions>> = Object.freeze({
  reduction: DEFAULT_REDUCTION,
  logInput: true,
  full: false,
  eps: 1e-8,
});
export const POISSON_NLL_LOSS_KEYS = optionKeys(POISSON_NLL_LOSS_DEFAULTS);

/**
 * Negative log-likelihood of a Poisson target: exp(input) - target input, or
 * input - target log(input + eps) for rates; with full, plus the Stirling term
 * t log t - t + 0.5 log(2 pi t) where target > 1 (PyTorch's F.poisson_nll_loss).
 * Integer and bool counts and inputs are promoted to float, except where
 * PyTorch's formula would subtract a bool (which it refuses).
 */
export function poissonNllLoss(input: Tensor, target: Tensor, options?: PoissonNLLLossOptions): Tensor {
  const op = 'poissonNllLoss';
  const o = lossOptions(op, options, POISSON_NLL_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const logInput = boolOption(op, o.logInput, 'logInput', POISSON_NLL_LOSS_DEFAULTS.logInput);
  const full = boolOption(op, o.full, 'full', POISSON_NLL_LOSS_DEFAULTS.full);
  const eps = numberOption(op, o.eps, 'eps', POISSON_NLL_LOSS_DEFAULTS.eps);
  numericArg(op, input, 'input');
  numericArg(op, target, 'target');
  // PyTorch computes exp(input) - target * input (or input - target * log(input + eps)), plus
  // target log(target) - target + ... with full: it refuses wherever that subtracts a bool.
  const boolSub = logInput ? input.dtype === 'bool' && target.dtype === 'bool' : input.dtype === 'bool';
  if (boolSub || (full && target.dtype === 'bool'))
    throw new DTypeError(
      `${op}: cannot subtract a bool tensor (input ${input.dtype} of shape ${fmtShape(input.shape)}, target ${target.dtype} of shape ${fmtShape(target.shape)}${logInput ? '' : ', logInput false'}${full ? ', full' : ''}); convert it to float or int32 first`,
    );
  broadcastAll(op, input, target);
  const dtype = floatDtypeOf(input, target);
  return tidy(() => {
    const x = asFloat(input, dtype);
    const y = asFloat(target, dtype);
    let loss = logInput ? sub(exp(x), mul(y, x)) : sub(x, mul(y, log(add(x, eps))));
    if (full) {
      // Only targets above 1 get the term; the others read a harmless 2 so that
      // neither the value nor the gradient sees log(0) (PyTorch's is NaN there).
      const small = le(y, 1);
      const t = where(small, 2, y);
      const stirling = add(sub(mul(t, log(t)), t), mul(log(mul(t, 2 * Math.PI)), 0.5));
      loss = add(loss, where(small, 0, stirling));
    }
    return applyReduction(loss, reduction);
  });
}
