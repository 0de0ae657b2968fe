// torch.nn.functional's attention. The composite lives in @tensile/core's op table (so a backend
// may register a fused kernel for it); F re-exports it under PyTorch's functional name.
import type { ScaledDotProductAttentionOptions as CoreScaledDotProductAttentionOptions } from '@tensile/core';
import {
  add,
  cat,
  castTo,
  chunk,
  div,
  DTypeError,
  fmtShape,
  type Generator,
  isFloat,
  linear,
  matmul,
  mul,
  permute,
  repeat,
  reshape,
  ShapeError,
  shapesEqual,
  softmax,
  squeeze,
  sum,
  type Tensor,
  tidy,
  transpose,
  unsqueeze,
  ValueError,
  where,
  zeros,
  checkOptions,
} from '@tensile/core';
import { dropout } from './layers.js';

export { scaledDotProductAttention } from '@tensile/core';
/** Options of `scaledDotProductAttention` (core's, aliased here so the bundled .d.ts declares a type, not a value). */
export type ScaledDotProductAttentionOptions = CoreScaledDotProductAttentionOptions;

export interface MultiHeadAttentionForwardOptions {
  /** Dropout on the attention weights applies only while training (default true). */
  training?: boolean;
  /** [N, S] (or [S] unbatched): bool true marks a key to ignore (padding); a float mask is added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights as the second result (default true). */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S] ([numHeads, L, S] unbatched): bool true is NOT allowed to attend; a float mask is added. */
  attnMask?: Tensor | null;
  /** Project with qProjWeight, kProjWeight, vProjWeight instead of inProjWeight (kdim / vdim differ from embedDim). */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** Projected keys / values [N * numHeads, S, headDim] to use instead of projecting key / value. */
  staticK?: Tensor | null;
  staticV?: Tensor | null;
  /** Average the returned weights over the heads (default true); false gives [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** PyTorch 2.x's hint that attnMask is the causal mask; it needs attnMask, which is what is applied. */
  isCausal?: boolean;
  /** The random stream of the dropout (default: core's default generator). */
  generator?: Generator;
}

const MHA_OPTION_KEYS = [
  'training',
  'keyPaddingMask',
  'needWeights',
  'attnMask',
  'useSeparateProjWeight',
  'qProjWeight',
  'kProjWeight',
  'vProjWeight',
  'staticK',
  'staticV',
  'averageAttnWeights',
  'isCausal',
  'generator',
];

const OP = 'multiHeadAttentionForward (MultiheadAttention)';

/** A mask as an additive float bias: bool true becomes -inf (not allowed), false 0; a float mask as it is. */
function maskBias(mask: Tensor, dtype: Tensor['dtype'], what: string): Tensor {
  if (mask.dtype === 'bool') return where(mask, -Infinity, zeros(mask.shape, { dtype, device: mask.device }));
  if (!isFloat(mask.dtype)) throw new DTypeError(`${OP}: only bool and floating types of ${what} are supported, got ${mask.dtype}`);
  return mask.dtype === dtype ? mask : castTo(mask, dtype);
}

/** One more key position that no mask hides (PyTorch's pad(mask, (0, 1))). */
function padLast(mask: Tensor): Tensor {
  const shape = [...mask.shape.slice(0, -1), 1];
  return cat([mask, zeros(shape, { dtype: mask.dtype, device: mask.device })], -1);
}

/**
 * PyTorch's `F.multi_head_attention_forward`: query [L, N, E], key [S, N, kdim], value [S, N, vdim]
 * (or unbatched [L, E], [S, kdim], [S, vdim]) -> [attention output [L, N, E], weights or null].
 * Weights are [N, L, S] averaged over heads (or [N, numHeads, L, S]), [L, S] unbatched.
 * Masks follow MultiheadAttention's convention: bool true is NOT allowed, float masks are added.
 * Composed of linear, matmul, softmax and where, so it runs on every backend and differentiates twice.
 */
