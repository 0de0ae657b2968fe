import { type BinaryOp, PRIMITIVES, registerBackend, registerKernel, type UnaryOp } from '@tensile/core';
import { CpuBackend } from './backend.js';
import { binaryKernel, castKernel, copyKernel, fillKernel, unaryKernel, whereKernel } from './kernels/elementwise.js';
import { gatherKernel, scatterAddKernel, scatterAssignKernel } from './kernels/indexing.js';
import { matmulKernel } from './kernels/matmul.js';
import { REDUCE_KERNELS } from './kernels/reduce.js';
import { cumprodKernel, cumsumKernel, sortKernel } from './kernels/scan.js';

export { CpuBackend } from './backend.js';

/** The cpu backend instance (one per realm; its registry entry is shared by copies of core). */
export const cpuBackend = new CpuBackend();

/** Registers the cpu backend and its kernels; `select` makes it the default device. */
export function registerCpuBackend(options: { select?: boolean } = {}): void {
  registerBackend(cpuBackend, options);
  for (const [op, spec] of Object.entries(PRIMITIVES)) {
    if (spec.kind === 'unary') registerKernel(op as UnaryOp, 'cpu', unaryKernel(op as UnaryOp));
    else if (spec.kind === 'binary') registerKernel(op as BinaryOp, 'cpu', binaryKernel(op as BinaryOp));
  }
  for (const [op, k] of Object.entries(REDUCE_KERNELS)) registerKernel(op as keyof typeof REDUCE_KERNELS, 'cpu', k);
  registerKernel('where', 'cpu', whereKernel);
  registerKernel('cast', 'cpu', castKernel);
  registerKernel('copy', 'cpu', copyKernel);
  registerKernel('fill', 'cpu', fillKernel);
  registerKernel('matmul', 'cpu', matmulKernel);
  registerKernel('gather', 'cpu', gatherKernel);
  registerKernel('scatter', 'cpu', scatterAssignKernel);
  registerKernel('scatterAdd', 'cpu', scatterAddKernel);
  registerKernel('cumsum', 'cpu', cumsumKernel);
  registerKernel('cumprod', 'cpu', cumprodKernel);
  registerKernel('sort', 'cpu', sortKernel);
}

// Importing the package is enough to get a working cpu device (keep it first if another backend is selected later).
registerCpuBackend({ select: false });
