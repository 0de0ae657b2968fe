import { DeviceError, type FusedKernel, isContiguous, numel, type TensorView } from '@tensile/core';
import type { AdamStepKernelOptions } from '@tensile/optim';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { adamSource } from './optim.wgsl.js';

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
