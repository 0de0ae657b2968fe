import { type Reduction as CoreReduction, type Tensor, ValueError, mean, sum } from '@tensile/core';

/**
 * A loss's reduction: 'none', 'mean' or 'sum'. A local alias rather than a
 * re-export of core's, so the bundled .d.ts declares it as a type (a re-export
 * through `functional`'s namespace came out as a value, TS2693 for consumers).
 */
export type Reduction = CoreReduction;

/** The reductions every loss accepts (KLDivLoss adds 'batchmean'). */
export const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/** The reduction when none is given, as every PyTorch loss. */
export const DEFAULT_REDUCTION = 'mean' satisfies Reduction;

/** The reduction option, checked: a misspelt mode must fail loudly, not fall back to a default. */
export function checkReduction<R extends string = Reduction>(op: string, reduction: unknown, allowed: readonly R[] = REDUCTIONS as readonly R[]): R {
  if (reduction === undefined) return DEFAULT_REDUCTION as R;
  if (typeof reduction !== 'string' || !allowed.includes(reduction as R))
    throw new ValueError(`${op}: ${String(reduction)} is not a valid value for reduction; expected one of ${allowed.join(', ')}`);
  return reduction as R;
}

/** PyTorch's apply_loss_reduction: the elementwise losses as they are, their sum, or their mean. */
export function applyReduction(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}
