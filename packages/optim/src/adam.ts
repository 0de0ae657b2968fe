import { keep, type Tensor, ValueError, zerosLike } from '@tensile/core';
import { adamStep_ } from './adam-step.js';
import { checkBoolean, checkNumber } from './check.js';
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
 * One Adam step (PyTorch 1.13's single-tensor form) by adamStep_, which
 * a backend may run as one fused kernel. AdamW decays the weights directly
 * (`decoupled`); Adam adds weightDecay * param to the gradient.
 */
export function adamUpdate(p: Tensor, grad: Tensor, g: ParamGroup<AdamOptions>, state: ParamState, decoupled: boolean): void {
  if (state.step === undefined) {
    state.step = 0;
    state.expAvg = keep(zerosLike(p));
    state.expAvgSq = keep(zerosLike(p));
  }
  if (g.amsgrad && state.maxExpAvgSq === undefined) state.maxExpAvgSq = keep(zerosLike(p));
  const step = (state.step as number) + 1;
  state.step = step;
  const [beta1, beta2] = g.betas;
  const maxSq = g.amsgrad ? (state.maxExpAvgSq as Tensor) : null;
  adamStep_(p, grad, state.expAvg as Tensor, state.expAvgSq as Tensor, maxSq, {
    lr: g.lr,
    beta1,
    beta2,
    eps: g.eps,
    weightDecay: g.weightDecay,
    decoupled,
    maximize: g.maximize,
    step,
  });
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
