import { DeviceError, type FusedKernel, type KernelSignatures, type TensorView } from '@tensile/core';
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

/**
 * linear with a bias, x [M, K] W^T + b for float32 2-D x, 2-D weight [N, K]
 * and a bias [N] (core's linearViaFused), as the tiled matmul that adds the
 * bias as it stores: one dispatch instead of two (a matmul and an add), and
 * the same float32 sums as the composite's.
 */
export function linearKernel(backend: WebGPUBackend): FusedKernel {
  const fill = fillKernel(backend);
  return (inputs, _options, out) => {
    const [x, w, b] = inputs as readonly TensorView[];
    if ([x!, w!, b!, out].some((t) => t.dtype !== 'float32') || x!.shape.length !== 2 || w!.shape.length !== 2 || b!.shape.length !== 1)
      throw new DeviceError(
        `linear: expects float32 x [M, K], weight [N, K] and bias [N], got ${[x!, w!, b!].map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ')}`,
      );
    const [M, K] = x!.shape as [number, number];
    const N = w!.shape[0]!;
    if (M * N === 0) return;
    const read = (t: TensorView) => ({ buffer: backend.bufferOf(t, 'linear'), write: false });
    const bindings = [read(x!), read(w!), read(b!), { buffer: backend.bufferOf(out, 'linear'), write: true }];
    if (K === 0) {
      // x W^T is all zeros: the output is the bias in every row (a fill, then the bias added by a K-less pass).
      fill(out, 0);
    }
    const kEnd = Math.max(K, 1);
    for (let k0 = 0; k0 < kEnd; k0 += K_CHUNK) {
      const meta = new Meta()
        .setAll(0, [M, K, N, 0, x!.offset, w!.offset, out.offset])
        .setAll(7, [0, x!.strides[0]!, x!.strides[1]!])
        // B = W^T: row k, column n of B is W[n, k].
        .setAll(10, [0, w!.strides[1]!, w!.strides[0]!])
        .setAll(13, [k0, Math.min(K, k0 + K_CHUNK), k0 > 0 || K === 0 ? 1 : 0])
        .setAll(16, [b!.offset, b!.strides[0]!]);
      backend.dispatch({
        kernel: 'linear',
        key: 'matmul:f32:bias',
        source: () => matmulSource('float32', true),
        bindings,
        meta: meta.u32,
        groups: [Math.ceil(N / TILE), Math.ceil(M / TILE), 1],
      });
    }
  };
}
