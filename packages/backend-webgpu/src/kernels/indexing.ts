import { DeviceError, type KernelSignatures, numel, type TensorView } from '@tensile/core';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { WGSL_TYPE } from './elementwise.wgsl.js';
import { gatherSource, SCATTER_CHUNK, scatterSource } from './indexing.wgsl.js';
import { MAX_DIMS } from './math.wgsl.js';

/** The index's shape and strides, and the other operands' strides (core hands them all one rank >= 1). */
function dims(op: string, index: TensorView, others: readonly TensorView[]): { shape: number[]; istrides: number[]; strides: number[][] } {
  if (index.shape.length > MAX_DIMS) throw new DeviceError(`${op}: webgpu index kernels support at most ${MAX_DIMS} dims, got an index of shape [${index.shape.join(', ')}]`);
  return { shape: index.shape.slice(), istrides: index.strides.slice(), strides: others.map((t) => t.strides.slice()) };
}

export function gatherKernel(backend: WebGPUBackend): KernelSignatures['gather'] {
  return (x, index, dim, out) => {
    const n = numel(index.shape);
    if (n === 0) return;
    const { shape, istrides, strides } = dims('gather', index, [x]);
    const size = x.shape[dim]!;
    const meta = new Meta()
      .setAll(0, [n, shape.length, dim, size, x.offset, index.offset, out.offset])
      .setAll(8, shape)
      .setAll(16, istrides)
      .setAll(24, strides[0]!);
    backend.dispatch({
      kernel: 'gather',
      key: `gather:${WGSL_TYPE[x.dtype]}`,
      source: () => gatherSource(x.dtype),
      bindings: [
        { buffer: backend.bufferOf(x, 'gather'), write: false },
        { buffer: backend.bufferOf(index, 'gather'), write: false },
        { buffer: backend.bufferOf(out, 'gather'), write: true },
        { buffer: backend.errors, write: true },
      ],
      meta: meta.u32,
      groups: grid(Math.ceil(n / 64)),
    });
  };
}

export function scatterKernel(backend: WebGPUBackend, accumulate: boolean): KernelSignatures['scatter'] {
  const op = accumulate ? 'scatterAdd' : 'scatter';
  return (dst, index, src, dim) => {
    const n = numel(index.shape);
    if (n === 0) return;
    const { shape, istrides, strides } = dims(op, index, [src, dst]);
    const length = shape[dim]!;
    shape[dim] = 1;
    const size = dst.shape[dim]!;
    const bindings = [
      { buffer: backend.bufferOf(dst, op), write: true },
      { buffer: backend.bufferOf(index, op), write: false },
      { buffer: backend.bufferOf(src, op), write: false },
      { buffer: backend.errors, write: true },
    ];
    for (let first = 0; first < length; first += SCATTER_CHUNK) {
      const meta = new Meta()
        .setAll(0, [n / length, shape.length, dim, size, dst.offset, index.offset, src.offset, length])
        .setAll(8, shape)
        .setAll(16, istrides)
        .setAll(24, strides[0]!)
        .setAll(32, strides[1]!)
        .setAll(48, [first, Math.min(length, first + SCATTER_CHUNK)]);
      backend.dispatch({
        kernel: op,
        key: `${op}:${WGSL_TYPE[dst.dtype]}`,
        source: () => scatterSource(dst.dtype, accumulate),
        bindings,
        meta: meta.u32,
        groups: grid(Math.ceil(n / length / 64)),
      });
    }
  };
}
