import { keep, type Tensor, ValueError, zerosLike } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { sgdStep_ } from './sgd-step.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface SGDOptions {
  /** Required, as in PyTorch 1.13 (here or in every parameter group). */
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

const SPEC: OptimizerSpec<SGDOptions> = {
  name: 'SGD',
  defaults: { lr: undefined, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
  validate(o) {
    checkNumber('SGD', 'lr', o.lr, { min: 0 });
    checkNumber('SGD', 'momentum', o.momentum, { min: 0 });
    checkNumber('SGD', 'dampening', o.dampening);
    checkNumber('SGD', 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean('SGD', 'nesterov', o.nesterov);
    checkBoolean('SGD', 'maximize', o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) throw new ValueError('SGD: Nesterov momentum requires a momentum and zero dampening');
  },
};

/** Stochastic gradient descent with optional (Nesterov) momentum, as `torch.optim.SGD`; each step is sgdStep_, which a backend may run as one fused kernel. */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Params<SGDOptions>, options?: Partial<SGDOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<SGDOptions>, state: ParamState): void {
    let buf = state.momentumBuffer as Tensor | undefined;
    const first = g.momentum !== 0 && (buf === undefined || buf === null);
    if (first) state.momentumBuffer = buf = keep(zerosLike(p));
    sgdStep_(p, grad, g.momentum !== 0 ? buf! : null, {
      lr: g.lr,
      momentum: g.momentum,
      dampening: g.dampening,
      weightDecay: g.weightDecay,
      nesterov: g.nesterov,
      maximize: g.maximize,
      first,
    });
  }
}
