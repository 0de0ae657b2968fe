import { fullLike, keep, type Tensor, ValueError, where, zerosLike } from '@tensile/core';
import { checkBoolean, checkNumber } from './check.js';
import { Optimizer, type OptimizerSpec, type ParamGroup, type Params, type ParamState } from './optimizer.js';

export interface RpropOptions {
  lr: number;
  /** `[etaminus, etaplus]`: how the step size shrinks and grows. */
  etas: [number, number];
  /** [min, max] step size. */
  stepSizes: [number, number];
  maximize: boolean;
}

function checkPair(name: string, key: string, v: unknown): void {
  if (!Array.isArray(v) || v.length !== 2) throw new ValueError(`${name}: ${key} must be a pair, got ${JSON.stringify(v)}`);
  checkNumber(name, `${key}[0]`, v[0]);
  checkNumber(name, `${key}[1]`, v[1]);
}

const SPEC: OptimizerSpec<RpropOptions> = {
  name: 'Rprop',
  defaults: { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false },
  validate(o) {
    checkNumber('Rprop', 'lr', o.lr, { min: 0 });
    checkPair('Rprop', 'etas', o.etas);
    checkPair('Rprop', 'stepSizes', o.stepSizes);
    const [minus, plus] = o.etas;
    if (!(minus > 0 && minus < 1 && plus > 1)) throw new ValueError(`Rprop: invalid eta values: ${minus}, ${plus} (expected 0 < etas[0] < 1 < etas[1])`);
    checkBoolean('Rprop', 'maximize', o.maximize);
  },
};

/** Resilient backpropagation, as `torch.optim.Rprop`: per-entry step sizes that grow while the gradient keeps its sign and shrink when it flips. */
export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: Params<RpropOptions>, options?: Partial<RpropOptions>) {
    super(SPEC, params, options);
  }

  protected update(p: Tensor, grad: Tensor, g: ParamGroup<RpropOptions>, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.prev = keep(zerosLike(p));
      state.stepSize = keep(fullLike(p, g.lr));
    }
    state.step = (state.step as number) + 1;
    const [etaminus, etaplus] = g.etas;
    const [stepMin, stepMax] = g.stepSizes;
    const d = g.maximize ? grad.neg() : grad;
    const prev = state.prev as Tensor;
    const stepSize = state.stepSize as Tensor;
    const sign = d.mul(prev).sign();
    // etaplus where the sign held, etaminus where it flipped, 1 where either is 0 (NaN stays NaN, as in PyTorch).
    const factor = where(sign.gt(0), etaplus, where(sign.lt(0), etaminus, where(sign.eq(0), 1, sign)));
    stepSize.mul_(factor).clamp_(stepMin, stepMax);
    // Where the sign flipped, this step does not move and the next one starts afresh.
    const d2 = where(sign.lt(0), 0, d);
    p.add_(d2.sign().mul(stepSize), -1);
    prev.copy_(d2);
  }
}
