import { type BinaryOp, type FusedKernel, PRIMITIVES, type ReduceOp, registerBackend, registerKernel, type UnaryOp } from '@tensile/core';
import { WasmBackend } from './backend.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { indexingKernels } from './kernels/indexing.js';
import { matmulKernel } from './kernels/matmul.js';
import { reduceKernel } from './kernels/reduce.js';
import { scanKernels } from './kernels/scan.js';
import { adamKernel, rmspropKernel, sgdKernel } from './kernels/adam.js';
import { attentionBackwardKernel, attentionKernel } from './kernels/attention.js';
import { convKernel } from './kernels/conv.js';
import { FUSED, type FusedOp } from './fused.js';
import { softmaxBackwardKernel, softmaxKernel } from './kernels/softmax.js';

export { WasmBackend, type WasmStorage } from './backend.js';

/**
 * The wasm backend instance. In Node (and workers) the module is instantiated
 * synchronously on import; browsers' main threads compile it asynchronously:
 * `await ready('wasm')` before the first op there.
 */
export const wasmBackend = new WasmBackend();

/** Registers the wasm backend and a kernel for every primitive (plus the fused kernels src/fused.ts lists); `select` (default true) makes it the default device. */
export function registerWasmBackend(options: { select?: boolean } = {}): void {
  registerBackend(wasmBackend, options);
  const ew = elementwiseKernels(wasmBackend);
  for (const [op, spec] of Object.entries(PRIMITIVES)) {
    if (spec.kind === 'unary') registerKernel(op as UnaryOp, 'wasm', ew.unary(op as UnaryOp));
    else if (spec.kind === 'binary') registerKernel(op as BinaryOp, 'wasm', ew.binary(op as BinaryOp));
    else if (spec.kind === 'reduce') registerKernel(op as ReduceOp, 'wasm', reduceKernel(wasmBackend, op as ReduceOp));
  }
  registerKernel('where', 'wasm', ew.where);
  registerKernel('copy', 'wasm', ew.copy);
  registerKernel('fill', 'wasm', ew.fill);
  registerKernel('matmul', 'wasm', matmulKernel(wasmBackend));
  const ix = indexingKernels(wasmBackend);
  registerKernel('gather', 'wasm', ix.gather);
  registerKernel('scatter', 'wasm', ix.scatter);
  registerKernel('scatterAdd', 'wasm', ix.scatterAdd);
  const sc = scanKernels(wasmBackend);
  registerKernel('cumsum', 'wasm', sc.cumsum);
  registerKernel('cumprod', 'wasm', sc.cumprod);
  registerKernel('sort', 'wasm', sc.sort);
  const fused: Record<FusedOp, FusedKernel> = {
    softmax: softmaxKernel(wasmBackend, false, ew.copy),
    logSoftmax: softmaxKernel(wasmBackend, true, ew.copy),
    softmaxBackward: softmaxBackwardKernel(wasmBackend, false),
    logSoftmaxBackward: softmaxBackwardKernel(wasmBackend, true),
    adamStep: adamKernel(wasmBackend),
    sgdStep: sgdKernel(wasmBackend),
    rmspropStep: rmspropKernel(wasmBackend),
    conv2d: convKernel(wasmBackend, 'conv2d'),
    conv2dInputGrad: convKernel(wasmBackend, 'conv2dInputGrad'),
    conv2dWeightGrad: convKernel(wasmBackend, 'conv2dWeightGrad'),
    scaledDotProductAttention: attentionKernel(wasmBackend),
    scaledDotProductAttentionBackward: attentionBackwardKernel(wasmBackend),
  };
  for (const op of FUSED) registerKernel(op, 'wasm', fused[op]);
}

// Importing the package registers and selects "wasm"; start-up begins at once.
registerWasmBackend();
if (!wasmBackend.startSync()) void wasmBackend.init().catch(() => undefined);
