import { keep, maximum, type Tensor, ValueError, zerosLike } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { addcdiv_, addcmul_ } from './compose.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

export function adamSpec(name: string, weightDecay: number): OptimizerSpec<AdamOptions> {
  return {
    name,
    defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false },
    validate(o) {
      checkNumber(name, 'lr', o.lr, { min: 0 });
      checkNumber(name, 'eps', o.eps, { min: 0 });
      if (!Array.isArray(o.betas) || o.betas.length !== 2) throw new ValueError(`${name}: betas must be a pair [beta1, beta2], got ${JSON.stringify(o.betas)}`);
      checkNumber(name, 'betas[0]', o.betas[0], { min: 0, below: 1 });
      checkNumber(name, 'betas[1]', o.betas[1], { min: 0, below: 1 });
      checkNumber(name, 'weightDecay', o.weightDecay, { min: 0 });
      checkBoolean(name, 'amsgrad', o.amsgrad);
      checkBoolean(name, 'maximize', o.maximize);
    },
  };
}

/**
 * One Adam step (PyTorch 1.13's single-tensor form). AdamW decays the weights
 * directly (`decoupled`); Adam adds weightDecay * param to the gradient.
 */
export function adamUpdate(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState, decoupled: boolean): void {
  const [beta1, beta2] = g.betas;
  if (state.step === undefined) {
    state.step = 0;
    state.expAvg = keep(zerosLike(p));
    state.expAvgSq = keep(zerosLike(p));
  }
  if (g.amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = keep(zerosLike(p));
  const step = (state.step as number) + 1;
  state.step = step;
  let d = g.maximize ? grad.neg() : grad;
  if (g.weightDecay !== 0) {
    if (decoupled) p.mul_(1 - g.lr * g.weightDecay);
    else d = d.add(p, g.weightDecay);
  }
  const expAvg = state.expAvg as Tensor;
  const expAvgSq = state.expAvgSq as Tensor;
  expAvg.mul_(beta1).add_(d, 1 - beta1);
  addcmul_(expAvgSq.mul_(beta2), d, d, 1 - beta2);
  const stepSize = g.lr / (1 - beta1 ** step);
  const bias2Sqrt = Math.sqrt(1 - beta2 ** step);
  let second = expAvgSq;
  if (g.amsgrad) {
    const maxSq = state.maxExpAvgSq as Tensor;
    maxSq.copy_(maximum(maxSq, expAvgSq));
    second = maxSq;
  }
  const denom = second.sqrt().div_(bias2Sqrt).add_(g.eps);
  addcdiv_(p, expAvg, denom, -stepSize);
}

/** Adam, as `torch.optim.Adam` (L2 weight decay added to the gradient). */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: Params<AdamOptions>, options?: Partial<AdamOptions>) {
    super(adamSpec('Adam', 0), params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState): void {
    adamUpdate(p, grad, g, state, false);
  }
}
