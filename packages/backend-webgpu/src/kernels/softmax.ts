import { DeviceError, type FusedKernel, isContiguous, numel, splitAtDim, type TensorView } from '@tensile/core';
import { ELEMENT_BYTES, grid, Meta, type WebGPUBackend } from '../backend.js';
import { copyKernel } from './elementwise.js';
import { treeReduce } from './reduce.js';
import { reduceSource, TILE } from './reduce.wgsl.js';
import { type SoftmaxVariant, softmaxLongMaxSource, softmaxLongSumSource, softmaxLongWriteSource, softmaxSource } from './softmax.wgsl.js';

/**
 * Fused softmax / logSoftmax along options.dim (one dispatch instead of
 * seven) and their gradients from contiguous (g, y) (one instead of four),
 * for lines of at most TILE elements; longer lines take a tree reduction of
 * the max and one of the sum (a few dispatches each) and a writing pass.
 * A strided forward input is first copied into out, which the kernels then
 * transform in place.
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
    const X = inPlace ? out : x;
    const xOffset = inPlace ? out.offset : x.offset;
    const yOffset = backward ? inputs[1]!.offset : 0;
    const read = (t: TensorView) => ({ buffer: backend.bufferOf(t, variant), write: false });
    const o = { buffer: backend.bufferOf(out, variant), write: true };
    if (n <= TILE) {
      const meta = new Meta().setAll(0, [lines, n, inner, out.offset, xOffset, yOffset]);
      const reads = inPlace ? [] : (backward ? inputs.slice(0, 2) : [x]).map(read);
      backend.dispatch({
        kernel: variant,
        key: `softmax:${variant}:${inPlace}`,
        source: () => softmaxSource(variant, inPlace),
        bindings: [...reads, o],
        meta: meta.u32,
        groups: grid(lines),
      });
      return;
    }
    // Longer lines: the max (forward) and the sum as tree reductions into per-line scratch, then one pass writes.
    backend.withScratch([lines * ELEMENT_BYTES, lines * ELEMENT_BYTES], ([mx, sm]) => {
      const line = { kernel: variant, lines, r: n, inner, partialBytes: ELEMENT_BYTES };
      if (!backward)
        treeReduce(backend, {
          ...line,
          pipeline: () => ({ key: 'softmax:max', source: softmaxLongMaxSource }),
          inputs: [read(X)],
          inputMeta: (m) => m.set(3, xOffset),
          output: { buffer: mx!, write: true },
          outputOffset: 0,
        });
      treeReduce(backend, {
        ...line,
        pipeline: (from) =>
          from === 'tensor'
            ? { key: `softmax:${backward ? variant : 'softmax'}:sum`, source: () => softmaxLongSumSource(variant) }
            : { key: 'reduce:sum:f32', source: () => reduceSource('sum', 'float32', false) },
        inputs: backward ? [read(x), read(inputs[1]!)] : [read(X), { buffer: mx!, write: false }],
        inputMeta: (m) => m.set(3, xOffset).set(6, yOffset),
        output: { buffer: sm!, write: true },
        outputOffset: 0,
      });
      const stats = [...(backward ? [] : [mx!]), sm!].map((buffer) => ({ buffer, write: false }));
      const elements = lines * n;
      backend.dispatch({
        kernel: variant,
        key: `softmax:${variant}:${inPlace}:write`,
        source: () => softmaxLongWriteSource(variant, inPlace),
        bindings: [...(inPlace ? [] : backward ? [read(x), read(inputs[1]!)] : [read(x)]), ...stats, o],
        meta: new Meta().setAll(0, [elements, n, inner, out.offset, xOffset, yOffset]).u32,
        groups: grid(Math.ceil(elements / 64)),
      });
    });
  };
}
