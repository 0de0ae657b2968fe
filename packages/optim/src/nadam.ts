import { keep, type Tensor, zerosLike } from '@tensile/core';
import { checkBetas } from './betas.js';
import { checkNumber } from './check.js';
import { addcdiv_, addcmul_ } from './compose.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

/** PyTorch 1.13's NAdam options (it has no maximize; that came later). */
export interface NAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
}

const SPEC: OptimizerSpec<NAdamOptions> = {
  name: 'NAdam',
  defaults: { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3 },
  validate(o) {
    checkNumber('NAdam', 'lr', o.lr, { min: 0 });
    checkNumber('NAdam', 'eps', o.eps, { min: 0 });
    checkBetas('NAdam', o.betas);
    checkNumber('NAdam', 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber('NAdam', 'momentumDecay', o.momentumDecay, { min: 0 });
  },
};

/**
 * NAdam (Adam with Nesterov momentum), as `torch.optim.NAdam`. PyTorch keeps
 * the running product of the momentum schedule in a float32 tensor whatever
 * the parameters' dtype; `muProduct` is that value, rounded as it is there.
 */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: Params<NAdamOptions>, options?: Partial<NAdamOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<NAdamOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.muProduct = 1;
      state.expAvg = keep(zerosLike(p));
      state.expAvgSq = keep(zerosLike(p));
    }
    const step = (state.step as number) + 1;
    state.step = step;
    const [beta1, beta2] = g.betas;
    const bias2 = 1 - beta2 ** step;
    const d = g.weightDecay !== 0 ? grad.add(p, g.weightDecay) : grad;
    const mu = beta1 * (1 - 0.5 * 0.96 ** (step * g.momentumDecay));
    const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * g.momentumDecay));
    const f = Math.fround;
    const muProduct = f((state.muProduct as number) * f(mu));
    state.muProduct = muProduct;
    const muProductNext = f(f(muProduct * f(mu)) * f(muNext));
    const expAvg = state.expAvg as Tensor;
    const expAvgSq = state.expAvgSq as Tensor;
    expAvg.mul_(beta1).add_(d, 1 - beta1);
    addcmul_(expAvgSq.mul_(beta2), d, d, 1 - beta2);
    const denom = expAvgSq.div(bias2).sqrt().add_(g.eps);
    addcdiv_(p, d, denom, (-g.lr * (1 - mu)) / (1 - muProduct));
    addcdiv_(p, expAvg, denom, (-g.lr * muNext) / (1 - muProductNext));
  }
}
