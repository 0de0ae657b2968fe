import { DeviceError, type FusedKernel, isContiguous, type TensorView } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE } from '../generated/kernel-api.js';
import { failure, ptr } from './call.js';

/** The options @tensile/nn's conv2d composites pass (its Conv2dKernelOptions). */
interface ConvOptions {
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly groups: number;
}

export type ConvKind = 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad';

/**
 * kernels-c's implicit-GEMM conv2d forward, input gradient and weight
 * gradient on contiguous NCHW float32/float64 tensors: forward (x, weight) ->
 * y, input gradient (grad, weight) -> gx, weight gradient (x, grad) -> gw.
 * The sizes come from the operands' shapes, the rest from the options as a
 * tn_conv2d_params struct in the argument area.
 */
export function convKernel(backend: WasmBackend, kind: ConvKind): FusedKernel {
  return (inputs, options, out) => {
    const [a, b] = inputs as readonly TensorView[];
    const operands = [a!, b!, out];
    const dtype = out.dtype;
    if ((dtype !== 'float32' && dtype !== 'float64') || operands.some((t) => t.dtype !== dtype)) throw failure(-1, kind, operands);
    if (operands.some((t) => t.shape.length !== 4 || !isContiguous(t.shape, t.strides)))
      throw new DeviceError(`${kind}: expects contiguous 4-D tensors, got ${operands.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
    const x = kind === 'conv2dInputGrad' ? out : a!;
    const w = kind === 'conv2d' ? b! : kind === 'conv2dInputGrad' ? b! : out;
    const y = kind === 'conv2d' ? out : kind === 'conv2dInputGrad' ? a! : b!;
    const o = options as unknown as ConvOptions;
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const [O, , KH, KW] = w.shape as [number, number, number, number];
    const [, , OH, OW] = y.shape as [number, number, number, number];
    const params = [
      N,
      C,
      H,
      W,
      O,
      KH,
      KW,
      OH,
      OW,
      o.groups,
      o.stride[0]!,
      o.stride[1]!,
      o.padding[0]!,
      o.padding[1]!,
      o.dilation[0]!,
      o.dilation[1]!,
    ];
    const dt = DTYPE_CODE[dtype];
    const k = backend.kernels;
    // The workspace first (allocating may grow memory), then the params and pointers.
    const need = k.tn_conv2d_workspace(dt, writeParams(backend, params));
    const ws = need > 0 ? backend.scratch(need) : 0;
    const at = writeParams(backend, params);
    let s: number;
    if (kind === 'conv2d') s = k.tn_conv2d_forward(dt, at, 0, N, ptr(a!), ptr(b!), ptr(out), ws);
    else if (kind === 'conv2dInputGrad') s = k.tn_conv2d_input_grad(dt, at, 0, N, ptr(a!), ptr(b!), ptr(out), ws);
    else s = k.tn_conv2d_weight_grad(dt, at, 0, N, ptr(a!), ptr(b!), ptr(out), 0, ws);
    if (s !== 0) throw failure(s, kind, operands);
  };
}

/** struct tn_conv2d_params: 16 tn_idx (int32 in wasm32) at the argument area. */
function writeParams(backend: WasmBackend, params: readonly number[]): number {
  const at = backend.argsAt;
  backend.heap().i32.set(params, at >> 2);
  return at;
}
