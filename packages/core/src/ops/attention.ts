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
import { all } from './reduce.js';
import { softmax } from './softmax.js';
import { triangleMask } from './tri.js';
import { deviceOf, requireFloat } from './util.js';
import { transpose } from './view.js';

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
