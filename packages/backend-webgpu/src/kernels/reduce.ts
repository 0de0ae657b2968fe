import type { KernelSignatures, ReduceOp } from '@tensile/core';
import { type Binding, grid, Meta, type WebGPUBackend } from '../backend.js';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { type PassEnd, partialBytes, reduceSource, TILE } from './reduce.wgsl.js';

/** A reduction of `lines` lines of r elements each as a tree in passes (see reduce.wgsl.ts). */
export interface TreeReduce {
  readonly kernel: string;
  readonly lines: number;
  readonly r: number;
  readonly inner: number;
  /** Bytes of one partial result between passes. */
  readonly partialBytes: number;
  /** The pipeline of a pass that reads the input (`from` 'tensor') or partial results and writes the output (`to` 'tensor') or partial results. */
  readonly pipeline: (from: PassEnd, to: PassEnd) => { key: string; source: () => string };
  /** The first pass's input bindings (numbered from 1) and its uniform block beyond slots 0-2 and 4-5 (slot 3: the input offset). */
  readonly inputs: readonly Binding[];
  readonly inputMeta: (meta: Meta) => Meta;
  /** The last pass's output binding and its offset in elements. */
  readonly output: Binding;
  readonly outputOffset: number;
}

/** Tiles of a line of `len` elements: at least one, so an empty line still gets its identity. */
const tilesOf = (len: number) => Math.max(1, Math.ceil(len / TILE));

/**
 * Runs the passes: the first folds each tile of each input line; while a line
 * has more than one partial result, the next folds those (contiguous [lines,
 * tiles] in scratch, two buffers used in turn). Each pass is a dispatch of
 * lines x tiles workgroups.
 */
export function treeReduce(backend: WebGPUBackend, t: TreeReduce): void {
  const lens = [t.r];
  while (tilesOf(lens[lens.length - 1]!) > 1) lens.push(tilesOf(lens[lens.length - 1]!));
  const scratch = lens.slice(1, 3).map((len) => t.lines * len * t.partialBytes);
  backend.withScratch(scratch, (buffers) => {
    lens.forEach((len, p) => {
      const first = p === 0;
      const last = p === lens.length - 1;
      const tiles = tilesOf(len);
      const { key, source } = t.pipeline(first ? 'tensor' : 'partials', last ? 'tensor' : 'partials');
      const base = new Meta().setAll(0, [t.lines * tiles, len, first ? t.inner : 1, 0, last ? t.outputOffset : 0, tiles]);
      backend.dispatch({
        kernel: t.kernel,
        key,
        source,
        bindings: [...(first ? t.inputs : [{ buffer: buffers[(p - 1) % 2]!, write: false }]), last ? t.output : { buffer: buffers[p % 2]!, write: true }],
        meta: (first ? t.inputMeta(base) : base).u32,
        groups: grid(t.lines * tiles),
      });
    });
  });
}

export function reduceKernel(backend: WebGPUBackend, op: ReduceOp): KernelSignatures['reduce'] {
  return (x, out) => {
    const [outer, r, inner] = x.shape as [number, number, number];
    const lines = outer * inner;
    if (lines === 0) return;
    const subgroups = backend.subgroups && (op === 'sum' || op === 'prod');
    const T = WGSL_TYPE[x.dtype];
    treeReduce(backend, {
      kernel: op,
      lines,
      r,
      inner,
      partialBytes: partialBytes(op),
      // Sums and products use one source for every pass; extremes one per (from, to).
      pipeline: (from, to) =>
        op === 'sum' || op === 'prod'
          ? { key: `reduce:${op}:${T}${subgroups ? ':subgroups' : ''}`, source: () => reduceSource(op, x.dtype, subgroups) }
          : { key: `reduce:${op}:${T}:${from}:${to}`, source: () => reduceSource(op, x.dtype, false, from, to) },
      inputs: [{ buffer: backend.bufferOf(x, op), write: false }],
      inputMeta: (m) => m.set(3, x.offset),
      output: { buffer: backend.bufferOf(out, op), write: true },
      outputOffset: out.offset,
    });
  };
}
