import { fusedKernelCall } from '../backend/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, maximum, mul, neg, sqrt } from './elementwise.js';
import { add_, checkWritable, copy_, mul_ } from './inplace.js';
import { deviceOfList } from './util.js';

/** One Adam step's hyperparameters; `step` counts from 1 and sets the bias corrections. */
export interface AdamStepOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** AdamW: decay the weights directly instead of adding weightDecay * param to the gradient. */
  readonly decoupled: boolean;
  readonly maximize: boolean;
  readonly step: number;
}

/** Adam's bias corrections at options.step: the step size lr / (1 - beta1^step) and sqrt(1 - beta2^step). Fused kernels take them from here. */
export function adamBiasCorrections(o: AdamStepOptions): { stepSize: number; bias2Sqrt: number } {
  return { stepSize: o.lr / (1 - o.beta1 ** o.step), bias2Sqrt: Math.sqrt(1 - o.beta2 ** o.step) };
}

/**
 * One Adam/AdamW step in place on param and its state (maxExpAvgSq with
 * amsgrad, else null), as PyTorch 1.13's single-tensor Adam. A backend's fused
 * `adamStep` kernel does it in one pass where every tensor is contiguous
 * float32; otherwise it runs as the composite's in-place ops.
 */
export function adamStep_(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, options: AdamStepOptions): void {
  const op = 'adamStep_';
  const state = maxExpAvgSq === null ? [expAvg, expAvgSq] : [expAvg, expAvgSq, maxExpAvgSq];
  const all = [param, grad, ...state];
  for (const t of [param, ...state]) checkWritable(op, t);
  const backend = deviceOfList(op, all);
  for (const t of all) {
    if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected floating point tensors, got ${t.dtype}`);
    if (!shapesEqual(t.shape, param.shape)) throw new ShapeError(`${op}: every tensor must have the param's shape ${fmtShape(param.shape)}, got ${fmtShape(t.shape)}`);
  }
  const fusable = all.every((t) => t.dtype === 'float32' && t.isContiguous());
  const k = fusable ? fusedKernelCall('adamStep', backend) : undefined;
  if (k === undefined) return adamStepComposed(param, grad, expAvg, expAvgSq, maxExpAvgSq, options);
  k(all, { ...options }, param);
  for (const t of [param, ...state]) t.storage.version++;
}

/** adamStep_ from in-place primitives: what runs without a fused kernel (and what a fused one must match). */
export function adamStepComposed(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, o: AdamStepOptions): void {
  noGrad(() =>
    tidy(() => {
      let d = o.maximize ? neg(grad) : grad;
      if (o.weightDecay !== 0) {
        if (o.decoupled) mul_(param, 1 - o.lr * o.weightDecay);
        else d = add(d, param, o.weightDecay);
      }
      add_(mul_(expAvg, o.beta1), d, 1 - o.beta1);
      add_(mul_(expAvgSq, o.beta2), mul(d, d), 1 - o.beta2);
      let second = expAvgSq;
      if (maxExpAvgSq !== null) {
        copy_(maxExpAvgSq, maximum(maxExpAvgSq, expAvgSq));
        second = maxExpAvgSq;
      }
      const { stepSize, bias2Sqrt } = adamBiasCorrections(o);
      const denom = add_(div(sqrt(second), bias2Sqrt), o.eps);
      add_(param, div(expAvg, denom), -stepSize);
    }),
  );
}
