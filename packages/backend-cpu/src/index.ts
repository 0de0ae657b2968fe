import { type BinaryOp, type FusedKernel, PRIMITIVES, registerBackend, registerKernel, type UnaryOp } from '@tensile/core';
import { CpuBackend } from './backend.js';
import { binaryKernel, copyKernel, fillKernel, unaryKernel, whereKernel } from './kernels/elementwise.js';
import { gatherKernel, scatterAddKernel, scatterAssignKernel } from './kernels/indexing.js';
import { matmulKernel } from './kernels/matmul.js';
import { REDUCE_KERNELS } from './kernels/reduce.js';
import { cumprodKernel, cumsumKernel, sortKernel } from './kernels/scan.js';
import { adamKernel, rmspropKernel, sgdKernel } from './kernels/adam.js';
import { FUSED, type FusedOp } from './fused.js';
import { softmaxBackwardKernel, softmaxKernel } from './kernels/softmax.js';
import { attentionBackwardKernel, attentionKernel } from './kernels/attention.js';

export { CpuBackend } from './backend.js';

/** The cpu backend instance (one per realm; its registry entry is shared by copies of core). */
export const cpuBackend = new CpuBackend();

/**
 * Registers a cpu backend and its kernels; `select` makes it the default
 * device. Passing another CpuBackend (e.g. `new CpuBackend('cpu2')`) makes a
 * second cpu-like device, which tests use for device mixing and scratch kernels.
 */
export function registerCpuBackend(options: { select?: boolean; backend?: CpuBackend } = {}): void {
  const backend = options.backend ?? cpuBackend;
  const name = backend.name;
  registerBackend(backend, { select: options.select ?? true });
  for (const [op, spec] of Object.entries(PRIMITIVES)) {
    if (spec.kind === 'unary') registerKernel(op as UnaryOp, name, unaryKernel(op as UnaryOp));
    else if (spec.kind === 'binary') registerKernel(op as BinaryOp, name, binaryKernel(op as BinaryOp));
  }
  for (const [op, k] of Object.entries(REDUCE_KERNELS)) registerKernel(op as keyof typeof REDUCE_KERNELS, name, k);
  registerKernel('where', name, whereKernel);
  registerKernel('copy', name, copyKernel);
  registerKernel('fill', name, fillKernel);
  registerKernel('matmul', name, matmulKernel);
  registerKernel('gather', name, gatherKernel);
  registerKernel('scatter', name, scatterAssignKernel);
  registerKernel('scatterAdd', name, scatterAddKernel);
  registerKernel('cumsum', name, cumsumKernel);
  registerKernel('cumprod', name, cumprodKernel);
  registerKernel('sort', name, sortKernel);
  const fused: Record<FusedOp, FusedKernel> = {
    softmax: softmaxKernel(false),
    logSoftmax: softmaxKernel(true),
    softmaxBackward: softmaxBackwardKernel(false),
    logSoftmaxBackward: softmaxBackwardKernel(true),
    adamStep: adamKernel,
    sgdStep: sgdKernel,
    rmspropStep: rmspropKernel,
    scaledDotProductAttention: attentionKernel,
    scaledDotProductAttentionBackward: attentionBackwardKernel,
  };
  for (const op of FUSED) registerKernel(op, name, fused[op]);
}

// Importing the package is enough to get a working cpu device (keep it first if another backend is selected later).
registerCpuBackend({ select: false });
