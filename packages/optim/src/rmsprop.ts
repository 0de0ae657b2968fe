import { keep, type Tensor, zerosLike } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { addcdiv_, addcmul_ } from './compose.js';
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

/** RMSprop, as `torch.optim.RMSprop` (optionally centered, with momentum). */
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
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    const squareAvg = state.squareAvg as Tensor;
    addcmul_(squareAvg.mul_(g.alpha), d, d, 1 - g.alpha);
    let avg: Tensor;
    if (g.centered) {
      const gradAvg = (state.gradAvg as Tensor).mul_(g.alpha).add_(d, 1 - g.alpha);
      avg = addcmul_(squareAvg.clone(), gradAvg, gradAvg, -1).sqrt();
    } else avg = squareAvg.sqrt();
    avg.add_(g.eps);
    if (g.momentum > 0) {
      const buf = state.momentumBuffer as Tensor;
      addcdiv_(buf.mul_(g.momentum), d, avg);
      p.add_(buf, -g.lr);
    } else addcdiv_(p, d, avg, -g.lr);
  }
}
