import { DeviceError, type FusedKernel, isContiguous, type TensorView } from '@tensile/core';
import type { AdamStepKernelOptions } from '@tensile/optim';
import type { WasmBackend } from '../backend.js';
import { failure, ptr } from './call.js';

/**
 * One Adam step in place over contiguous float32 (param, grad, expAvg,
 * expAvgSq[, maxExpAvgSq]), as @tensile/optim's adamStep_ dispatches it: the options go
 * to the C call as a tn_adam_options struct in the argument area.
 */
export function adamKernel(backend: WasmBackend): FusedKernel {
  return (inputs, options, out) => {
    const operands = inputs as readonly TensorView[];
    const n = out.shape.reduce((a, b) => a * b, 1);
    if (operands.some((t) => t.dtype !== 'float32')) throw failure(-1, 'adamStep', operands);
    if (operands.some((t) => !isContiguous(t.shape, t.strides) || t.shape.reduce((a, b) => a * b, 1) !== n))
      throw new DeviceError(`adamStep: expects contiguous tensors of one size, got ${operands.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
    const o = options as unknown as AdamStepKernelOptions;
    const { stepSize, bias2Sqrt } = o;
    // struct tn_adam_options: 7 doubles, then 2 int32.
    const at = backend.argsAt;
    const h = backend.heap();
    h.f64.set([o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, stepSize, bias2Sqrt], at >> 3);
    h.i32[(at >> 2) + 14] = o.decoupled ? 1 : 0;
    h.i32[(at >> 2) + 15] = o.maximize ? 1 : 0;
    const [p, g, m, v, mx] = operands;
    const s = backend.kernels.tn_adam_f32(ptr(p!), ptr(g!), ptr(m!), ptr(v!), mx === undefined ? 0 : ptr(mx), n, at);
    if (s !== 0) throw failure(s, 'adamStep', operands);
  };
}
