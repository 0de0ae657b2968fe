import { fusedKernelCall } from '../backend/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, needsGradList, record } from '../autograd/record.js';
import { rand } from '../creation.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { broadcastShapes, shapesEqual } from '../shape.js';
import type { Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { add, eq, ge, mul, where } from './elementwise.js';
import { matmul } from './matmul.js';
import { all, logsumexp, sumTo } from './reduce.js';
import { softmax, softmaxBackward } from './softmax.js';
import { triangleMask } from './tri.js';
import { deviceOf, empty, requireFloat } from './util.js';
import { expand, transpose } from './view.js';
import type { Backend } from '../backend/backend.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]: a bool mask is true where attention is allowed (false becomes
   * a bias of -inf), a float mask is added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (default 0); applied whenever it is > 0, as PyTorch. */
  dropoutP?: number;
  /** A causal mask tril(ones(L, S)), aligned top-left; not together with attnMask. */
  isCausal?: boolean;
  /** Multiplier of q kᵀ (default 1 / sqrt(E)). */
  scale?: number | null;
  /** The random stream of the dropout (default: core's default generator). */
  generator?: Generator;
}

const OPTION_KEYS = ['attnMask', 'dropoutP', 'isCausal', 'scale', 'generator'];

/**
 * softmax along the last dim in which a line of nothing but -inf gives zeros (and zero
 * gradients) instead of NaN, as PyTorch's `_safe_softmax` (SDPA since 2.5). Such lines are
 * replaced by zeros before the softmax and their results by zeros after, so no NaN reaches
 * either pass.
 */
export function safeSoftmax(x: Tensor): Tensor {
  return tidy(() => {
    const masked = all(eq(x, -Infinity), -1, true);
    return where(masked, 0, softmax(where(masked, 0, x), -1));
  });
}

/**
 * PyTorch 2.x's `F.scaled_dot_product_attention`: softmax(q kᵀ · scale + bias) v for query
 * [..., L, E], key [..., S, E], value [..., S, Ev] (batch dims broadcast), giving [..., L, Ev].
 * Composed of matmul, softmax and where, so it runs on every backend and differentiates twice.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options?: ScaledDotProductAttentionOptions): Tensor {
  const op = 'scaledDotProductAttention';
  const o = checkOptions(op, options, OPTION_KEYS);
  const mask = o.attnMask ?? null;
  const backend = deviceOf(op, query, key, value);
  if (mask !== null) deviceOf(op, query, mask);
  const shapes = `query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`;
  if (query.dtype !== key.dtype || query.dtype !== value.dtype)
    throw new DTypeError(`${op}: Expected query, key, and value to have the same dtype, but got query.dtype: ${query.dtype}, key.dtype: ${key.dtype} and value.dtype: ${value.dtype} instead (${shapes})`);
  requireFloat(op, query, 'query');
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2)
    throw new ShapeError(`${op}: Expected query, key, and value to all be at least 2 dimensional, but got query.dim: ${query.ndim}, key.dim: ${key.ndim} and value.dim: ${value.ndim} instead (${shapes})`);
  const L = query.shape[query.ndim - 2]!;
  const E = query.shape[query.ndim - 1]!;
  const S = key.shape[key.ndim - 2]!;
  if (key.shape[key.ndim - 1] !== E) throw new ShapeError(`${op}: the embedding dims of query and key must match (the last dim): ${shapes}`);
  if (value.shape[value.ndim - 2] !== S) throw new ShapeError(`${op}: key and value must have the same sequence length (dim -2): ${shapes}`);
  const batchQK = broadcastShapes(op, query.shape.slice(0, -2), key.shape.slice(0, -2));
  broadcastShapes(op, batchQK, value.shape.slice(0, -2));
  const scoresShape = [...batchQK, L, S];
  const isCausal = o.isCausal ?? false;
  if (typeof isCausal !== 'boolean') throw new ValueError(`${op}: isCausal must be a boolean, got ${String(isCausal)}`);
  if (isCausal && mask !== null) throw new ValueError(`${op}: Explicit attn_mask should not be set when is_causal=True (attnMask of shape ${fmtShape(mask.shape)} with isCausal)`);
  if (mask !== null) {
    if (mask.dtype !== 'bool' && mask.dtype !== 'float32' && mask.dtype !== query.dtype)
      throw new DTypeError(`${op}: Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${mask.dtype} and query.dtype: ${query.dtype} instead`);
    if (!shapesEqual(broadcastShapes(op, scoresShape, mask.shape), scoresShape))
      throw new ShapeError(`${op}: attnMask of shape ${fmtShape(mask.shape)} does not broadcast to the attention scores' shape ${fmtShape(scoresShape)} (${shapes})`);
  }
  const p = o.dropoutP ?? 0;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
  const scale = o.scale ?? 1 / Math.sqrt(E);
  if (typeof scale !== 'number') throw new ValueError(`${op}: scale must be a number or null, got ${String(scale)}`);
  const fused = p === 0 ? viaFusedAttention(backend, query, key, value, mask, isCausal, scale, batchQK) : null;
  if (fused !== null) return fused;
  return tidy(() => {
    // q is scaled before the product, so E = 0 gives zero scores (not 0 * inf) as PyTorch's.
    let scores = matmul(mul(query, scale), transpose(key, -2, -1));
    const boolMask = isCausal ? triangleMask(L, S, 0, false, backend.name) : mask !== null && mask.dtype === 'bool' ? mask : null;
    if (boolMask !== null) scores = where(boolMask, scores, -Infinity);
    else if (mask !== null) scores = add(scores, mask.dtype === query.dtype ? mask : castTo(mask, query.dtype));
    let attn = safeSoftmax(scores);
    if (p > 0) {
      if (p === 1) attn = mul(attn, 0);
      else {
        const u = rand(attn.shape, { dtype: attn.dtype, device: backend.name, ...(o.generator ? { generator: o.generator } : {}) });
        attn = mul(attn, mul(castTo(ge(u, p), attn.dtype), 1 / (1 - p)));
      }
    }
    return matmul(attn, value);
  });
}

/** What a fused attention kernel receives besides its tensors. */
export interface AttentionKernelOptions {
  readonly scale: number;
  readonly isCausal: boolean;
  /** How the last input is read: no mask, a bool mask (true = attend), or a float bias of the query's dtype. */
  readonly mask: 'none' | 'bool' | 'float';
}

