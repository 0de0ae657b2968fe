import type { KernelSignatures } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE } from '../generated/kernel-api.js';
import { failure, ptr } from './call.js';

export function scanKernels(backend: WasmBackend) {
  const scan =
    (op: 'cumsum' | 'cumprod'): KernelSignatures['scan'] =>
    (x, out) => {
      const [outer, n, inner] = x.shape as [number, number, number];
      const k = backend.kernels;
      const s = (op === 'cumsum' ? k.tn_cumsum : k.tn_cumprod)(DTYPE_CODE[x.dtype], ptr(x), outer, n, inner, ptr(out));
      if (s !== 0) throw failure(s, op, [x, out]);
    };

  const sort: KernelSignatures['sort'] = (x, values, indices, descending) => {
    const [outer, n, inner] = x.shape as [number, number, number];
    const k = backend.kernels;
    const ws = backend.scratch(Math.max(k.tn_sort_workspace(n), 8));
    const s = k.tn_sort(DTYPE_CODE[x.dtype], ptr(x), outer, n, inner, descending ? 1 : 0, ptr(values), ptr(indices), ws);
    if (s !== 0) throw failure(s, 'sort', [x, values, indices]);
  };

  return { cumsum: scan('cumsum'), cumprod: scan('cumprod'), sort };
}
