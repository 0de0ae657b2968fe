import { DeviceError, type FusedKernel, isContiguous, type TensorView } from '@tensile/core';
import type { AdamStepKernelOptions, RMSpropStepOptions, SGDStepOptions } from '@tensile/optim';
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

function checkOperands(op: string, operands: readonly TensorView[], n: number): void {
  if (operands.some((t) => t.dtype !== 'float32')) throw failure(-1, op, operands);
  if (operands.some((t) => !isContiguous(t.shape, t.strides) || t.shape.reduce((a, b) => a * b, 1) !== n))
    throw new DeviceError(`${op}: expects contiguous tensors of one size, got ${operands.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
}

/** One SGD step in place over contiguous float32 (param, grad[, momentumBuffer]): a tn_sgd_options struct in the argument area. */
export function sgdKernel(backend: WasmBackend): FusedKernel {
  return (inputs, options, out) => {
    const operands = inputs as readonly TensorView[];
    const n = out.shape.reduce((a, b) => a * b, 1);
    checkOperands('sgdStep', operands, n);
    const o = options as unknown as SGDStepOptions;
    // struct tn_sgd_options: 4 doubles, then 3 int32.
    const at = backend.argsAt;
    const h = backend.heap();
    h.f64.set([o.lr, o.momentum, o.dampening, o.weightDecay], at >> 3);
    h.i32[(at >> 2) + 8] = o.nesterov ? 1 : 0;
    h.i32[(at >> 2) + 9] = o.maximize ? 1 : 0;
    h.i32[(at >> 2) + 10] = o.first ? 1 : 0;
    const [p, g, b] = operands;
    const s = backend.kernels.tn_sgd_f32(ptr(p!), ptr(g!), b === undefined ? 0 : ptr(b), n, at);
    if (s !== 0) throw failure(s, 'sgdStep', operands);
  };
}

/** One RMSprop step in place over contiguous float32 (param, grad, squareAvg[, gradAvg][, momentumBuffer]): a tn_rmsprop_options struct in the argument area. */
export function rmspropKernel(backend: WasmBackend): FusedKernel {
  return (inputs, options, out) => {
    const operands = inputs as readonly TensorView[];
    const n = out.shape.reduce((a, b) => a * b, 1);
    checkOperands('rmspropStep', operands, n);
    const o = options as unknown as RMSpropStepOptions;
    // struct tn_rmsprop_options: 5 doubles, then 1 int32.
    const at = backend.argsAt;
    const h = backend.heap();
    h.f64.set([o.lr, o.alpha, o.eps, o.weightDecay, o.momentum], at >> 3);
    h.i32[(at >> 2) + 10] = o.maximize ? 1 : 0;
    let k = 3;
    const gradAvg = o.centered ? operands[k++] : undefined;
    const buf = o.momentum > 0 ? operands[k++] : undefined;
    const [p, g, sq] = operands;
    const s = backend.kernels.tn_rmsprop_f32(ptr(p!), ptr(g!), ptr(sq!), gradAvg === undefined ? 0 : ptr(gradAvg), buf === undefined ? 0 : ptr(buf), n, at);
    if (s !== 0) throw failure(s, 'rmspropStep', operands);
  };
}
