// torch.nn.functional.embedding_bag: sums, means or maxima of bags of embedding rows, without
// materialising the per-index rows' output. Composed of core ops (the bag membership is a
// [bags, indices] mask built from the offsets on the device), so every backend runs it and it
// differentiates twice.
import {
  amin,
  eq,
  isnan,
  logicalNot,
  logicalOr,
  arange,
  cat,
  castTo,
  checkIndexRange,
  checkOptions,
  checkValues,
  clamp,
  diff,
  div,
  DTypeError,
  fmtShape,
  full,
  ge,
  gt,
  logicalAnd,
  lt,
  max,
  mul,
  narrow,
  ne,
  requireIndex,
  reshape,
  select,
  ShapeError,
  sum,
  type Tensor,
  tidy,
  unsqueeze,
  ValueError,
  IndexError,
  where,
} from '@tensile/core';
import { embedding } from './layers.js';
import { normalizePaddingIdx } from './layer-checks.js';

export type EmbeddingBagMode = 'sum' | 'mean' | 'max';

export interface EmbeddingBagOptions {
  /** Rows picked by the input with a normType-norm above maxNorm are scaled down to it, in weight itself, before the lookup. */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the input (not with mode 'max'). */
  scaleGradByFreq?: boolean;
  /** How a bag's rows combine: 'mean' (PyTorch's default), 'sum' or 'max'; an empty bag is zeros. */
  mode?: EmbeddingBagMode;
  /** Only false: sparse gradients are not supported. */
  sparse?: boolean;
  /** A float weight per index, the input's shape; each row is scaled by it before the sum (mode 'sum' only). */
  perSampleWeights?: Tensor | null;
  /** offsets has one entry more than there are bags: its last is where the last bag ends. */
  includeLastOffset?: boolean;
  /** Indices equal to it are left out of their bag (not counted by 'mean'); negative counts from the end. */
  paddingIdx?: number | null;
}

const KEYS = ['maxNorm', 'normType', 'scaleGradByFreq', 'mode', 'sparse', 'perSampleWeights', 'includeLastOffset', 'paddingIdx'] as const;
const OP = 'embedding_bag';

/**
 * PyTorch's F.embedding_bag(input, weight, offsets, ...): input is int32 indices into the rows of
 * weight [numEmbeddings, embeddingDim], either 2-D [bags, n] (each row one bag of n indices, no
 * offsets) or 1-D with offsets, the int32 start of each bag. Returns [bags, embeddingDim].
 */
