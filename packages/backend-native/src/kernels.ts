import {
  type AdamStepOptions,
  adamBiasCorrections,
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
import type { Bridge } from './bridge.js';

/** The composites this backend fuses. */
const FUSED = ['softmax', 'logSoftmax', 'softmaxBackward', 'logSoftmaxBackward', 'adamStep'] as const;
type KernelMap = { [O in PrimitiveOp]: unknown } & { [O in (typeof FUSED)[number]]: FusedKernel };

function codes(names: readonly string[]): Map<string, number> {
  return new Map(names.map((n, i) => [n, i]));
}

// loadAddon refused an addon that lacks any of core's ops, so every op has a code.
const codeOf = (table: Map<string, number>, op: string): number => table.get(op)!;

/**
 * One kernel per primitive, each a thin writer of the parameter block plus
 * one addon call: no JS arrays cross into native code and no data is copied.
 */
export function nativeKernels(bridge: Bridge): KernelMap {
  const { addon, P } = bridge;
  const unaryCodes = codes(addon.ops.unary);
  const binaryCodes = codes(addon.ops.binary);
  const reduceCodes = codes(addon.ops.reduce);
  const table: Record<string, unknown> = {};

  for (const [op, spec] of Object.entries(PRIMITIVES)) {
    if (spec.kind === 'unary') {
      const code = codeOf(unaryCodes, op);
      const k: KernelSignatures['unary'] = (x, out) => {
        P[1] = code;
        bridge.put(op, out, bridge.put(op, x, 2));
        addon.unary();
        bridge.check();
      };
      table[op] = k;
    } else if (spec.kind === 'binary') {
      const code = codeOf(binaryCodes, op);
      const k: KernelSignatures['binary'] = (a, b, out) => {
        P[1] = code;
        bridge.put(op, out, bridge.putOperand(op, b, bridge.putOperand(op, a, 2)));
        addon.binary();
        bridge.check();
      };
      table[op] = k;
    } else if (spec.kind === 'reduce') {
      const code = codeOf(reduceCodes, op);
      const k: KernelSignatures['reduce'] = (x, out) => {
        P[1] = code;
        bridge.put(op, out, bridge.put(op, x, 2));
        addon.reduce();
        bridge.check();
      };
      table[op] = k;
    }
  }

  const where: KernelSignatures['where'] = (cond, a, b, out) => {
    bridge.put('where', out, bridge.putOperand('where', b, bridge.putOperand('where', a, bridge.put('where', cond, 1))));
    addon.where();
    bridge.check();
  };
  const copy: KernelSignatures['copy'] = (x, out) => {
    bridge.put('copy', out, bridge.put('copy', x, 1));
    addon.cast();
    bridge.check();
  };
  const fill: KernelSignatures['fill'] = (dst, value) => {
    if (typeof value !== 'number') throw new ValueError(`fill: expected a number, got ${typeof value}`);
    P[bridge.put('fill', dst, 1)] = value;
    addon.fill();
    bridge.check();
  };
  const matmul: KernelSignatures['matmul'] = (a, b, out) => {
    bridge.put('matmul', out, bridge.put('matmul', b, bridge.put('matmul', a, 1)));
    addon.matmul();
    bridge.check();
  };
  const gather: KernelSignatures['gather'] = (x, index, dim, out) => {
    P[1] = dim;
    bridge.put('gather', out, bridge.put('gather', index, bridge.put('gather', x, 2)));
    addon.gather();
    bridge.check();
  };
  const scatter =
    (accumulate: boolean): KernelSignatures['scatter'] =>
    (dst, index, src, dim) => {
      const op = accumulate ? 'scatterAdd' : 'scatter';
      P[1] = accumulate ? 1 : 0;
      P[2] = dim;
      bridge.put(op, src, bridge.put(op, index, bridge.put(op, dst, 3)));
      addon.scatter();
      bridge.check();
    };
  const scan =
    (prod: boolean): KernelSignatures['scan'] =>
    (x, out) => {
      const op = prod ? 'cumprod' : 'cumsum';
      P[1] = prod ? 1 : 0;
      bridge.put(op, out, bridge.put(op, x, 2));
      addon.scan();
      bridge.check();
    };
  const sort: KernelSignatures['sort'] = (x, values, indices, descending) => {
    P[1] = descending ? 1 : 0;
    bridge.put('sort', indices, bridge.put('sort', values, bridge.put('sort', x, 2)));
    addon.sort();
    bridge.check();
  };

  // Fused softmax / logSoftmax (kernels-c's three-pass rows) along options.dim; a strided x is first copied into out.
  const putLines = (op: string, shape: readonly number[], dim: unknown): number => {
    const { outer, n, inner } = splitAtDim(op, shape, (dim as number | undefined) ?? -1);
    P[2] = outer;
    P[3] = n;
    P[4] = inner;
    return 5;
  };
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
      P[1] = log ? 1 : 0;
      bridge.put(op, out, bridge.put(op, src, putLines(op, x.shape, options.dim)));
      addon.softmax();
      bridge.check();
    };
  // Their gradients from contiguous (g, y), as core passes them.
  const softmaxBackward =
    (log: boolean): FusedKernel =>
    (inputs, options, out) => {
      const op = log ? 'logSoftmaxBackward' : 'softmaxBackward';
      const [g, y] = inputs;
      P[1] = log ? 1 : 0;
      bridge.put(op, out, bridge.put(op, y!, bridge.put(op, g!, putLines(op, y!.shape, options.dim))));
      addon.softmaxBackward();
      bridge.check();
    };
  const adamStep: FusedKernel = (inputs, options, out) => {
    const o = options as unknown as AdamStepOptions;
    const { stepSize, bias2Sqrt } = adamBiasCorrections(o);
    P.set([o.lr, o.beta1, o.beta2, o.eps, o.weightDecay, stepSize, bias2Sqrt, o.decoupled ? 1 : 0, o.maximize ? 1 : 0, inputs.length], 1);
    let i = 11;
    for (const t of [out, ...inputs.slice(1)]) i = bridge.put('adamStep', t, i);
    addon.adam();
    bridge.check();
  };

  Object.assign(table, {
    softmax: softmax(false),
    logSoftmax: softmax(true),
    softmaxBackward: softmaxBackward(false),
    logSoftmaxBackward: softmaxBackward(true),
    adamStep,
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
