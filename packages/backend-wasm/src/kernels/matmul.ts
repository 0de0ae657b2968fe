import type { KernelSignatures } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE } from '../generated/kernel-api.js';
import { failure, ptr } from './call.js';

/** [B, M, K] x [B, K, N] on any strides; float32 packs into the backend's reusable workspace. */
export function matmulKernel(backend: WasmBackend): KernelSignatures['matmul'] {
  return (a, b, out) => {
    const [batch, M, K] = a.shape as [number, number, number];
    const N = b.shape[2]!;
    const dt = DTYPE_CODE[out.dtype];
    const k = backend.kernels;
    // The workspace is placed before any pointer is taken: growing memory moves nothing, but keeps the order obvious.
    const need = k.tn_matmul_workspace(dt, M, K, N);
    const ws = need > 0 ? backend.scratch(need) : 0;
    const [abs, ars, acs] = a.strides as [number, number, number];
    const [bbs, brs, bcs] = b.strides as [number, number, number];
    const s = k.tn_matmul(dt, batch, M, K, N, ptr(a), abs, ars, acs, ptr(b), bbs, brs, bcs, ptr(out), ws);
    if (s !== 0) throw failure(s, 'matmul', [a, b, out]);
  };
}
