import { type Tensor, div, eq, exp, log, mul, sub, sum, tidy, where } from '@tensile/core';
import { boolOption, broadcastAll, floatArg, lossOptions, optionKeys } from './checks.js';
import { type Reduction, applyReduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

export type KLDivReduction = Reduction | 'batchmean';
/** The reductions klDiv accepts: the usual three and 'batchmean'. */
export const KL_DIV_REDUCTIONS: readonly KLDivReduction[] = ['none', 'mean', 'sum', 'batchmean'];

export interface KLDivLossOptions {
  /** 'batchmean' divides the summed loss by the batch size (input.size(0)), which is the true KL divergence; 'mean' divides by numel. */
  reduction?: KLDivReduction;
  /** Whether target holds log-probabilities (default false: probabilities). */
  logTarget?: boolean;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const KL_DIV_LOSS_DEFAULTS: Readonly<Required<KLDivLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, logTarget: false });
export const KL_DIV_LOSS_KEYS = optionKeys(KL_DIV_LOSS_DEFAULTS);

/** t log t with 0 at t = 0 (PyTorch's xlogy(t, t)); the gradient there is 0 rather than NaN. */
function xlogx(t: Tensor): Tensor {
  const zero = eq(t, 0);
  return mul(t, log(where(zero, 1, t)));
}

/**
 * Kullback-Leibler divergence of target from input, with input given as
 * log-probabilities: target (log target - input), or exp(target) (target -
 * input) with logTarget (PyTorch's F.kl_div).
 */
export function klDiv(input: Tensor, target: Tensor, options?: KLDivLossOptions): Tensor {
  const op = 'klDiv';
  const o = lossOptions(op, options, KL_DIV_LOSS_KEYS);
  const reduction = checkReduction<KLDivReduction>(op, o.reduction, KL_DIV_REDUCTIONS);
  const logTarget = boolOption(op, o.logTarget, 'logTarget', KL_DIV_LOSS_DEFAULTS.logTarget);
  broadcastAll(op, floatArg(op, input, 'input'), floatArg(op, target, 'target'));
  return tidy(() => {
    const loss = logTarget ? mul(exp(target), sub(target, input)) : sub(xlogx(target), mul(target, input));
    if (reduction !== 'batchmean') return applyReduction(loss, reduction);
    return div(sum(loss), input.ndim === 0 ? 1 : input.shape[0]!);
  });
}
