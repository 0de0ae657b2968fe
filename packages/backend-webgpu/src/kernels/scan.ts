import type { KernelSignatures } from '@tensile/core';
import { type Binding, ELEMENT_BYTES, grid, Meta, type WebGPUBackend } from '../backend.js';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { SCAN_BLOCK, type ScanPass, scanSource, SORT_LOCAL, sortFinalSource, sortInitSource, sortLocalSource, sortStepSource } from './scan.wgsl.js';

export function scanKernel(backend: WebGPUBackend, isProd: boolean): KernelSignatures['scan'] {
  const op = isProd ? 'cumprod' : 'cumsum';
  return (x, out) => {
    const [outer, n, inner] = x.shape as [number, number, number];
    const lines = outer * inner;
    if (lines * n === 0) return;
    const nb = Math.ceil(n / SCAN_BLOCK);
    const T = WGSL_TYPE[x.dtype];
    const pass = (p: ScanPass, count: number, bindings: Binding[]) =>
      backend.dispatch({
        kernel: op,
        key: `${op}:${p}:${T}`,
        source: () => scanSource(x.dtype, isProd, p),
        bindings,
        meta: new Meta().setAll(0, [count, n, inner, x.offset, out.offset, nb]).u32,
        groups: grid(Math.ceil(count / 64)),
      });
    const o = { buffer: backend.bufferOf(out, op), write: true };
    backend.withScratch([lines * nb * ELEMENT_BYTES], ([totals]) => {
      pass('block', lines * nb, [{ buffer: backend.bufferOf(x, op), write: false }, o, { buffer: totals!, write: true }]);
      if (nb === 1) return;
      pass('carry', lines, [{ buffer: totals!, write: true }]);
      pass('fix', lines * n, [{ buffer: totals!, write: false }, o]);
    });
  };
}

export function sortKernel(backend: WebGPUBackend): KernelSignatures['sort'] {
  return (x, values, indices, descending) => {
    const [outer, n, inner] = x.shape as [number, number, number];
    const lines = outer * inner;
    if (lines * n === 0) return;
    const p = 2 ** Math.ceil(Math.log2(n));
    const T = WGSL_TYPE[x.dtype];
    const meta = (count: number, k: number, j: number) =>
      new Meta().setAll(0, [count, p, k, j, n, descending ? 1 : 0, inner, x.offset, indices.offset, values.offset]).u32;
    if (p <= SORT_LOCAL) {
      backend.dispatch({
        kernel: 'sort',
        key: `sortLocal:${T}`,
        source: () => sortLocalSource(x.dtype),
        bindings: [
          { buffer: backend.bufferOf(x, 'sort'), write: false },
          { buffer: backend.bufferOf(values, 'sort'), write: true },
          { buffer: backend.bufferOf(indices, 'sort'), write: true },
        ],
        meta: meta(lines, 0, 0),
        groups: grid(lines),
      });
      return;
    }
    backend.withScratch([lines * p * ELEMENT_BYTES, lines * p * ELEMENT_BYTES], ([keys, ids]) => {
      backend.dispatch({
        kernel: 'sort',
        key: `sortInit:${T}`,
        source: () => sortInitSource(x.dtype),
        bindings: [
          { buffer: backend.bufferOf(x, 'sort'), write: false },
          { buffer: keys!, write: true },
          { buffer: ids!, write: true },
        ],
        meta: meta(lines * p, 0, 0),
        groups: grid(Math.ceil((lines * p) / 64)),
      });
      const pairs = (lines * p) / 2;
      for (let k = 2; k <= p; k *= 2)
        for (let j = k / 2; j >= 1; j /= 2)
          backend.dispatch({
            kernel: 'sort',
            key: `sortStep:${T}`,
            source: () => sortStepSource(x.dtype),
            bindings: [
              { buffer: keys!, write: true },
              { buffer: ids!, write: true },
            ],
            meta: meta(pairs, k, j),
            groups: grid(Math.ceil(pairs / 64)),
          });
      const finalMeta = meta(lines * n, 0, 0);
      finalMeta[7] = values.offset;
      backend.dispatch({
        kernel: 'sort',
        key: `sortFinal:${T}`,
        source: () => sortFinalSource(x.dtype),
        bindings: [
          { buffer: keys!, write: false },
          { buffer: ids!, write: false },
          { buffer: backend.bufferOf(values, 'sort'), write: true },
          { buffer: backend.bufferOf(indices, 'sort'), write: true },
        ],
        meta: finalMeta,
        groups: grid(Math.ceil((lines * n) / 64)),
      });
    });
  };
}