/** The scores the kernels work from (q * scale) kᵀ, masked as the composite masks them: the reference of the fused checks. */
export function attentionScores(query: Tensor, key: Tensor, mask: Tensor | null, o: AttentionKernelOptions): Tensor {
  return tidy(() => {
    const L = query.shape[query.ndim - 2]!;
    const S = key.shape[key.ndim - 2]!;
    const scores = matmul(mul(query, o.scale), transpose(key, -2, -1));
    if (o.isCausal) return where(triangleMask(L, S, 0, false, query.storage.backend.name), scores, -Infinity);
    if (mask === null || o.mask === 'none') return scores;
    return o.mask === 'bool' ? where(mask, scores, -Infinity) : add(scores, mask);
  });
}

/**
 * The fused forward's results from primitives: the attention output and the log-sum-exp of each
 * score row (-inf for a row with nothing to attend to), which the fused backward recomputes from.
 */
export function attentionForwardComposed(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null, o: AttentionKernelOptions): [Tensor, Tensor] {
  return tidy(() => {
    const scores = attentionScores(query, key, mask, o);
    return [matmul(safeSoftmax(scores), value), logsumexp(scores, -1)];
  });
}

/**
 * The gradients (dq, dk, dv) of attention at the inputs' (expanded) shapes, from differentiable
 * ops: what runs where a graph of the gradient is needed (double backward) or no fused kernel
 * exists, and what the fused backward kernel must match. It recomputes the probabilities from q
 * and k, so it differentiates again.
 */
export function attentionBackwardComposed(g: Tensor, query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null, o: AttentionKernelOptions): [Tensor, Tensor, Tensor] {
  return tidy(() => {
    const attn = safeSoftmax(attentionScores(query, key, mask, o));
    const dv = matmul(transpose(attn, -2, -1), g);
    const dScores = softmaxBackward(matmul(g, transpose(value, -2, -1)), attn, -1);
    const dq = mul(matmul(dScores, key), o.scale);
    const dk = matmul(transpose(dScores, -2, -1), mul(query, o.scale));
    return [dq, dk, dv];
  });
}

