import { div, keep, type Tensor, zerosLike } from '@tensile/core';
import { checkBetas } from './betas.js';
import { checkNumber } from './check.js';
import { addcmul_ } from './compose.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

/** PyTorch 1.13's RAdam options (no maximize or decoupled weight decay; those came later). */
export interface RAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

const SPEC: OptimizerSpec<RAdamOptions> = {
  name: 'RAdam',
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 },
  validate(o) {
    checkNumber('RAdam', 'lr', o.lr, { min: 0 });
    checkNumber('RAdam', 'eps', o.eps, { min: 0 });
    checkBetas('RAdam', o.betas);
    checkNumber('RAdam', 'weightDecay', o.weightDecay, { min: 0 });
  },
};

/** RAdam (rectified Adam), as `torch.optim.RAdam`: plain momentum SGD until the variance estimate is tractable (rho_t > 5). */
export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: Params<RAdamOptions>, options?: Partial<RAdamOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<RAdamOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.expAvg = keep(zerosLike(p));
      state.expAvgSq = keep(zerosLike(p));
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const [beta1, beta2] = g.betas;
    const bias1 = 1 - beta1 ** step;
    const bias2 = 1 - beta2 ** step;
    const d = g.weightDecay !== 0 ? grad.add(p, g.weightDecay) : grad;
    const expAvg = state.expAvg as Tensor;
    const expAvgSq = state.expAvgSq as Tensor;
    expAvg.mul_(beta1).add_(d, 1 - beta1);
    addcmul_(expAvgSq.mul_(beta2), d, d, 1 - beta2);
    const corrected = expAvg.div(bias1);
    const rhoInf = 2 / (1 - beta2) - 1;
    const rhoT = rhoInf - (2 * step * beta2 ** step) / bias2;
    if (rhoT > 5) {
      const rect = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      const adaptiveLr = div(Math.sqrt(bias2), expAvgSq.sqrt().add_(g.eps));
      p.add_(corrected.mul(g.lr).mul_(adaptiveLr).mul_(rect), -1);
    } else p.add_(corrected.mul(g.lr), -1);
  }
}