export function embeddingBag(input: Tensor, weight: Tensor, offsets: Tensor | null = null, options: EmbeddingBagOptions = {}): Tensor {
  const o = checkOptions(OP, options, KEYS);
  const mode = o.mode ?? 'mean';
  const psw = o.perSampleWeights ?? null;
  requireIndex(OP, input, 'input');
  if (weight.ndim !== 2) throw new ShapeError(`${OP}: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`);
  if (psw !== null && fmtShape(psw.shape) !== fmtShape(input.shape))
    throw new ValueError(`${OP}: If per_sample_weights (${fmtShape(psw.shape)}) is not None, then it must have the same shape as the input (${fmtShape(input.shape)})`);
  if (input.ndim === 2) {
    if (input.shape[1] === 0) throw new ValueError(`${OP}: a 2-D input needs at least one index per bag, got shape ${fmtShape(input.shape)} (PyTorch: step must be nonzero)`);
    if (offsets !== null)
      throw new ValueError(`${OP}: if input is 2D, then offsets has to be null, as input is treated as a mini-batch of fixed length sequences; got offsets of shape ${fmtShape(offsets.shape)}`);
  } else if (input.ndim === 1) {
    if (offsets === null) throw new ValueError(`${OP}: offsets has to be a 1D Tensor but got null (a 1-D input needs the offsets of its bags)`);
    if (offsets.ndim !== 1) throw new ValueError(`${OP}: offsets has to be a 1D Tensor, got shape ${fmtShape(offsets.shape)}`);
    requireIndex(OP, offsets, 'offsets');
  } else throw new ValueError(`${OP}: input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim} (shape ${fmtShape(input.shape)})`);
  if (mode !== 'sum' && mode !== 'mean' && mode !== 'max') throw new ValueError(`${OP}: mode has to be one of sum, mean or max, got ${String(mode)}`);
  if (mode === 'max' && o.scaleGradByFreq) throw new ValueError(`${OP}: max mode does not support scaling the gradient by the frequency`);
  if (o.sparse) throw new ValueError(`${OP}: sparse gradients are not supported (sparse: true)`);
  if (psw !== null && mode !== 'sum')
    throw new ValueError(`${OP}: per_sample_weights was not null. per_sample_weights is only supported for mode='sum' (got mode='${mode}')`);
  if (psw !== null && psw.dtype !== weight.dtype) throw new DTypeError(`${OP}: per_sample_weights and weight must have the same dtype, got ${psw.dtype} and ${weight.dtype}`);
  const num = weight.shape[0]!;
  const pad = o.paddingIdx === undefined || o.paddingIdx === null ? null : normalizePaddingIdx(OP, o.paddingIdx, num);
  checkIndexRange(OP, input, 0, num, (v) => `index out of range in self: index ${v} is not in [0, ${num}) (numEmbeddings)`);
  const T = input.numel();
  const includeLast = o.includeLastOffset ?? false;
  if (input.ndim === 1 && offsets!.numel() > 0) {
    const first = select(offsets!, 0, 0);
    const last = select(offsets!, 0, -1);
    const steps = diff(offsets!);
    try {
      checkValues(first, { min: 0, max: 0, nanFails: true }, (v) =>
        new ValueError(`${OP}: offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${v}`));
      checkValues(last, { max: T, nanFails: true }, (v) => new ValueError(`${OP}: offsets[-1] can not be greater than input's length ${T} but got offsets[-1] of ${v}`));
      checkValues(steps, { min: 0, nanFails: true }, () => new IndexError(`${OP}: offsets must be non-decreasing (a bag cannot end before it starts), got a step of a negative size`));
    } finally {
      first.dispose();
      last.dispose();
      steps.dispose();
    }
  }
  return tidy(() => {
    const flat = reshape(input, [-1]);
    const dev = { device: input.device };
    // Each bag's [start, end) in flat's positions.
    let starts: Tensor;
    let ends: Tensor;
    if (input.ndim === 2) {
      const [B, n] = input.shape as [number, number];
      starts = mul(arange(0, B, { ...dev, dtype: 'int32' }), n);
      ends = mul(arange(1, B + 1, { ...dev, dtype: 'int32' }), n);
    } else {
      const k = offsets!.numel();
      const B = includeLast ? Math.max(k - 1, 0) : k;
      starts = narrow(offsets!, 0, 0, B);
      ends = includeLast ? narrow(offsets!, 0, Math.min(1, k), B) : cat([narrow(offsets!, 0, Math.min(1, k), Math.max(B - 1, 0)), full([Math.min(B, 1)], T, { ...dev, dtype: 'int32' })], 0);
    }
    const pos = unsqueeze(arange(0, T, { ...dev, dtype: 'int32' }), 0); // [1, T]
    let member = logicalAnd(ge(pos, unsqueeze(starts, 1)), lt(pos, unsqueeze(ends, 1))); // [B, T]
    if (pad !== null) member = logicalAnd(member, unsqueeze(ne(flat, pad), 0));
    let rows = embedding(flat, weight, null, { maxNorm: o.maxNorm ?? null, normType: o.normType ?? 2, scaleGradByFreq: o.scaleGradByFreq ?? false }); // [T, D]
    if (psw !== null) rows = mul(rows, unsqueeze(reshape(psw, [-1]), 1));
    const inBag = unsqueeze(member, 2); // [B, T, 1]
    const picked = unsqueeze(rows, 0); // [1, T, D]
    const count = sum(castTo(member, weight.dtype), 1, true); // [B, 1]
    // where, not a 0/1 matmul: a NaN or inf row stays in its own bag.
    const total = sum(where(inBag, picked, 0), 1); // [B, D], zeros when there are no indices
    if (mode === 'max') {
      if (T === 0) return total;
      // As PyTorch's kernel, which starts from a bag's first row and takes a later one only when it is
      // greater: a NaN counts only as the first row of its bag (a later NaN loses every comparison).
      const first = unsqueeze(amin(where(member, pos, T), 1), 1); // [B, 1], T for an empty bag
      const counted = logicalAnd(inBag, logicalOr(unsqueeze(eq(pos, first), 2), logicalNot(isnan(picked)))); // [B, T, D]
      return where(gt(count, 0), max(where(counted, picked, -Infinity), 1).values, 0);
    }
    return mode === 'sum' ? total : div(total, clamp(count, 1));
  });
}
