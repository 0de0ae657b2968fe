import { DeviceError, type FusedKernel, isContiguous, splitAtDim, type TensorView } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { failure, ptr } from './call.js';

/**
 * Fused softmax / logSoftmax along options.dim (default last) of a float32
 * view into contiguous out: one C call instead of five kernels. A strided x is
 * first copied into out, which the kernel then transforms in place.
 */
export function softmaxKernel(backend: WasmBackend, log: boolean, copy: (src: TensorView, dst: TensorView) => void): FusedKernel {
  const op = log ? 'logSoftmax' : 'softmax';
  return (inputs, options, out) => {
    const x = inputs[0]!;
    if (x.dtype !== 'float32' || out.dtype !== 'float32') throw failure(-1, op, [x, out]);
    const { outer, n, inner } = splitAtDim(op, x.shape, (options.dim as number | undefined) ?? -1);
    let src = x;
    if (!isContiguous(x.shape, x.strides)) {
      copy(x, out);
      src = out;
    }
    const s = backend.kernels.tn_softmax_f32(ptr(src), ptr(out), outer, n, inner, log ? 1 : 0);
    if (s !== 0) throw failure(s, op, [x, out]);
  };
}

/** The fused gradient of softmax / logSoftmax along options.dim, from contiguous float32 (g, y) as core passes them. */
export function softmaxBackwardKernel(backend: WasmBackend, log: boolean): FusedKernel {
  const op = log ? 'logSoftmaxBackward' : 'softmaxBackward';
  return (inputs, options, out) => {
    const [g, y] = inputs as [TensorView, TensorView];
    const operands = [g, y, out];
    if (operands.some((t) => t.dtype !== 'float32')) throw failure(-1, op, operands);
    if (operands.some((t) => !isContiguous(t.shape, t.strides) || t.shape.join() !== y.shape.join()))
      throw new DeviceError(`${op}: expects contiguous g, y and out of one shape, got ${operands.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
    const { outer, n, inner } = splitAtDim(op, y.shape, options.dim as number);
    const s = backend.kernels.tn_softmax_backward_f32(ptr(g), ptr(y), ptr(out), outer, n, inner, log ? 1 : 0);
    if (s !== 0) throw failure(s, op, operands);
  };
}
