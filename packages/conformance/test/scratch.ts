import { CpuBackend, registerCpuBackend } from '@tensile/backend-cpu';
import { type KernelTable, registerKernel } from '@tensile/core';

/**
 * A scratch backend for the suite's own tests: a second cpu-like device with
 * chosen kernels replaced, so a test can plant a wrong, leaking or dishonest
 * kernel and watch the suite catch it.
 */
export function scratchBackend(name: string, overrides: KernelTable = {}): void {
  registerCpuBackend({ backend: new CpuBackend(name), select: false });
  for (const [op, k] of Object.entries(overrides)) registerKernel(op as never, name, k as never);
}
