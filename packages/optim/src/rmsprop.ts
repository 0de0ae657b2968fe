import { keep, type Tensor, zerosLike } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { rmspropStep_ } from './rmsprop-step.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

const SPEC: OptimizerSpec<RMSpropOptions> = {
  name: 'RMSprop',
  defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false },
  validate(o) {
    checkNumber('RMSprop', 'lr', o.lr, { min: 0 });
    checkNumber('RMSprop', 'eps', o.eps, { min: 0 });
    checkNumber('RMSprop', 'momentum', o.momentum, { min: 0 });
    checkNumber('RMSprop', 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber('RMSprop', 'alpha', o.alpha, { min: 0 });
    checkBoolean('RMSprop', 'centered', o.centered);
    checkBoolean('RMSprop', 'maximize', o.maximize);
  },
};

/** RMSprop, as `torch.optim.RMSprop` (optionally centered, with momentum); each step is rmspropStep_, which a backend may run as one fused kernel. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: Params<RMSpropOptions>, options?: Partial<RMSpropOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<RMSpropOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.squareAvg = keep(zerosLike(p));
    }
    if (g.momentum > 0 && state.momentumBuffer === undefined) state.momentumBuffer = keep(zerosLike(p));
    if (g.centered && state.gradAvg === undefined) state.gradAvg = keep(zerosLike(p));
    state.step = (state.step as number) + 1;
    const gradAvg = g.centered ? (state.gradAvg as Tensor) : null;
    const buf = g.momentum > 0 ? (state.momentumBuffer as Tensor) : null;
    rmspropStep_(p, grad, state.squareAvg as Tensor, gradAvg, buf, {
      lr: g.lr,
      alpha: g.alpha,
      eps: g.eps,
      weightDecay: g.weightDecay,
      momentum: g.momentum,
      centered: g.centered,
      maximize: g.maximize,
    });
  }
}
