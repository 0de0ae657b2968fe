import { type FusedKernel, isContiguous, type TensorView } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE, failure, ptr } from './call.js';

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
    const nd = x.shape.length;
    const dimOpt = (options.dim as number | undefined) ?? -1;
    const dim = nd === 0 ? 0 : dimOpt < 0 ? dimOpt + nd : dimOpt;
    let outer = 1;
    let inner = 1;
    for (let i = 0; i < dim; i++) outer *= x.shape[i]!;
    for (let i = dim + 1; i < nd; i++) inner *= x.shape[i]!;
    const n = nd === 0 ? 1 : x.shape[dim]!;
    let src = x;
    if (!isContiguous(x.shape, x.strides)) {
      copy(x, out);
      src = out;
    }
    const s = backend.kernels.tn_softmax_f32(ptr(src), ptr(out), outer, n, inner, log ? 1 : 0);
    if (s !== 0) throw failure(s, op, [x, out]);
  };
}
