/// <reference types="@webgpu/types" />
import { type BinaryOp, type FusedKernel, PRIMITIVES, type ReduceOp, registerBackend, registerKernel, type UnaryOp } from '@tensile/core';
import { WebGPUBackend } from './backend.js';
import { deferCheck } from './kernels/check.js';
import { binaryKernel, copyKernel, fillKernel, unaryKernel, whereKernel } from './kernels/elementwise.js';
import { gatherKernel, scatterKernel } from './kernels/indexing.js';
import { linearKernel, matmulKernel } from './kernels/matmul.js';
import { reluBackwardKernel } from './kernels/relu.js';
import { attentionBackwardKernel, attentionKernel } from './kernels/attention.js';
import { adamKernel, rmspropKernel, sgdKernel } from './kernels/optim.js';
import { crossEntropyBackwardKernel, nllReducedKernel } from './kernels/loss.js';
import { FUSED, type FusedOp } from './fused.js';
import { softmaxKernel } from './kernels/softmax.js';
import { reduceKernel } from './kernels/reduce.js';
import { scanKernel, sortKernel } from './kernels/scan.js';

export { WebGPUBackend } from './backend.js';

/** The webgpu backend instance; `await ready('webgpu')` finds an adapter and a device. */
export const webgpuBackend = new WebGPUBackend();

/** Registers the webgpu backend and its kernels; `select` (default true) makes it the default device. */
export function registerWebGPUBackend(options: { select?: boolean } = {}): void {
  const b = webgpuBackend;
  b.deferCheck = deferCheck(b);
  registerBackend(b, options);
  for (const [op, spec] of Object.entries(PRIMITIVES)) {
    if (spec.kind === 'unary') registerKernel(op as UnaryOp, 'webgpu', unaryKernel(b, op as UnaryOp));
    else if (spec.kind === 'binary') registerKernel(op as BinaryOp, 'webgpu', binaryKernel(b, op as BinaryOp));
    else if (spec.kind === 'reduce') registerKernel(op as ReduceOp, 'webgpu', reduceKernel(b, op as ReduceOp));
  }
  registerKernel('where', 'webgpu', whereKernel(b));
  registerKernel('copy', 'webgpu', copyKernel(b));
  registerKernel('fill', 'webgpu', fillKernel(b));
  registerKernel('matmul', 'webgpu', matmulKernel(b));
  registerKernel('gather', 'webgpu', gatherKernel(b));
  registerKernel('scatter', 'webgpu', scatterKernel(b, false));
  registerKernel('scatterAdd', 'webgpu', scatterKernel(b, true));
  registerKernel('cumsum', 'webgpu', scanKernel(b, false));
  registerKernel('cumprod', 'webgpu', scanKernel(b, true));
  registerKernel('sort', 'webgpu', sortKernel(b));
  const fused: Record<FusedOp, FusedKernel> = {
    softmax: softmaxKernel(b, 'softmax'),
    logSoftmax: softmaxKernel(b, 'logSoftmax'),
    softmaxBackward: softmaxKernel(b, 'softmaxBackward'),
    logSoftmaxBackward: softmaxKernel(b, 'logSoftmaxBackward'),
    adamStep: adamKernel(b),
    sgdStep: sgdKernel(b),
    rmspropStep: rmspropKernel(b),
    nllLossReduced: nllReducedKernel(b),
    crossEntropyBackward: crossEntropyBackwardKernel(b),
    linear: linearKernel(b),
    reluBackward: reluBackwardKernel(b),
    scaledDotProductAttention: attentionKernel(b),
    scaledDotProductAttentionBackward: attentionBackwardKernel(b),
  };
  for (const op of FUSED) registerKernel(op, 'webgpu', fused[op]);
}

registerWebGPUBackend();
