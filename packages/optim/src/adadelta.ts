import { keep, type Tensor, zerosLike } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { addcmul_ } from './compose.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const SPEC: OptimizerSpec<AdadeltaOptions> = {
  name: 'Adadelta',
  defaults: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false },
  validate(o) {
    checkNumber('Adadelta', 'lr', o.lr, { min: 0 });
    checkNumber('Adadelta', 'rho', o.rho, { min: 0, max: 1 });
    checkNumber('Adadelta', 'eps', o.eps, { min: 0 });
    checkNumber('Adadelta', 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean('Adadelta', 'maximize', o.maximize);
  },
};

/** Adadelta, as `torch.optim.Adadelta` (PyTorch 1.13's single-tensor form). */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: Params<AdadeltaOptions>, options?: Partial<AdadeltaOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdadeltaOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = keep(zerosLike(p));
      state.accDelta = keep(zerosLike(p));
    }
    state.step = (state.step as number) + 1;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    const squareAvg = state.squareAvg as Tensor;
    const accDelta = state.accDelta as Tensor;
    addcmul_(squareAvg.mul_(g.rho), d, d, 1 - g.rho);
    const std = squareAvg.add(g.eps).sqrt();
    const delta = accDelta.add(g.eps).sqrt().div(std).mul(d);
    addcmul_(accDelta.mul_(g.rho), delta, delta, 1 - g.rho);
    p.add_(delta, -g.lr);
  }
}
