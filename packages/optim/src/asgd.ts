import { keep, type Tensor, zerosLike } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface ASGDOptions {
  lr: number;
  lambd: number;
  alpha: number;
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

const SPEC: OptimizerSpec<ASGDOptions> = {
  name: 'ASGD',
  defaults: { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false },
  validate(o) {
    // PyTorch 1.13 checks only lr and weightDecay; the others must still be numbers.
    checkNumber('ASGD', 'lr', o.lr, { min: 0 });
    checkNumber('ASGD', 'lambd', o.lambd);
    checkNumber('ASGD', 'alpha', o.alpha);
    checkNumber('ASGD', 't0', o.t0);
    checkNumber('ASGD', 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean('ASGD', 'maximize', o.maximize);
  },
};

/**
 * Averaged SGD, as `torch.optim.ASGD`. `ax` is the running average of the
 * parameter; `eta` (the step size) and `mu` (the averaging weight) are kept,
 * as PyTorch keeps them, in float32 (`torch.tensor(...)` of the default dtype),
 * so they are rounded to float32 here too.
 */
export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: Params<ASGDOptions>, options?: Partial<ASGDOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<ASGDOptions>, state: ParamState): void {
    const f = Math.fround;
    if (state.step === undefined) {
      state.step = 0;
      state.eta = f(g.lr);
      state.mu = 1;
      state.ax = keep(zerosLike(p));
    }
    const step = (state.step as number) + 1;
    state.step = step;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    const eta = state.eta as number;
    const mu = state.mu as number;
    p.mul_(1 - g.lambd * eta);
    p.add_(d, -eta);
    const ax = state.ax as Tensor;
    if (mu !== 1) ax.add_(p.sub(ax).mul(mu));
    else ax.copy_(p);
    state.eta = f(g.lr / (1 + g.lambd * g.lr * step) ** g.alpha);
    state.mu = f(1 / Math.max(1, step - g.t0));
  }
}
