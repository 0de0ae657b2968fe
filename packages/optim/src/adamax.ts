import { copy_, keep, maximum, type Tensor, zerosLike } from '@tensile/core';
import { checkBetas } from './betas.js';
import { checkBoolean, checkNumber } from './check.js';
import { addcdiv_ } from './compose.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const SPEC: OptimizerSpec<AdamaxOptions> = {
  name: 'Adamax',
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false },
  validate(o) {
    checkNumber('Adamax', 'lr', o.lr, { min: 0 });
    checkNumber('Adamax', 'eps', o.eps, { min: 0 });
    checkBetas('Adamax', o.betas);
    checkNumber('Adamax', 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean('Adamax', 'maximize', o.maximize);
  },
};

/** Adamax (Adam with the infinity norm), as `torch.optim.Adamax`. */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: Params<AdamaxOptions>, options?: Partial<AdamaxOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdamaxOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = keep(zerosLike(p));
      state.expInf = keep(zerosLike(p));
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p, g.weightDecay);
    const expAvg = state.expAvg as Tensor;
    const expInf = state.expInf as Tensor;
    expAvg.mul_(beta1).add_(d, 1 - beta1);
    copy_(expInf, maximum(expInf.mul_(beta2), d.abs().add(g.eps)));
    addcdiv_(p, expAvg, expInf, -g.lr / (1 - beta1 ** step));
  }
}