/**
 * The backend's fused attention (tiled, online softmax, no L x S scores held) where it has one:
 * dropout 0, float inputs, a mask that needs no gradient. null sends the call down the composite.
 * Its gradient is the fused backward kernel where no graph of the gradient is needed, else the
 * differentiable formula above, so the fused forward still differentiates twice.
 */
function viaFusedAttention(
  backend: Backend, query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null, isCausal: boolean, scale: number, batch: readonly number[],
): Tensor | null {
  const dtype = query.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') return null;
  if (mask !== null && needsGrad(mask)) return null;
  const L = query.shape[query.ndim - 2]!;
  const E = query.shape[query.ndim - 1]!;
  const S = key.shape[key.ndim - 2]!;
  const Ev = value.shape[value.ndim - 1]!;
  if (L === 0 || S === 0 || E === 0 || Ev === 0) return null;
  const k = fusedKernelCall('scaledDotProductAttention', backend);
  if (k === undefined) return null;
  const o: AttentionKernelOptions = { scale, isCausal, mask: mask === null || isCausal ? 'none' : mask.dtype === 'bool' ? 'bool' : 'float' };
  const shapes = { q: query.shape, k: key.shape, v: value.shape };
  const out = empty(backend, [...batch, L, Ev], dtype);
  const lse = empty(backend, [...batch, L], dtype);
  const m = o.mask === 'none' ? null : o.mask === 'float' && mask!.dtype !== dtype ? noGrad(() => castTo(mask!, dtype)) : mask!;
  noGrad(() =>
    tidy(() => {
      const ins = [out, lse, expand(query, [...batch, L, E]), expand(key, [...batch, S, E]), expand(value, [...batch, S, Ev])];
      if (m !== null) ins.push(expand(m, [...batch, L, S]));
      k(ins, o as unknown as Readonly<Record<string, unknown>>, out);
    }),
  );
  if (!needsGradList([query, key, value])) {
    lse.dispose();
    if (m !== null && m !== mask) m.dispose();
    return out;
  }
  const saved = m === null ? [query, key, value, out, lse] : [query, key, value, out, lse, m];
  record('scaledDotProductAttention', [query, key, value], [out], saved, (g, s) => {
    const [q, kk, v, y, l] = s as Tensor[];
    const sm = s[5] ?? null;
    const grads = attentionBackward(g, q!, kk!, v!, y!, l!, sm, o, batch);
    return [sumTo(grads[0], shapes.q), sumTo(grads[1], shapes.k), sumTo(grads[2], shapes.v)];
  });
  lse.dispose();
  if (m !== null && m !== mask) m.dispose();
  return out;
}

/** dq, dk, dv at the broadcast batch shape: by the fused kernel where no graph of them is needed, else composed. */
function attentionBackward(
  g: Tensor, q: Tensor, k: Tensor, v: Tensor, out: Tensor, lse: Tensor, mask: Tensor | null, o: AttentionKernelOptions, batch: readonly number[],
): [Tensor, Tensor, Tensor] {
  const backend = q.storage.backend;
  const kern = needsGradList([g, q, k, v]) ? undefined : fusedKernelCall('scaledDotProductAttentionBackward', backend);
  if (kern === undefined) return attentionBackwardComposed(g, q, k, v, mask, o);
  const L = q.shape[q.ndim - 2]!;
  const E = q.shape[q.ndim - 1]!;
  const S = k.shape[k.ndim - 2]!;
  const Ev = v.shape[v.ndim - 1]!;
  const dq = empty(backend, [...batch, L, E], q.dtype);
  const dk = empty(backend, [...batch, S, E], q.dtype);
  const dv = empty(backend, [...batch, S, Ev], q.dtype);
  tidy(() => {
    const ins = [dq, dk, dv, expand(g, [...batch, L, Ev]), expand(q, [...batch, L, E]), expand(k, [...batch, S, E]), expand(v, [...batch, S, Ev]), out, lse];
    if (mask !== null) ins.push(expand(mask, [...batch, L, S]));
    kern(ins, o as unknown as Readonly<Record<string, unknown>>, dq);
  });
  return [dq, dk, dv];
}
