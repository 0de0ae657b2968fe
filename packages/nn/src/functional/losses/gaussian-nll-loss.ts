import { type Tensor, ValueError, add, checkValues, div, fmtShape, log, mul, shapesEqual, sub, tidy, unsqueeze } from '@tensile/core';
import { clampMinIdentityGrad } from './autograd.js';
import { asFloat, boolOption, broadcastAll, floatArg, floatDtypeOf, lossOptions, numberOption, numericArg, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export interface GaussianNLLLossOptions {
  reduction?: Reduction;
  /** Add the constant 0.5 log(2 pi) (default false). */
  full?: boolean;
  /** Lower bound on var, for stability (default 1e-6). */
  eps?: number;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const GAUSSIAN_NLL_LOSS_DEFAULTS: Readonly<Required<GaussianNLLLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, full: false, eps: 1e-6 });
export const GAUSSIAN_NLL_LOSS_KEYS = optionKeys(GAUSSIAN_NLL_LOSS_DEFAULTS);

/**
 * Negative log-likelihood of target under a Gaussian with mean input and
 * variance var: 0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps))
 * (PyTorch's F.gaussian_nll_loss). var may have input's shape, or one dim
 * fewer, or a last dim of 1 (one variance shared by the last dim). As in
 * PyTorch, var is clamped without autograd seeing it: the gradient flows to
 * var as if the clamp were the identity. An integer input or target is
 * promoted to float; var must be float.
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, options?: GaussianNLLLossOptions): Tensor {
  const op = 'gaussianNllLoss';
  const o = lossOptions(op, options, GAUSSIAN_NLL_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const full = boolOption(op, o.full, 'full', GAUSSIAN_NLL_LOSS_DEFAULTS.full);
  const eps = numberOption(op, o.eps, 'eps', GAUSSIAN_NLL_LOSS_DEFAULTS.eps);
  // Not bool: PyTorch refuses to subtract one.
  numericArg(op, input, 'input', { bool: false });
  numericArg(op, target, 'target', { bool: false });
  floatArg(op, variance, 'var');
  const lead = input.shape.slice(0, -1);
  let unsqueezeVar = false;
  if (!shapesEqual(variance.shape, input.shape)) {
    if (input.ndim > 0 && shapesEqual(lead, variance.shape)) unsqueezeVar = true;
    else if (!(input.ndim > 0 && variance.ndim === input.ndim && shapesEqual(lead, variance.shape.slice(0, -1)) && variance.shape[variance.ndim - 1] === 1))
      throw new ValueError(
        `${op}: var is of incorrect size: var has shape ${fmtShape(variance.shape)} for input of shape ${fmtShape(input.shape)}; expected the input's shape, the input's shape without its last dim, or that with a last dim of 1`,
      );
  }
  // var's shape was checked against input's above; input and target broadcast as in PyTorch.
  broadcastAll(op, input, target);
  // At once where the values can be read without waiting on a device; else the device's next readback throws.
  checkValues(variance, { min: 0, nanFails: false }, () => new ValueError(`${op}: var has negative entry/entries`));
  return tidy(() => {
    const v = clampMinIdentityGrad('gaussianNllLossVarClamp', unsqueezeVar ? unsqueeze(variance, -1) : variance, eps);
    const dtype = floatDtypeOf(input, target, variance);
    const d = sub(asFloat(input, dtype), asFloat(target, dtype));
    let loss = mul(add(log(v), div(mul(d, d), v)), 0.5);
    if (full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
    return applyReduction(loss, reduction);
  });
}
