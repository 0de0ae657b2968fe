import { type Tensor, mul, neg, needsGrad, noGrad, record, sub, sumTo, tidy } from '@tensile/core';
import { broadcastAll, floatArg, lossOptions } from './checks.js';
import { type Reduction, applyReduction, checkReduction } from './reduction.js';

export interface MSELossOptions {
  reduction?: Reduction;
}
export const MSE_LOSS_KEYS = ['reduction'] as const;

/**
 * Mean squared error: (input - target)^2 (PyTorch's F.mse_loss). Its own
 * gradient, 2 (input - target) g (/ n for the mean), is one pass over the
 * data instead of the composite's five; it is written with differentiable
 * ops from the saved input and target, so it differentiates again.
 */
export function mseLoss(input: Tensor, target: Tensor, options?: MSELossOptions): Tensor {
  const op = 'mseLoss';
  const o = lossOptions(op, options, MSE_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const shape = broadcastAll(op, floatArg(op, input, 'input'), floatArg(op, target, 'target'));
  const forward = () =>
    tidy(() => {
      const d = sub(input, target);
      return applyReduction(mul(d, d), reduction);
    });
  if (!needsGrad(input, target)) return forward();
  const out = noGrad(forward);
  const n = shape.reduce((a: number, b: number) => a * b, 1);
  const scale = reduction === 'mean' ? 2 / n : 2;
  record(op, [input, target], [out], [input, target], (g, s, needs) => {
    const [x, t] = s as [Tensor, Tensor];
    const gd = mul(sub(x, t), mul(g, scale));
    return [needs[0] ? sumTo(gd, x.shape) : null, needs[1] ? neg(sumTo(gd, t.shape)) : null];
  });
  return out;
}
