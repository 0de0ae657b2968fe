import {
  add,
  add_,
  copy_,
  declareComposite,
  ValueError,
  fusedKernelCall,
  Generator,
  mul_,
  neg,
  noGrad,
  randn,
  type Tensor,
  tidy,
} from '@tensile/core';
import { checkStepTensors } from './step-tensors.js';

/** One SGD step's hyperparameters, as `torch.optim.SGD`'s; the kernel receives exactly these. */
export interface SGDStepOptions {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
  /** The momentum buffer's first step: it becomes the (decayed) gradient, as PyTorch's `clone`, without dampening. */
  readonly first: boolean;
}

/**
 * One SGD step in place on param and, with momentum, its momentum buffer
 * (else null), as PyTorch 1.13's single-tensor SGD. A backend's fused
 * `sgdStep` kernel does it in one pass where every tensor is contiguous
 * float32; otherwise it runs as the composite's in-place ops.
 */
export function sgdStep_(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, options: SGDStepOptions): void {
  const op = 'sgdStep_';
  const buffer = options.momentum !== 0 ? momentumBuffer : null;
  if (options.momentum !== 0 && buffer === null) throw new ValueError(`${op}: a momentum of ${options.momentum} needs a momentum buffer`);
  const all = buffer === null ? [param, grad] : [param, grad, buffer];
  const updated = buffer === null ? [param] : [param, buffer];
  const { backend, fusable } = checkStepTensors(op, param, all, updated);
  const k = fusable ? fusedKernelCall('sgdStep', backend) : undefined;
  if (k === undefined) {
    sgdStepComposed(param, grad, buffer, options);
    return;
  }
  const o = options;
  const kernelOptions: SGDStepOptions = {
    lr: o.lr,
    momentum: o.momentum,
    dampening: o.dampening,
    weightDecay: o.weightDecay,
    nesterov: o.nesterov,
    maximize: o.maximize,
    first: o.first,
  };
  k(all, kernelOptions as unknown as Readonly<Record<string, unknown>>, param);
  for (const t of updated) t.storage.version++;
}

/** sgdStep_ from in-place primitives: what runs without a fused kernel (and what a fused one must match). */
export function sgdStepComposed(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, o: SGDStepOptions): void {
  noGrad(() =>
    tidy(() => {
      let d = o.maximize ? neg(grad) : grad;
      if (o.weightDecay !== 0) d = add(d, param, o.weightDecay);
      if (o.momentum !== 0) {
        const buf = momentumBuffer!;
        if (o.first) copy_(buf, d);
        else add_(mul_(buf, o.momentum), d, 1 - o.dampening);
        d = o.nesterov ? add(d, buf, o.momentum) : buf;
      }
      add_(param, d, -o.lr);
    }),
  );
}

const SGD_BASE: SGDStepOptions = { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, first: false };
const normal = (device: string, seed: number) => randn([5, 7], { device, generator: new Generator(seed) });

declareComposite(
  'sgdStep',
  {
    group: 'optim',
    dtype: 'float-only',
    arity: 3,
    differentiable: false,
    doc: 'one SGD step in place on contiguous float32 (param, grad[, momentumBuffer]), op by op in float32 as the composite (PyTorch 1.13 single-tensor SGD)',
  },
  {
    // param, grad, then the momentum buffer where there is momentum.
    inputs: (device, seed, v) => [0, 1, 2].slice(0, v.momentum === 0 ? 2 : 3).map((i) => normal(device, seed + i)),
    // Every combination that changes the arithmetic: plain, decay, momentum's first and later steps, dampening, Nesterov, maximize.
    variants: [
      { ...SGD_BASE },
      { ...SGD_BASE, weightDecay: 0.1, maximize: true },
      { ...SGD_BASE, momentum: 0.9, first: true },
      { ...SGD_BASE, momentum: 0.9, weightDecay: 0.01 },
      { ...SGD_BASE, momentum: 0.8, dampening: 0.3, maximize: true },
      { ...SGD_BASE, momentum: 0.9, nesterov: true, weightDecay: 0.1 },
      { ...SGD_BASE, momentum: 0.9, nesterov: true, first: true, maximize: true },
    ],
    composed: (ins, o) => sgdStepComposed(ins[0]!, ins[1]!, ins[2] ?? null, o as unknown as SGDStepOptions),
    mutates: [0, 2],
  },
);
