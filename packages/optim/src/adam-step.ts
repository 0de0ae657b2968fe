import {
  add,
  add_,
  checkWritable,
  copy_,
  declareComposite,
  deviceOfList,
  div,
  DTypeError,
  fmtShape,
  fusedKernelCall,
  Generator,
  isFloat,
  maximum,
  mul,
  mul_,
  neg,
  noGrad,
  randn,
  ShapeError,
  shapesEqual,
  sqrt,
  type Tensor,
  tidy,
} from '@tensile/core';

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

/** What a backend's fused `adamStep` kernel receives: the options with the bias corrections worked out. */
export interface AdamStepKernelOptions extends AdamStepOptions {
  /** lr / (1 - beta1^step) */
  readonly stepSize: number;
  /** sqrt(1 - beta2^step) */
  readonly bias2Sqrt: number;
}

function biasCorrections(o: AdamStepOptions): { stepSize: number; bias2Sqrt: number } {
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
  if (k === undefined) {
    adamStepComposed(param, grad, expAvg, expAvgSq, maxExpAvgSq, options);
    return;
  }
  const { stepSize, bias2Sqrt } = biasCorrections(options);
  // One object shape for every call (a spread of two objects costs a measurable share of a small model's step).
  const o = options;
  const kernelOptions: AdamStepKernelOptions = {
    lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, decoupled: o.decoupled, maximize: o.maximize, step: o.step, stepSize, bias2Sqrt,
  };
  k(all, kernelOptions as unknown as Readonly<Record<string, unknown>>, param);
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
      const { stepSize, bias2Sqrt } = biasCorrections(o);
      const denom = add_(div(sqrt(second), bias2Sqrt), o.eps);
      add_(param, div(expAvg, denom), -stepSize);
    }),
  );
}

const ADAM: AdamStepOptions = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 1 };
const normal = (device: string, seed: number) => randn([5, 7], { device, generator: new Generator(seed) });

declareComposite(
  'adamStep',
  {
    group: 'optim',
    dtype: 'float-only',
    arity: 5,
    differentiable: false,
    doc: 'one Adam/AdamW step in place on contiguous float32 (param, grad, expAvg, expAvgSq[, maxExpAvgSq]), op by op in float32 as the composite (PyTorch 1.13 single-tensor Adam)',
  },
  {
    // param, grad, expAvg, then the second moments (non-negative, as they are in a run).
    inputs: (device, seed, v) => [0, 1, 2, 3, 4].slice(0, v.amsgrad === true ? 5 : 4).map((i) => (i < 3 ? normal(device, seed + i) : normal(device, seed + i).abs())),
    variants: [
      { ...ADAM, step: 1 },
      { ...ADAM, step: 7, weightDecay: 0.1 },
      { ...ADAM, step: 3, weightDecay: 0.01, decoupled: true, maximize: true },
      { ...ADAM, step: 2, amsgrad: true },
    ],
    inputKeys: ['amsgrad'],
    // The kernel receives the bias corrections too, as adamStep_ passes them.
    kernelOptions: (o) => ({ ...o, ...biasCorrections(o as unknown as AdamStepOptions) }),
    composed: (ins, o) => adamStepComposed(ins[0]!, ins[1]!, ins[2]!, ins[3]!, ins[4] ?? null, o as unknown as AdamStepOptions),
    mutates: [0, 2, 3, 4],
  },
);