export function multiHeadAttentionForward(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  embedDimToCheck: number,
  numHeads: number,
  inProjWeight: Tensor | null,
  inProjBias: Tensor | null,
  biasK: Tensor | null,
  biasV: Tensor | null,
  addZeroAttn: boolean,
  dropoutP: number,
  outProjWeight: Tensor,
  outProjBias: Tensor | null,
  options?: MultiHeadAttentionForwardOptions,
): [Tensor, Tensor | null] {
  const o = checkOptions(OP, options, MHA_OPTION_KEYS);
  const training = o.training ?? true;
  const needWeights = o.needWeights ?? true;
  const averageAttnWeights = o.averageAttnWeights ?? true;
  let attnMask = o.attnMask ?? null;
  let keyPaddingMask = o.keyPaddingMask ?? null;
  if (o.isCausal === true && attnMask === null)
    throw new ValueError(`${OP}: Need attn_mask if specifying the is_causal hint. You may use Transformer.generateSquareSubsequentMask to create this mask.`);

  // _mha_shape_check
  let batched: boolean;
  if (query.ndim === 3) {
    batched = true;
    if (key.ndim !== 3 || value.ndim !== 3)
      throw new ShapeError(`${OP}: For batched (3-D) \`query\`, expected \`key\` and \`value\` to be 3-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    if (keyPaddingMask !== null && keyPaddingMask.ndim !== 2)
      throw new ShapeError(`${OP}: For batched (3-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 2-D but found ${keyPaddingMask.ndim}-D tensor instead`);
    if (attnMask !== null && attnMask.ndim !== 2 && attnMask.ndim !== 3)
      throw new ShapeError(`${OP}: For batched (3-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
  } else if (query.ndim === 2) {
    batched = false;
    if (key.ndim !== 2 || value.ndim !== 2)
      throw new ShapeError(`${OP}: For unbatched (2-D) \`query\`, expected \`key\` and \`value\` to be 2-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
    if (keyPaddingMask !== null && keyPaddingMask.ndim !== 1)
      throw new ShapeError(`${OP}: For unbatched (2-D) \`query\`, expected \`key_padding_mask\` to be \`None\` or 1-D but found ${keyPaddingMask.ndim}-D tensor instead`);
    if (attnMask !== null) {
      if (attnMask.ndim !== 2 && attnMask.ndim !== 3)
        throw new ShapeError(`${OP}: For unbatched (2-D) \`query\`, expected \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
      const want = [numHeads, query.shape[0]!, key.shape[0]!];
      if (attnMask.ndim === 3 && !shapesEqual(attnMask.shape, want))
        throw new ShapeError(`${OP}: Expected \`attn_mask\` shape to be ${fmtShape(want)} but got ${fmtShape(attnMask.shape)}`);
    }
  } else {
    throw new ShapeError(`${OP}: query should be unbatched 2D or batched 3D tensor but received ${query.ndim}-D query tensor`);
  }
  if (keyPaddingMask !== null && keyPaddingMask.dtype !== 'bool' && !isFloat(keyPaddingMask.dtype))
    throw new DTypeError(`${OP}: only bool and floating types of key_padding_mask are supported, got ${keyPaddingMask.dtype}`);
  if (attnMask !== null && attnMask.dtype !== 'bool' && !isFloat(attnMask.dtype))
    throw new DTypeError(`${OP}: Only float, byte, and bool types are supported for attn_mask, not ${attnMask.dtype}`);
  if (!isFloat(query.dtype)) throw new DTypeError(`${OP}: expected a floating point query, got ${query.dtype}`);

  const q3 = batched ? query : unsqueeze(query, 1);
  const k3 = batched ? key : unsqueeze(key, 1);
  const v3 = batched ? value : unsqueeze(value, 1);
  const [L, N, E] = q3.shape as [number, number, number];
  if (E !== embedDimToCheck) throw new ShapeError(`${OP}: was expecting embedding dimension of ${embedDimToCheck}, but got ${E}`);
  const headDim = Math.floor(E / numHeads);
  if (headDim * numHeads !== E) throw new ValueError(`${OP}: embed_dim ${E} not divisible by num_heads ${numHeads}`);
  const separate = o.useSeparateProjWeight ?? false;
  if (separate) {
    if (k3.shape[0] !== v3.shape[0] || k3.shape[1] !== v3.shape[1])
      throw new ShapeError(`${OP}: key's sequence and batch dims ${fmtShape(k3.shape.slice(0, 2))} do not match value's ${fmtShape(v3.shape.slice(0, 2))}`);
  } else if (!shapesEqual(k3.shape, v3.shape)) {
    throw new ShapeError(`${OP}: key shape ${fmtShape(key.shape)} does not match value shape ${fmtShape(value.shape)}`);
  }
  if (k3.shape[1] !== N) throw new ShapeError(`${OP}: query's batch size ${N} does not match key's ${k3.shape[1]} (query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)})`);
  const S0 = k3.shape[0]!;
  if (attnMask !== null) {
    if (attnMask.ndim === 2 && !shapesEqual(attnMask.shape, [L, S0]))
      throw new ShapeError(`${OP}: The shape of the 2D attn_mask is ${fmtShape(attnMask.shape)}, but should be ${fmtShape([L, S0])}.`);
    if (attnMask.ndim === 3 && !shapesEqual(attnMask.shape, [N * numHeads, L, S0]))
      throw new ShapeError(`${OP}: The shape of the 3D attn_mask is ${fmtShape(attnMask.shape)}, but should be ${fmtShape([N * numHeads, L, S0])}.`);
  }
  if ((biasK === null) !== (biasV === null)) throw new ValueError(`${OP}: biasK and biasV must both be given or both be null`);
  const staticK = o.staticK ?? null;
  const staticV = o.staticV ?? null;
  if (biasK !== null && (staticK !== null || staticV !== null)) throw new ValueError(`${OP}: bias cannot be added to static key or value`);
  const Sk = S0 + (biasK !== null ? 1 : 0);
  for (const [name, st] of [['staticK', staticK], ['staticV', staticV]] as const)
    if (st !== null && (st.ndim !== 3 || st.shape[0] !== N * numHeads || st.shape[2] !== headDim))
      throw new ShapeError(`${OP}: expecting ${name} of shape [${N * numHeads}, S, ${headDim}], but got ${fmtShape(st.shape)}`);
  const S = (staticK !== null ? staticK.shape[1]! : Sk) + (addZeroAttn ? 1 : 0);
  if (keyPaddingMask !== null) {
    const kpmShape = batched ? keyPaddingMask.shape : [1, ...keyPaddingMask.shape];
    if (!shapesEqual(kpmShape, [N, S - (addZeroAttn ? 1 : 0) - (biasK !== null ? 1 : 0)]))
      throw new ShapeError(`${OP}: expecting key_padding_mask shape of ${fmtShape([N, S])}, but got ${fmtShape(keyPaddingMask.shape)}`);
  }
  let qw: Tensor | null = null;
  let kw: Tensor | null = null;
  let vw: Tensor | null = null;
  if (separate) {
    qw = o.qProjWeight ?? null;
    kw = o.kProjWeight ?? null;
    vw = o.vProjWeight ?? null;
    if (qw === null || kw === null || vw === null) throw new ValueError(`${OP}: useSeparateProjWeight is true but qProjWeight, kProjWeight or vProjWeight is null`);
    for (const [what, w, x] of [['query', qw, q3], ['key', kw, k3], ['value', vw, v3]] as const) {
      const want = [E, x.shape[2]!];
      if (!shapesEqual(w.shape, want)) throw new ShapeError(`${OP}: expecting ${what} weights shape of ${fmtShape(want)}, but got ${fmtShape(w.shape)}`);
    }
  } else if (inProjWeight === null) {
    throw new ValueError(`${OP}: useSeparateProjWeight is false but inProjWeight is null`);
  } else if (!shapesEqual(inProjWeight.shape, [3 * E, E]) || k3.shape[2] !== E) {
    throw new ShapeError(`${OP}: expecting in_proj_weight of shape ${fmtShape([3 * E, E])} and key and value of ${E} features, got ${fmtShape(inProjWeight.shape)}, key ${fmtShape(key.shape)}`);
  }

  return tidy(() => {
    if (!separate) [qw, kw, vw] = chunk(inProjWeight!, 3, 0) as [Tensor, Tensor, Tensor];
    const [bq, bk, bv] = inProjBias === null ? [null, null, null] : (chunk(inProjBias, 3, 0) as [Tensor, Tensor, Tensor]);
    const q = linear(q3, qw!, bq);
    let k = linear(k3, kw!, bk);
    let v = linear(v3, vw!, bv);
    let bias: Tensor | null = null;
    let kpm: Tensor | null = null;
    if (attnMask !== null) {
      attnMask = maskBias(attnMask, q.dtype, 'attn_mask');
      // [L, S] -> [1, 1, L, S]; [N * H, L, S] -> [N, H, L, S]
      bias = attnMask.ndim === 2 ? reshape(attnMask, [1, 1, L, S0]) : reshape(attnMask, [N, numHeads, L, S0]);
    }
    if (keyPaddingMask !== null) {
      keyPaddingMask = maskBias(keyPaddingMask, q.dtype, 'key_padding_mask');
      kpm = reshape(keyPaddingMask, [N, 1, 1, S0]);
    }
    if (biasK !== null && biasV !== null) {
      k = cat([k, repeat(biasK, 1, N, 1)], 0);
      v = cat([v, repeat(biasV, 1, N, 1)], 0);
      if (bias !== null) bias = padLast(bias);
      if (kpm !== null) kpm = padLast(kpm);
    }
    // [L, N, E] -> [N, H, L, headDim]
    const qh = permute(reshape(q, [L, N, numHeads, headDim]), [1, 2, 0, 3]);
    let kh = staticK !== null ? reshape(staticK, [N, numHeads, staticK.shape[1]!, headDim]) : permute(reshape(k, [k.shape[0]!, N, numHeads, headDim]), [1, 2, 0, 3]);
    let vh = staticV !== null ? reshape(staticV, [N, numHeads, staticV.shape[1]!, headDim]) : permute(reshape(v, [v.shape[0]!, N, numHeads, headDim]), [1, 2, 0, 3]);
    if (addZeroAttn) {
      kh = cat([kh, zeros([N, numHeads, 1, headDim], { dtype: kh.dtype, device: kh.device })], 2);
      vh = cat([vh, zeros([N, numHeads, 1, headDim], { dtype: vh.dtype, device: vh.device })], 2);
      if (bias !== null) bias = padLast(bias);
      if (kpm !== null) kpm = padLast(kpm);
    }
    if (kh.shape[2] !== S || vh.shape[2] !== S) throw new ShapeError(`${OP}: static keys and values must have the same length, got ${fmtShape(kh.shape)} and ${fmtShape(vh.shape)}`);
    // q is scaled before the product, as PyTorch's.
    let scores = matmul(mul(qh, 1 / Math.sqrt(headDim)), transpose(kh, -2, -1));
    if (bias !== null) scores = add(scores, bias);
    if (kpm !== null) scores = add(scores, kpm);
    let attn = softmax(scores, -1);
    const p = training ? dropoutP : 0;
    if (p > 0) attn = dropout(attn, p, true, o.generator ? { generator: o.generator } : {});
    const ctx = matmul(attn, vh); // [N, H, L, headDim]
    let out = reshape(permute(ctx, [2, 0, 1, 3]), [L, N, E]);
    out = linear(out, outProjWeight, outProjBias);
    if (!batched) out = squeeze(out, 1);
    if (!needWeights) return [out, null];
    let w = averageAttnWeights ? div(sum(attn, 1), numHeads) : attn;
    if (!batched) w = squeeze(w, 0);
    return [out, w];
  });
}
