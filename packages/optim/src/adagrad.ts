import { fullLike, keep, type Tensor } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { addcdiv_, addcmul_ } from './compose.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

const SPEC: OptimizerSpec<AdagradOptions> = {
  name: 'Adagrad',
  defaults: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false },
  validate(o) {
    checkNumber('Adagrad', 'lr', o.lr, { min: 0 });
    checkNumber('Adagrad', 'lrDecay', o.lrDecay, { min: 0 });
    checkNumber('Adagrad', 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber('Adagrad', 'initialAccumulatorValue', o.initialAccumulatorValue, { min: 0 });
    checkNumber('Adagrad', 'eps', o.eps, { min: 0 });
    checkBoolean('Adagrad', 'maximize', o.maximize);
  },
};

/** Adagrad, as `torch.optim.Adagrad`. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: Params<AdagradOptions>, options?: Partial<AdagradOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdagradOptions>, state: ParamState): void {
    // PyTorch fills the accumulator when the optimizer is built; filling it at the first step gives the same numbers.
    if (state.step === undefined) {
      state.step = 0;
      state.sum = keep(fullLike(p, g.initialAccumulatorValue));
    }
    const step = (state.step as number) + 1;
    state.step = step;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    const sum = state.sum as Tensor;
    addcmul_(sum, d, d);
    addcdiv_(p, d, sum.sqrt().add_(g.eps), -clr);
  }
}
