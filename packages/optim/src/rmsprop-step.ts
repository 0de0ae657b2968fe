import {
  add,
  add_,
  declareComposite,
  ValueError,
  div,
  fusedKernelCall,
  Generator,
  mul,
  mul_,
  neg,
  noGrad,
  randn,
  sqrt,
  type Tensor,
  tidy,
} from '@tensile/core';
import { checkStepTensors } from './step-tensors.js';

/** One RMSprop step's hyperparameters, as `torch.optim.RMSprop`'s; the kernel receives exactly these. */
export interface RMSpropStepOptions {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** With momentum > 0 the step goes through the momentum buffer. */
  readonly momentum: number;
  /** Centered: the second moment less the squared running mean of the gradient (the gradAvg state). */
  readonly centered: boolean;
  readonly maximize: boolean;
}

/**
 * One RMSprop step in place on param and its state: squareAvg, gradAvg
 * (centered, else null) and momentumBuffer (momentum > 0, else null), as
 * PyTorch 1.13's single-tensor RMSprop. A backend's fused `rmspropStep`
 * kernel does it in one pass where every tensor is contiguous float32;
 * otherwise it runs as the composite's in-place ops.
 */
export function rmspropStep_(
  param: Tensor,
  grad: Tensor,
  squareAvg: Tensor,
  gradAvg: Tensor | null,
  momentumBuffer: Tensor | null,
  options: RMSpropStepOptions,
): void {
  const op = 'rmspropStep_';
  if (options.centered !== (gradAvg !== null))
    throw new ValueError(`${op}: gradAvg is needed exactly when centered (centered ${options.centered})`);
  if (options.momentum > 0 !== (momentumBuffer !== null))
    throw new ValueError(`${op}: momentumBuffer is needed exactly when momentum > 0 (momentum ${options.momentum})`);
  const state = [squareAvg, ...(gradAvg === null ? [] : [gradAvg]), ...(momentumBuffer === null ? [] : [momentumBuffer])];
  const all = [param, grad, ...state];
  const { backend, fusable } = checkStepTensors(op, param, all, [param, ...state]);
  const k = fusable ? fusedKernelCall('rmspropStep', backend) : undefined;
  if (k === undefined) {
    rmspropStepComposed(param, grad, squareAvg, gradAvg, momentumBuffer, options);
    return;
  }
  const o = options;
  const kernelOptions: RMSpropStepOptions = {
    lr: o.lr,
    alpha: o.alpha,
    eps: o.eps,
    weightDecay: o.weightDecay,
    momentum: o.momentum,
    centered: o.centered,
    maximize: o.maximize,
  };
  k(all, kernelOptions as unknown as Readonly<Record<string, unknown>>, param);
  for (const t of [param, ...state]) t.storage.version++;
}

/** rmspropStep_ from in-place primitives: what runs without a fused kernel (and what a fused one must match). */
export function rmspropStepComposed(
  param: Tensor,
  grad: Tensor,
  squareAvg: Tensor,
  gradAvg: Tensor | null,
  momentumBuffer: Tensor | null,
  o: RMSpropStepOptions,
): void {
  noGrad(() =>
    tidy(() => {
      let d = o.maximize ? neg(grad) : grad;
      if (o.weightDecay !== 0) d = add(d, param, o.weightDecay);
      add_(mul_(squareAvg, o.alpha), mul(d, d), 1 - o.alpha);
      let avg: Tensor;
      if (o.centered) {
        const ga = add_(mul_(gradAvg!, o.alpha), d, 1 - o.alpha);
        avg = sqrt(add_(squareAvg.clone(), mul(ga, ga), -1));
      } else avg = sqrt(squareAvg);
      add_(avg, o.eps);
      if (o.momentum > 0) {
        const buf = add_(mul_(momentumBuffer!, o.momentum), div(d, avg));
        add_(param, buf, -o.lr);
      } else add_(param, div(d, avg), -o.lr);
    }),
  );
}

const RMS_BASE: RMSpropStepOptions = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
const normal = (device: string, seed: number) => randn([5, 7], { device, generator: new Generator(seed) });

declareComposite(
  'rmspropStep',
  {
    group: 'optim',
    dtype: 'float-only',
    arity: 5,
    differentiable: false,
    doc: 'one RMSprop step in place on contiguous float32 (param, grad, squareAvg[, gradAvg][, momentumBuffer]), op by op in float32 as the composite (PyTorch 1.13 single-tensor RMSprop)',
  },
  {
    // param, grad, squareAvg, then gradAvg (centered) and the momentum buffer (momentum > 0). As in a run,
    // squareAvg is at least gradAvg squared, so the centered square root is of a non-negative number.
    inputs: (device, seed, v) => {
      const [p, g] = [normal(device, seed), normal(device, seed + 1)];
      const gradAvg = v.centered === true ? [normal(device, seed + 2).mul(0.5)] : [];
      const extra = normal(device, seed + 3).abs();
      const squareAvg = gradAvg.length === 1 ? extra.add(gradAvg[0]!.mul(gradAvg[0]!)) : extra;
      const buf = (v.momentum as number) > 0 ? [normal(device, seed + 4)] : [];
      return [p, g, squareAvg, ...gradAvg, ...buf];
    },
    variants: [
      { ...RMS_BASE },
      { ...RMS_BASE, weightDecay: 0.1, maximize: true },
      { ...RMS_BASE, centered: true },
      { ...RMS_BASE, momentum: 0.9 },
      { ...RMS_BASE, centered: true, momentum: 0.5, weightDecay: 0.01 },
      { ...RMS_BASE, alpha: 0.9, centered: true, maximize: true },
    ],
    composed: (ins, o) => {
      const c = o.centered === true;
      const m = (o.momentum as number) > 0;
      rmspropStepComposed(ins[0]!, ins[1]!, ins[2]!, c ? ins[3]! : null, m ? ins[c ? 4 : 3]! : null, o as unknown as RMSpropStepOptions);
    },
    mutates: [0, 2, 3, 4],
  },
);
