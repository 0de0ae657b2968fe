import { DeviceError, type FusedKernel, isContiguous, type TensorView } from '@tensile/core';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { attentionBackwardSource, attentionForwardSource, BATCH_DIMS, STRIDED } from './attention.wgsl.js';

const FORWARD = 'scaledDotProductAttention';
const BACKWARD = 'scaledDotProductAttentionBackward';

const describe = (views: readonly TensorView[]) => views.map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ');

/**
 * The batch dims with size-1 dims dropped and neighbours merged where every operand walks them as one
 * (stride[d] = stride[d + 1] * size[d + 1]), so the shader's BATCH_DIMS serve any batch rank that collapses.
 */
function collapseBatch(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const keep = shape.map((_, d) => d).filter((d) => shape[d] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const d of keep) {
    const last = outShape.length - 1;
    if (last >= 0 && outStrides.every((s, t) => s[last] === strides[t]![d]! * shape[d]!)) {
      outShape[last]! *= shape[d]!;
      outStrides.forEach((s, t) => {
        s[last] = strides[t]![d]!;
      });
    } else {
      outShape.push(shape[d]!);
      outStrides.forEach((s, t) => s.push(strides[t]![d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * The uniform block shared by the three attention shaders (layout in attention.wgsl.ts):
 * the geometry, options, contiguous offsets and each strided operand's offset and strides.
 */
function attentionMeta(
  op: string,
  all: readonly TensorView[],
  q: TensorView,
  v: TensorView,
  o: Readonly<Record<string, unknown>>,
  contiguous: readonly TensorView[],
  strided: readonly (TensorView | null)[],
): Meta {
  if (all.some((t) => t.dtype !== 'float32' && t.dtype !== 'bool'))
    throw new DeviceError(`${op}: webgpu computes float32 only, got ${describe(all)}`);
  if (contiguous.some((t) => !isContiguous(t.shape, t.strides)))
    throw new DeviceError(`${op}: expects contiguous outputs, out and lse, got ${describe(contiguous)}`);
  const nb = q.shape.length - 2;
  const operands = strided.filter((t): t is TensorView => t !== null);
  const { shape, strides } = collapseBatch(
    q.shape.slice(0, nb),
    operands.map((t) => t.strides.slice(0, nb)),
  );
  if (shape.length > BATCH_DIMS)
    throw new DeviceError(`${op}: expects batch dims that collapse to at most ${BATCH_DIMS}, got q [${q.shape.join(', ')}]`);
  const pad = BATCH_DIMS - shape.length;
  const batchShape = [...Array<number>(pad).fill(1), ...shape];
  const batch = batchShape.reduce((a, b) => a * b, 1);
  const kind = o.isCausal === true || o.mask === 'none' ? 0 : o.mask === 'bool' ? 1 : 2;
  const meta = new Meta().setAll(0, [
    batch,
    q.shape[nb]!,
    v.shape[nb]!,
    q.shape[nb + 1]!,
    v.shape[nb + 1]!,
    o.isCausal === true ? 1 : 0,
    kind,
  ]);
  meta.scalar(7, o.scale as number, 'float32');
  meta.setAll(8, batchShape);
  meta.setAll(
    12,
    contiguous.map((t) => t.offset),
  );
  let n = 0;
  strided.forEach((t, i) => {
    if (t === null) return;
    const bs = [...Array<number>(pad).fill(0), ...strides[n++]!];
    meta.setAll(STRIDED + 7 * i, [t.offset, t.strides[nb]!, t.strides[nb + 1]!, ...bs]);
  });
  return meta;
}

/**
 * Fused attention forward, inputs [out, lse, q, k, v, mask?] at the broadcast batch shape (out and lse
 * contiguous, the rest any strides, broadcast dims of stride 0): one dispatch, one invocation per query row.
 */
export function attentionKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, o) => {
    const [out, lse, q, k, v] = inputs as [TensorView, TensorView, TensorView, TensorView, TensorView];
    const mask = o.isCausal === true || o.mask === 'none' ? null : (inputs[5] ?? null);
    const meta = attentionMeta(FORWARD, inputs, q, v, o, [out, lse], [q, k, v, mask]);
    const read = (t: TensorView) => ({ buffer: backend.bufferOf(t, FORWARD), write: false });
    const rows = meta.u32[0]! * meta.u32[1]!;
    if (rows === 0) return;
    backend.dispatch({
      kernel: FORWARD,
      key: `attention:forward:${mask !== null}`,
      source: () => attentionForwardSource(mask !== null),
      bindings: [
        { buffer: backend.bufferOf(out, FORWARD), write: true },
        { buffer: backend.bufferOf(lse, FORWARD), write: true },
        ...[q, k, v, ...(mask === null ? [] : [mask])].map(read),
      ],
      meta: meta.u32,
      groups: grid(Math.ceil(rows / 64)),
    });
  };
}

/**
 * Fused attention backward, inputs [dq, dk, dv, g, q, k, v, out, lse, mask?] (dq, dk, dv, out and lse
 * contiguous): one dispatch over query rows for dq, one over key rows for dk and dv; the probabilities
 * are recomputed from lse and D = rowsum(g * out) per query row, so nothing of size L x S (or any scratch) is held.
 */
export function attentionBackwardKernel(backend: WebGPUBackend): FusedKernel {
  return (inputs, o) => {
    const [dq, dk, dv, g, q, k, v, y, lse] = inputs as TensorView[] as [
      TensorView,
      TensorView,
      TensorView,
      TensorView,
      TensorView,
      TensorView,
      TensorView,
      TensorView,
      TensorView,
    ];
    const mask = o.isCausal === true || o.mask === 'none' ? null : (inputs[9] ?? null);
    const meta = attentionMeta(BACKWARD, inputs, q, v, o, [dq, dk, dv, y, lse], [q, k, v, mask, g]);
    const read = (t: TensorView) => ({ buffer: backend.bufferOf(t, BACKWARD), write: false });
    const ins = [g, q, k, v, y, lse, ...(mask === null ? [] : [mask])].map(read);
    const write = (t: TensorView) => ({ buffer: backend.bufferOf(t, BACKWARD), write: true });
    const [batch, L, S] = [meta.u32[0]!, meta.u32[1]!, meta.u32[2]!];
    if (batch === 0) return;
    backend.dispatch({
      kernel: BACKWARD,
      key: `attention:dq:${mask !== null}`,
      source: () => attentionBackwardSource('query', mask !== null),
      bindings: [write(dq), ...ins],
      meta: meta.u32,
      groups: grid(Math.ceil((batch * L) / 64)),
    });
    backend.dispatch({
      kernel: BACKWARD,
      key: `attention:dkdv:${mask !== null}`,
      source: () => attentionBackwardSource('key', mask !== null),
      bindings: [write(dk), write(dv), ...ins],
      meta: meta.u32,
      groups: grid(Math.ceil((batch * S) / 64)),
    });
  };
}
