import { DeviceError, type FusedKernel, isContiguous, numel, type TensorView } from '@tensile/core';
import type { AdamStepKernelOptions, RMSpropStepOptions, SGDStepOptions } from '@tensile/optim';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { adamSource, rmspropSource, sgdSource } from './optim.wgsl.js';

/** @tensile/optim's adamStep_ as one dispatch over contiguous float32 (param, grad, expAvg, expAvgSq[, maxExpAvgSq]) instead of about fourteen. */
export function adamKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, options, out) => {
    const ts = inputs as readonly TensorView[];
    const n = numel(out.shape);
    if (ts.some((t) => t.dtype !== 'float32' || !isContiguous(t.shape, t.strides) || numel(t.shape) !== n))
      throw new DeviceError(`adamStep: expects contiguous float32 tensors of one size, got ${ts.map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ')}`);
    if (n === 0) return;
    const o = options as unknown as AdamStepKernelOptions;
    const { stepSize, bias2Sqrt } = o;
    const amsgrad = ts.length === 5;
    const flags = (o.weightDecay !== 0 ? 1 : 0) | (o.decoupled ? 2 : 0) | (o.maximize ? 4 : 0);
    const meta = new Meta().set(0, n).set(1, flags).setAll(2, ts.map((t) => t.offset));
    [o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.weightDecay, 1 - o.lr * o.weightDecay, -stepSize, bias2Sqrt, o.eps].forEach((v, k) => meta.scalar(8 + k, v, 'float32'));
    backend.dispatch({
      kernel: 'adamStep',
      key: `adam:${amsgrad}`,
      source: () => adamSource(amsgrad),
      bindings: ts.map((t, k) => ({ buffer: backend.bufferOf(t, 'adamStep'), write: k !== 1 })),
      meta: meta.u32,
      groups: grid(Math.ceil(n / 64)),
    });
  };
}

function checkViews(op: string, ts: readonly TensorView[], n: number): void {
  if (ts.some((t) => t.dtype !== 'float32' || !isContiguous(t.shape, t.strides) || numel(t.shape) !== n))
    throw new DeviceError(`${op}: expects contiguous float32 tensors of one size, got ${ts.map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ')}`);
}

/** @tensile/optim's sgdStep_ as one dispatch over contiguous float32 (param, grad[, momentumBuffer]). */
export function sgdKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, options, out) => {
    const ts = inputs as readonly TensorView[];
    const n = numel(out.shape);
    checkViews('sgdStep', ts, n);
    if (n === 0) return;
    const o = options as unknown as SGDStepOptions;
    const momentum = ts.length === 3;
    const flags = (o.weightDecay !== 0 ? 1 : 0) | (o.maximize ? 2 : 0) | (o.nesterov ? 4 : 0) | (o.first ? 8 : 0);
    const meta = new Meta().set(0, n).set(1, flags).setAll(2, ts.map((t) => t.offset));
    [o.weightDecay, o.momentum, 1 - o.dampening, -o.lr].forEach((v, k) => meta.scalar(8 + k, v, 'float32'));
    backend.dispatch({
      kernel: 'sgdStep',
      key: `sgd:${momentum}`,
      source: () => sgdSource(momentum),
      bindings: ts.map((t, k) => ({ buffer: backend.bufferOf(t, 'sgdStep'), write: k !== 1 })),
      meta: meta.u32,
      groups: grid(Math.ceil(n / 64)),
    });
  };
}

/** @tensile/optim's rmspropStep_ as one dispatch over contiguous float32 (param, grad, squareAvg[, gradAvg][, momentumBuffer]). */
export function rmspropKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, options, out) => {
    const ts = inputs as readonly TensorView[];
    const n = numel(out.shape);
    checkViews('rmspropStep', ts, n);
    if (n === 0) return;
    const o = options as unknown as RMSpropStepOptions;
    const momentum = o.momentum > 0;
    const flags = (o.weightDecay !== 0 ? 1 : 0) | (o.maximize ? 2 : 0);
    const meta = new Meta().set(0, n).set(1, flags).setAll(2, ts.map((t) => t.offset));
    [o.weightDecay, o.alpha, 1 - o.alpha, o.eps, o.momentum, -o.lr].forEach((v, k) => meta.scalar(8 + k, v, 'float32'));
    backend.dispatch({
      kernel: 'rmspropStep',
      key: `rmsprop:${o.centered}:${momentum}`,
      source: () => rmspropSource(o.centered, momentum),
      bindings: ts.map((t, k) => ({ buffer: backend.bufferOf(t, 'rmspropStep'), write: k !== 1 })),
      meta: meta.u32,
      groups: grid(Math.ceil(n / 64)),
    });
  };
}
