import type { KernelSignatures } from '@tensile/core';
import { Meta, type WebGPUBackend } from '../backend.js';
import { fillKernel } from './elementwise.js';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { K_CHUNK, matmulSource, TILE } from './matmul.wgsl.js';

const MAX_Z = 65535;

export function matmulKernel(backend: WebGPUBackend): KernelSignatures['matmul'] {
  const fill = fillKernel(backend);
  return (a, b, out) => {
    const [batch, M, K] = a.shape as [number, number, number];
    const N = b.shape[2]!;
    if (batch * M * N === 0) return;
    if (K === 0) {
      fill(out, 0);
      return;
    }
    const bindings = [
      { buffer: backend.bufferOf(a, 'matmul'), write: false },
      { buffer: backend.bufferOf(b, 'matmul'), write: false },
      { buffer: backend.bufferOf(out, 'matmul'), write: true },
    ];
    // Batches past the per-dimension workgroup limit go in further dispatches, and so do chunks of K (see matmul.wgsl.ts).
    for (let first = 0; first < batch; first += MAX_Z)
      for (let k0 = 0; k0 < K; k0 += K_CHUNK) {
        const meta = new Meta()
          .setAll(0, [M, K, N, first, a.offset, b.offset, out.offset])
          .setAll(7, a.strides)
          .setAll(10, b.strides)
          .setAll(13, [k0, Math.min(K, k0 + K_CHUNK), k0 > 0 ? 1 : 0]);
        backend.dispatch({
          kernel: 'matmul',
          key: `matmul:${WGSL_TYPE[a.dtype]}`,
          source: () => matmulSource(a.dtype),
          bindings,
          meta: meta.u32,
          groups: [Math.ceil(N / TILE), Math.ceil(M / TILE), Math.min(MAX_Z, batch - first)],
        });
      }
  };
}
