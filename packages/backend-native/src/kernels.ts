import {
  type AttentionKernelOptions,
  DeviceError,
  type FusedKernel,
  isContiguous,
  type KernelSignatures,
  type PrimitiveOp,
  PRIMITIVES,
  registerKernel,
  splitAtDim,
  ValueError,
} from '@tensile/core';
import type { AdamStepKernelOptions, RMSpropStepOptions, SGDStepOptions } from '@tensile/optim';
import type { Bridge } from './bridge.js';
import { FUSED, type FusedOp } from './fused.js';
import * as call from './generated/calls.js';

type KernelMap = { [O in PrimitiveOp]: unknown } & { [O in FusedOp]: FusedKernel };

function codes(names: readonly string[]): Map<string, number> {
  return new Map(names.map((n, i) => [n, i]));
}

// loadAddon refused an addon that lacks any of core's ops, so every op has a code.
const codeOf = (table: Map<string, number>, op: string): number => table.get(op)!;

/**
 * One kernel per primitive, each a call of the generated writer for its entry
 * point (src/calls.ts declares the fields): no JS arrays cross into native code
 * and no data is copied.
 */
export function nativeKernels(bridge: Bridge): KernelMap {
  const { addon } = bridge;
  const unaryCodes = codes(addon.ops.unary);
  const binaryCodes = codes(addon.ops.binary);
  const reduceCodes = codes(addon.ops.reduce);
  const table: Record<string, unknown> = {};

  for (const [op, spec] of Object.entries(PRIMITIVES)) {
    if (spec.kind === 'unary') {
      const code = codeOf(unaryCodes, op);
      const k: KernelSignatures['unary'] = (x, out) => call.unary(bridge, op, code, x, out);
      table[op] = k;
    } else if (spec.kind === 'binary') {
      const code = codeOf(binaryCodes, op);
      const k: KernelSignatures['binary'] = (a, b, out) => call.binary(bridge, op, code, a, b, out);
      table[op] = k;
    } else if (spec.kind === 'reduce') {
      const code = codeOf(reduceCodes, op);
      const k: KernelSignatures['reduce'] = (x, out) => call.reduce(bridge, op, code, x, out);
      table[op] = k;
    }
  }

  const where: KernelSignatures['where'] = (cond, a, b, out) => call.where(bridge, 'where', cond, a, b, out);
  const copy: KernelSignatures['copy'] = (x, out) => call.copy(bridge, 'copy', x, out);
  const fill: KernelSignatures['fill'] = (dst, value) => {
    if (typeof value !== 'number') throw new ValueError(`fill: expected a number, got ${typeof value}`);
    // An expanded destination (fill_ on a broadcast view, which PyTorch allows: every write is the same
    // value) is filled through one element of each stride-0 dim, as the call's `out` must not overlap.
    const shape = dst.shape.map((d, i) => (dst.strides[i] === 0 ? Math.min(d, 1) : d));
    call.fill(bridge, 'fill', shape.some((d, i) => d !== dst.shape[i]) ? { storage: dst.storage, dtype: dst.dtype, shape, strides: dst.strides, offset: dst.offset } : dst, value);
  };
  const matmul: KernelSignatures['matmul'] = (a, b, out) => call.matmul(bridge, 'matmul', a, b, out);
  const gather: KernelSignatures['gather'] = (x, index, dim, out) => call.gather(bridge, 'gather', dim, x, index, out);
  const scatter =
    (accumulate: boolean): KernelSignatures['scatter'] =>
    (dst, index, src, dim) =>
      call.scatter(bridge, accumulate ? 'scatterAdd' : 'scatter', accumulate, dim, dst, index, src);
  const scan =
    (prod: boolean): KernelSignatures['scan'] =>
    (x, out) =>
      call.scan(bridge, prod ? 'cumprod' : 'cumsum', prod, x, out);
  const sort: KernelSignatures['sort'] = (x, values, indices, descending) => call.sort(bridge, 'sort', descending, x, values, indices);

  // Fused softmax / logSoftmax (kernels-c's three-pass rows) along options.dim; a strided x is first copied into out.
  const lines = (op: string, shape: readonly number[], dim: unknown) => splitAtDim(op, shape, (dim as number | undefined) ?? -1);
  const softmax =
    (log: boolean): FusedKernel =>
    (inputs, options, out) => {
      const op = log ? 'logSoftmax' : 'softmax';
      const x = inputs[0]!;
      let src = x;
      if (!isContiguous(x.shape, x.strides)) {
        copy(x, out);
        src = out;
      }
      const { outer, n, inner } = lines(op, x.shape, options.dim);
      call.softmax(bridge, op, log, outer, n, inner, src, out);
    };
  // Their gradients from contiguous (g, y), as core passes them.
  const softmaxBackward =
    (log: boolean): FusedKernel =>
    (inputs, options, out) => {
      const op = log ? 'logSoftmaxBackward' : 'softmaxBackward';
      const [g, y] = inputs;
      const { outer, n, inner } = lines(op, y!.shape, options.dim);
      call.softmaxBackward(bridge, op, log, outer, n, inner, g!, y!, out);
    };
  const adamStep: FusedKernel = (inputs, options, out) => {
    const o = options as unknown as AdamStepKernelOptions;
    const { stepSize, bias2Sqrt } = o;
    const [, grad, expAvg, expAvgSq, maxExpAvgSq] = inputs;
    const amsgrad = inputs.length === 5;
    call.adam(bridge, 'adamStep', o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, stepSize, bias2Sqrt, o.decoupled, o.maximize, amsgrad, out, grad!, expAvg!, expAvgSq!, maxExpAvgSq);
  };
  const sgdStep: FusedKernel = (inputs, options, out) => {
    const o = options as unknown as SGDStepOptions;
    const [, grad, buf] = inputs;
    call.sgd(bridge, 'sgdStep', o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov, o.maximize, o.first, buf !== undefined, out, grad!, buf);
  };
  const rmspropStep: FusedKernel = (inputs, options, out) => {
    const o = options as unknown as RMSpropStepOptions;
    const hasMomentum = o.momentum > 0;
    let k = 3;
    const gradAvg = o.centered ? inputs[k++] : undefined;
    const buf = hasMomentum ? inputs[k++] : undefined;
    call.rmsprop(bridge, 'rmspropStep', o.lr, o.alpha, o.eps, o.weightDecay, o.momentum, o.maximize, o.centered, hasMomentum, out, inputs[1]!, inputs[2]!, gradAvg, buf);
  };

  // conv2d on contiguous NCHW operands, as @tensile/nn's conv2d composites pass them (options: stride, padding, dilation, groups).
  const conv =
    (kind: 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'): FusedKernel =>
    (inputs, options, out) => {
      const o = options as unknown as { stride: readonly number[]; padding: readonly number[]; dilation: readonly number[]; groups: number };
      const [a, b] = inputs;
      const args = [o.groups, o.stride[0]!, o.stride[1]!, o.padding[0]!, o.padding[1]!, o.dilation[0]!, o.dilation[1]!] as const;
      if (kind === 'conv2d') call.conv2d(bridge, kind, ...args, a!, b!, out);
      else if (kind === 'conv2dInputGrad') call.conv2dInputGrad(bridge, kind, ...args, a!, b!, out);
      else call.conv2dWeightGrad(bridge, kind, ...args, a!, b!, out);
    };

  // Fused attention on the strided, broadcast views core's composite passes (options: AttentionKernelOptions).
  const attention: FusedKernel = (inputs, options) => {
    const o = options as unknown as AttentionKernelOptions;
    const [out, lse, q, k, v, mask] = inputs;
    call.attention(bridge, 'scaledDotProductAttention', o.scale, o.isCausal, mask !== undefined, o.mask === 'bool', q!, k!, v!, mask, out!, lse!);
  };
  const attentionBackward: FusedKernel = (inputs, options) => {
    const o = options as unknown as AttentionKernelOptions;
    const [dq, dk, dv, g, q, k, v, out, lse, mask] = inputs;
    call.attentionBackward(bridge, 'scaledDotProductAttentionBackward', o.scale, o.isCausal, mask !== undefined, o.mask === 'bool', g!, q!, k!, v!, mask, out!, lse!, dq!, dk!, dv!);
  };

  Object.assign(table, {
    scaledDotProductAttention: attention,
    scaledDotProductAttentionBackward: attentionBackward,
    conv2d: conv('conv2d'),
    conv2dInputGrad: conv('conv2dInputGrad'),
    conv2dWeightGrad: conv('conv2dWeightGrad'),
    softmax: softmax(false),
    logSoftmax: softmax(true),
    softmaxBackward: softmaxBackward(false),
    logSoftmaxBackward: softmaxBackward(true),
    adamStep,
    sgdStep,
    rmspropStep,
    where,
    copy,
    fill,
    matmul,
    gather,
    scatter: scatter(false),
    scatterAdd: scatter(true),
    cumsum: scan(false),
    cumprod: scan(true),
    sort,
  });
  return table as KernelMap;
}

/**
 * Registers every primitive and the fused composites for device 'native'; without the addon, kernels that say
 * why (core refuses to run them first).
 */
export function registerNativeKernels(bridge: Bridge | null, reason: string | undefined): void {
  const unavailable = () => {
    throw new DeviceError(`device "native" is unavailable: ${reason}`);
  };
  const table: Record<string, unknown> = bridge === null ? {} : nativeKernels(bridge);
  for (const op of [...(Object.keys(PRIMITIVES) as PrimitiveOp[]), ...FUSED])
    registerKernel(op, 'native', (table[op] ?? unavailable) as never);
}
