import { type AttentionKernelOptions, DeviceError, type FusedKernel, ShapeError, type TensorView } from '@tensile/core';
import type { WasmBackend } from '../backend.js';
import { DTYPE_CODE, MAX_DIMS } from '../generated/kernel-api.js';
import { failure, ptr } from './call.js';

/** enum tn_attention_operand: the row of each operand's strides in tn_attention_params. */
const OPERAND = { q: 0, k: 1, v: 2, mask: 3, out: 4, lse: 5, grad: 6, dq: 7, dk: 8, dv: 9 } as const;
type Operand = keyof typeof OPERAND;
/** enum tn_attention_mask. */
const MASK_CODE = { none: 0, bool: 1, float: 2 } as const;
/** tn_attention_params in i32 words (tn_idx is int32 in wasm32): nb, l, s, e, ev, causal, mask, batch[16], strides[10][16]. */
const BATCH_AT = 7;
const STRIDES_AT = BATCH_AT + MAX_DIMS;

const fmt = (views: readonly TensorView[]) => views.map((t) => `${t.dtype}[${t.shape.join(', ')}]`).join(', ');

/**
 * Writes tn_attention_params for these operands after checking what the C kernel assumes (core's
 * composite has checked the user's shapes; these are the expanded views it passes): q [..., L, E],
 * k [..., S, E], v [..., S, Ev], mask [..., L, S], out/grad [..., L, Ev], lse [..., L], all at q's
 * batch shape and dtype (a bool mask aside). Returns the params' address.
 */
function writeParams(backend: WasmBackend, op: string, views: Partial<Record<Operand, TensorView>>, o: AttentionKernelOptions): number {
  const { q, k, v } = views as Record<'q' | 'k' | 'v', TensorView>;
  const all = Object.values(views) as TensorView[];
  const nb = q.shape.length - 2;
  if (nb < 0 || nb > MAX_DIMS - 2) throw new ShapeError(`${op}: expects query of 2 to ${MAX_DIMS} dims, got ${fmt([q])}`);
  const batch = q.shape.slice(0, nb);
  const [L, E] = [q.shape[nb]!, q.shape[nb + 1]!];
  const [S, Ev] = [v.shape[nb]!, v.shape[nb + 1]!];
  const rows: Record<Operand, readonly number[]> = {
    q: [L, E],
    k: [S, E],
    v: [S, Ev],
    mask: [L, S],
    out: [L, Ev],
    lse: [L],
    grad: [L, Ev],
    dq: [L, E],
    dk: [S, E],
    dv: [S, Ev],
  };
  for (const [name, t] of Object.entries(views) as [Operand, TensorView][]) {
    const want = [...batch, ...rows[name]];
    if (t.shape.join() !== want.join())
      throw new ShapeError(`${op}: expected ${name} of shape [${want.join(', ')}], got ${fmt([t])} (operands ${fmt(all)})`);
    const dtype = name === 'mask' && o.mask === 'bool' ? 'bool' : q.dtype;
    if (t.dtype !== dtype) throw failure(-1, op, all);
  }
  if (q.dtype !== 'float32' && q.dtype !== 'float64') throw failure(-1, op, all);
  if (k.shape[nb + 1] !== E) throw new ShapeError(`${op}: query and key dims differ (operands ${fmt(all)})`);
  const at = backend.kernels.tn_attention_args();
  const i32 = backend.heap().i32;
  const w = at >> 2;
  i32.set([nb, L, S, E, Ev, o.isCausal ? 1 : 0, MASK_CODE[o.mask]], w);
  i32.set(batch, w + BATCH_AT);
  for (const [name, t] of Object.entries(views) as [Operand, TensorView][]) i32.set(t.strides, w + STRIDES_AT + OPERAND[name] * MAX_DIMS);
  return at;
}

/** kernels-c's flash-attention forward: inputs [out, lse, q, k, v, mask?] (any strides), float32 or float64. */
export function attentionKernel(backend: WasmBackend): FusedKernel {
  const op = 'scaledDotProductAttention';
  return (inputs, options) => {
    const [out, lse, q, k, v, mask] = inputs as readonly TensorView[];
    const o = options as unknown as AttentionKernelOptions;
    if (
      out === undefined ||
      lse === undefined ||
      q === undefined ||
      k === undefined ||
      v === undefined ||
      (o.mask !== 'none') !== (mask !== undefined)
    )
      throw new DeviceError(
        `${op}: expects inputs [out, lse, q, k, v] and a mask exactly when options.mask is not 'none', got ${inputs.length} inputs`,
      );
    const views = mask === undefined ? { q, k, v, out, lse } : { q, k, v, mask, out, lse };
    const dt = DTYPE_CODE[q.dtype];
    // The workspace first (allocating may grow memory and move the heap's views), then the params.
    const need = backend.kernels.tn_attention_workspace(dt, writeParams(backend, op, views, o), 0);
    const ws = backend.scratch(need);
    const at = writeParams(backend, op, views, o);
    const n = q.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const s = backend.kernels.tn_attention_forward(
      dt,
      at,
      o.scale,
      0,
      n,
      ptr(q),
      ptr(k),
      ptr(v),
      mask === undefined ? 0 : ptr(mask),
      ptr(out),
      ptr(lse),
      ws,
    );
    if (s !== 0) throw failure(s, op, inputs);
  };
}

/** Its gradient: inputs [dq, dk, dv, grad, q, k, v, out, lse, mask?], as core's composite passes them. */
export function attentionBackwardKernel(backend: WasmBackend): FusedKernel {
  const op = 'scaledDotProductAttentionBackward';
  return (inputs, options) => {
    const [dq, dk, dv, grad, q, k, v, out, lse, mask] = inputs as readonly TensorView[];
    const o = options as unknown as AttentionKernelOptions;
    if (lse === undefined || (o.mask !== 'none') !== (mask !== undefined))
      throw new DeviceError(
        `${op}: expects inputs [dq, dk, dv, grad, q, k, v, out, lse] and a mask exactly when options.mask is not 'none', got ${inputs.length} inputs`,
      );
    const base = { q: q!, k: k!, v: v!, out: out!, lse, grad: grad!, dq: dq!, dk: dk!, dv: dv! };
    const views = mask === undefined ? base : { ...base, mask };
    const dt = DTYPE_CODE[q!.dtype];
    const need = backend.kernels.tn_attention_workspace(dt, writeParams(backend, op, views, o), 1);
    const ws = backend.scratch(need);
    const at = writeParams(backend, op, views, o);
    const n = q!.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const m = mask === undefined ? 0 : ptr(mask);
    const s = backend.kernels.tn_attention_backward(
      dt,
      at,
      o.scale,
      0,
      n,
      ptr(grad!),
      ptr(q!),
      ptr(k!),
      ptr(v!),
      m,
      ptr(out!),
      ptr(lse),
      ptr(dq!),
      ptr(dk!),
      ptr(dv!),
      ws,
    );
    if (s !== 0) throw failure(s, op, inputs);
  };
}
