import { DeviceError, type FusedKernel, isContiguous, numel, splitAtDim, type TensorView } from '@tensile/core';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { copyKernel } from './elementwise.js';
import { type SoftmaxVariant, softmaxSource } from './softmax.wgsl.js';

/**
 * Fused softmax / logSoftmax along options.dim (one dispatch instead of
 * seven) and their gradients from contiguous (g, y) (one instead of four).
 * A strided forward input is first copied into out, which the kernel then
 * transforms in place.
 */
export function softmaxKernel(backend: WebGPUBackend, variant: SoftmaxVariant): FusedKernel {
  const copy = copyKernel(backend);
  const backward = variant.endsWith('Backward');
  return (inputs, options, out) => {
    const views = [...inputs, out] as TensorView[];
    if (views.some((t) => t.dtype !== 'float32' || t.shape.join() !== out.shape.join()))
      throw new DeviceError(`${variant}: expects float32 tensors of one shape, got ${views.map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ')}`);
    if (backward && views.some((t) => !isContiguous(t.shape, t.strides))) throw new DeviceError(`${variant}: expects contiguous g, y and out`);
    const { outer, n, inner } = splitAtDim(variant, out.shape, (options.dim as number | undefined) ?? -1);
    const lines = outer * inner;
    if (numel(out.shape) === 0) return;
    const x = inputs[0]!;
    const inPlace = !backward && !isContiguous(x.shape, x.strides);
    if (inPlace) copy(x, out);
    const meta = new Meta().set(0, lines).set(1, n).set(2, inner).set(3, out.offset).set(4, inPlace ? out.offset : x.offset);
    if (backward) meta.set(5, inputs[1]!.offset);
    const reads = inPlace ? [] : (backward ? inputs.slice(0, 2) : [x]).map((t) => ({ buffer: backend.bufferOf(t, variant), write: false }));
    backend.dispatch({
      kernel: variant,
      key: `softmax:${variant}:${inPlace}`,
      source: () => softmaxSource(variant, inPlace),
      bindings: [...reads, { buffer: backend.bufferOf(out, variant), write: true }],
      meta: meta.u32,
      groups: grid(lines),
    });
  };
}
