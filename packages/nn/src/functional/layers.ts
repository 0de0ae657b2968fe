// The math of the layers (torch.nn.functional's activations, dropout,
// embedding, normalizations), composed of core's differentiable ops so every
// backend runs it and autograd (double backward included) comes for free.
import {
  add,
  castTo,
  checkIndexRange,
  copy_,
  div,
  expand,
  full,
  norm as coreNorm,
  reciprocal,
  record,
  scatter,
  scatterAdd,
  zeros,
  erf,
  expm1,
  fmtShape,
  ge,
  type Generator,
  gt,
  indexSelect,
  isGradEnabled,
  le,
  linear as coreLinear,
  logSoftmax as coreLogSoftmax,
  mean,
  mul,
  noGrad,
  rand,
  relu as coreRelu,
  requireIndex,
  requireFloat,
  reshape,
  rsqrt,
  ShapeError,
  sigmoid as coreSigmoid,
  softmax as coreSoftmax,
  softplus as coreSoftplus,
  sub,
  tanh as coreTanh,
  type Tensor,
  tidy,
  unsqueeze,
  ValueError,
  where,
} from '@tensile/core';
import { checkDropoutP, checkGeluApproximate, checkHardtanhBounds, type GeluApproximate, normalizePaddingIdx } from './layer-checks.js';

export type { GeluApproximate };

export { coreLinear as linear, coreRelu as relu, coreSigmoid as sigmoid, coreTanh as tanh };

/**
 * The layers' inplace option: f(x) written back into x, which is returned
 * (x takes the result's place in the autograd graph, as PyTorch's in-place
 * ops). As PyTorch, refused on a leaf that requires grad, before anything
 * is computed or written.
 */
export function applyInplace(op: string, x: Tensor, inplace: boolean, f: (x: Tensor) => Tensor): Tensor {
  if (!inplace) return f(x);
  if (isGradEnabled() && x.requiresGrad && x.isLeaf)
    throw new ValueError(`${op}: a leaf tensor that requires grad is being used in an in-place operation (inplace: true); use inplace: false or wrap it in noGrad()`);
  return tidy(() => {
    const y = f(x);
    if (y !== x) copy_(x, y);
    return x;
  });
}

/** x where x > 0, negativeSlope * x elsewhere; the gradient at 0 is negativeSlope, as PyTorch. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  requireFloat('leakyRelu', x);
  return tidy(() => where(gt(x, 0), x, mul(x, negativeSlope)));
}

/** x where x > 0, alpha * (e^x - 1) elsewhere; the gradient at 0 is alpha (the x <= 0 branch), as PyTorch. */
export function elu(x: Tensor, alpha = 1): Tensor {
  requireFloat('elu', x);
  return tidy(() => {
    const pos = gt(x, 0);
    // e^x is evaluated only on the non-positive side: a large x would give an
    // infinite unused branch whose zero gradient times e^x is NaN.
    const neg = where(pos, 0, x);
    return where(pos, x, mul(expm1(neg), alpha));
  });
}

/** x Φ(x) with Φ the standard normal CDF, or its tanh approximation. */
export function gelu(x: Tensor, approximate: GeluApproximate = 'none'): Tensor {
  checkGeluApproximate('gelu', approximate);
  requireFloat('gelu', x);
  return tidy(() => {
    const half = mul(x, 0.5);
    if (approximate === 'none') return mul(half, add(erf(mul(x, Math.SQRT1_2)), 1));
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(half, add(coreTanh(inner), 1));
  });
}

/** x * sigmoid(x) (also called swish). */
export function silu(x: Tensor): Tensor {
  requireFloat('silu', x);
  return tidy(() => mul(x, coreSigmoid(x)));
}

/** x * tanh(softplus(x)). */
export function mish(x: Tensor): Tensor {
  requireFloat('mish', x);
  return tidy(() => mul(x, coreTanh(coreSoftplus(x))));
}

/** log(1 + e^(beta x)) / beta, and x itself where beta x > threshold (strictly), as PyTorch. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  requireFloat('softplus', x);
  return coreSoftplus(x, beta, threshold);
}

/**
 * x clamped to [minVal, maxVal]. Unlike clamp, the gradient is 0 exactly at
 * the bounds (PyTorch's hardtanh_backward masks x <= minVal and x >= maxVal).
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  checkHardtanhBounds('hardtanh', minVal, maxVal);
  return tidy(() => where(le(x, minVal), minVal, where(ge(x, maxVal), maxVal, x)));
}

/** PyTorch's legacy choice of dim when Softmax / LogSoftmax get none: 0 for 0-, 1- and 3-d inputs, else 1. */
function implicitDim(x: Tensor, dim: number | null | undefined): number {
  if (dim !== undefined && dim !== null) return dim;
  return x.ndim === 0 || x.ndim === 1 || x.ndim === 3 ? 0 : 1;
}

export function softmax(x: Tensor, dim?: number | null): Tensor {
  return coreSoftmax(x, implicitDim(x, dim));
}

export function logSoftmax(x: Tensor, dim?: number | null): Tensor {
  return coreLogSoftmax(x, implicitDim(x, dim));
}

export interface DropoutOptions {
  /** The random stream (default: core's default generator, seeded by manualSeed). */
  generator?: Generator;
}

/**
 * Zeroes each element with probability p and scales the rest by 1 / (1 - p)
 * while training; the identity otherwise.
 */
export function dropout(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkDropoutP('dropout', p);
  // As PyTorch: the input itself, drawing no random numbers.
  if (!training || p === 0) return x;
  // As PyTorch: input * 0 (NaN stays NaN, the dtype is kept) without drawing random numbers.
  if (p === 1) return mul(x, 0);
  return tidy(() => {
    const u = rand(x.shape, { dtype: x.dtype === 'float64' ? 'float64' : 'float32', device: x.device, ...(options.generator ? { generator: options.generator } : {}) });
    const keepMask = castTo(ge(u, p), u.dtype);
    return mul(x, mul(keepMask, 1 / (1 - p)));
  });
}

export interface EmbeddingOptions {
  /** Rows picked by the input with a normType-norm above maxNorm are scaled down to it, in weight itself, before the lookup (PyTorch's max_norm). */
  maxNorm?: number | null;
  /** The p of maxNorm's norm (default 2). */
  normType?: number;
  /** Divide each row's gradient by how often its index occurs in the input. */
  scaleGradByFreq?: boolean;
}

/**
 * Rows of weight picked by integer indices: output shape [...input.shape, embeddingDim].
 * paddingIdx only stops the gradient: that row's gradient is 0, but the forward
 * returns whatever the row holds. maxNorm renormalizes the picked rows of
 * weight in place first (outside autograd), as PyTorch.
 */
export function embedding(input: Tensor, weight: Tensor, paddingIdx: number | null = null, options: EmbeddingOptions = {}): Tensor {
  requireIndex('embedding', input, 'input');
  if (weight.ndim !== 2) throw new ShapeError(`embedding: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${fmtShape(weight.shape)}`);
  const num = weight.shape[0]!;
  const pad = paddingIdx === null ? null : normalizePaddingIdx('embedding', paddingIdx, num);
  const maxNorm = options.maxNorm ?? null;
  const normType = options.normType ?? 2;
  if (maxNorm !== null && (typeof maxNorm !== 'number' || Number.isNaN(maxNorm))) throw new ValueError(`embedding: maxNorm must be a number or null, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || Number.isNaN(normType)) throw new ValueError(`embedding: normType must be a number, got ${String(normType)}`);
  checkIndexRange('embedding', input, 0, num, (v) => `index out of range in self: index ${v} is not in [0, ${num}) (numEmbeddings)`);
  const flat = reshape(input, [-1]);
  try {
    if (maxNorm !== null && flat.numel() > 0) renormRows(weight, flat, maxNorm, normType);
    return tidy(() => {
      let rows = indexSelect(weight, 0, flat);
      if (options.scaleGradByFreq && rows.requiresGrad) rows = scaleGradByFrequency(rows, flat, num);
      let out = reshape(rows, [...input.shape, weight.shape[1]!]);
      if (pad !== null && out.requiresGrad) {
        const isPad = unsqueeze(input.eq(pad), -1);
        out = where(isPad, out.detach(), out);
      }
      return out;
    });
  } finally {
    if (flat !== input) flat.dispose();
  }
}

/** weight[i] *= maxNorm / (norm + 1e-7) for the picked rows whose norm exceeds maxNorm (PyTorch's embedding_renorm_). */
function renormRows(weight: Tensor, index: Tensor, maxNorm: number, normType: number): void {
  noGrad(() =>
    tidy(() => {
      const rows = indexSelect(weight, 0, index);
      const n = coreNorm(rows, normType, 1, true);
      const scale = where(gt(n, maxNorm), div(maxNorm, add(n, 1e-7)), 1);
      // Repeated indices write the same row twice, with the same value.
      const at = expand(unsqueeze(index, 1), rows.shape);
      weight.copy_(scatter(weight, 0, at, mul(rows, scale)));
    }),
  );
}

/** rows unchanged, with the gradient of each divided by how often its index occurs in index (PyTorch's scale_grad_by_freq). */
function scaleGradByFrequency(rows: Tensor, index: Tensor, num: number): Tensor {
  const inv = noGrad(() => {
    const ones = full(index.shape, 1, { dtype: rows.dtype, device: rows.device });
    const counts = scatterAdd(zeros([num], { dtype: rows.dtype, device: rows.device }), 0, index, ones);
    return reshape(reciprocal(indexSelect(counts, 0, index)), [-1, 1]);
  });
  const out = noGrad(() => mul(rows, 1));
  record('scaleGradByFreq', [rows], [out], [inv], (g, saved) => [mul(g, saved[0]!)]);
  return out;
}

export interface LayerNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/** Normalizes over the trailing dims given by normalizedShape (biased variance), then scales and shifts. */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: LayerNormOptions = {}): Tensor {
  requireFloat('layerNorm', input);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((s, i) => s !== shape[i]))
    throw new ShapeError(`layerNorm: given normalizedShape=${fmtShape(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size ${fmtShape(input.shape)}`);
  for (const [name, t] of [['weight', options.weight], ['bias', options.bias]] as const)
    if (t != null && (t.ndim !== k || t.shape.some((s, i) => s !== shape[i])))
      throw new ShapeError(`layerNorm: expected ${name} of shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
  const eps = options.eps ?? 1e-5;
  const dims = Array.from({ length: k }, (_, i) => input.ndim - k + i);
  return tidy(() => {
    const centered = sub(input, mean(input, dims, true));
    const variance = mean(mul(centered, centered), dims, true);
    return affine(mul(centered, rsqrt(add(variance, eps))), options.weight ?? null, options.bias ?? null);
  });
}

export interface GroupNormOptions {
  /** Per-channel scale, shape [C]. */
  weight?: Tensor | null;
  /** Per-channel shift, shape [C]. */
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Group normalization (PyTorch's F.group_norm): input [N, C, *] with its C channels in numGroups
 * groups, each sample's group normalized with its mean and biased variance over the group's
 * channels and every spatial position, then weight * x + bias per channel.
 */
export function groupNorm(input: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  requireFloat('groupNorm', input);
  if (input.ndim < 2) throw new ShapeError(`groupNorm: expected an input of at least 2 dims [N, C, *], got shape ${fmtShape(input.shape)}`);
  const [n, c] = [input.shape[0]!, input.shape[1]!];
  if (!Number.isInteger(numGroups) || numGroups <= 0 || c % numGroups !== 0)
    throw new ShapeError(`groupNorm: Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmtShape(input.shape)} and num_groups=${numGroups}`);
  for (const [name, t] of [['weight', options.weight], ['bias', options.bias]] as const)
    if (t != null && (t.ndim !== 1 || t.shape[0] !== c))
      throw new ShapeError(`groupNorm: Expected ${name} to be a vector of size equal to the number of channels in input, but got ${name} of shape ${fmtShape(t.shape)} and input of shape ${fmtShape(input.shape)}`);
  const eps = options.eps ?? 1e-5;
  return tidy(() => {
    const grouped = reshape(input, [n, numGroups, (c / numGroups) * numelOf(input.shape.slice(2))]);
    const centered = sub(grouped, mean(grouped, 2, true));
    const variance = mean(mul(centered, centered), 2, true);
    const normed = reshape(mul(centered, rsqrt(add(variance, eps))), input.shape);
    const perChannel = (t: Tensor | null | undefined) => (t == null ? null : reshape(t, [c, ...input.shape.slice(2).map(() => 1)]));
    return affine(normed, perChannel(options.weight), perChannel(options.bias));
  });
}

function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export interface RmsNormOptions {
  /** Elementwise scale of normalizedShape's shape. */
  weight?: Tensor | null;
  /** Added to the mean square; default the machine epsilon of the input's dtype, as PyTorch. */
  eps?: number | null;
}

/** PyTorch's torch.finfo(dtype).eps. */
const MACHINE_EPS = { float32: 2 ** -23, float64: 2 ** -52 } as const;

/**
 * Root-mean-square normalization (PyTorch 2.4's F.rms_norm): x / sqrt(mean(x², trailing
 * normalizedShape dims) + eps) * weight.
 */
export function rmsNorm(input: Tensor, normalizedShape: number | readonly number[], options: RmsNormOptions = {}): Tensor {
  requireFloat('rmsNorm', input);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  const tail = input.shape.slice(input.ndim - k);
  if (k === 0 || input.ndim < k || tail.some((s, i) => s !== shape[i]))
    throw new ShapeError(`rmsNorm: given normalizedShape=${fmtShape(shape)}, expected input with shape [*, ${shape.join(', ')}], but got input of size ${fmtShape(input.shape)}`);
  const w = options.weight ?? null;
  if (w !== null && (w.ndim !== k || w.shape.some((s, i) => s !== shape[i]))) throw new ShapeError(`rmsNorm: expected weight of shape ${fmtShape(shape)}, got ${fmtShape(w.shape)}`);
  const eps = options.eps ?? MACHINE_EPS[input.dtype as 'float32' | 'float64'];
  const dims = Array.from({ length: k }, (_, i) => input.ndim - k + i);
  return tidy(() => affine(mul(input, rsqrt(add(mean(mul(input, input), dims, true), eps))), w, null));
}

function affine(x: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const scaled = weight === null ? x : mul(x, weight);
  return bias === null ? scaled : add(scaled, bias);
}

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Use the batch's statistics (and update the running ones, if given); default false. */
  training?: boolean;
  /**
   * Update factor of the running statistics: running = (1 - m) running + m batch.
   * A tensor is allowed so a module can pass 1 / numBatchesTracked without reading it back.
   */
  momentum?: number | Tensor;
  eps?: number;
}

/**
 * Batch normalization over every dim but the channel dim 1 (PyTorch's
 * F.batch_norm): normalizes with the batch's biased variance in training and
 * updates the running statistics in place with the unbiased one.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  requireFloat('batchNorm', input);
  if (input.ndim < 2) throw new ShapeError(`batchNorm: expected an input of at least 2 dims [N, C, *], got shape ${fmtShape(input.shape)}`);
  const c = input.shape[1]!;
  for (const [name, t] of [['running_mean', runningMean], ['running_var', runningVar], ['weight', options.weight], ['bias', options.bias]] as const)
    if (t != null && t.numel() !== c) throw new ShapeError(`batchNorm: ${name} should contain ${c} elements not ${t.numel()} (input shape ${fmtShape(input.shape)})`);
  const training = options.training ?? false;
  if (!training && (runningMean === null || runningVar === null))
    throw new ValueError('batchNorm: running_mean and running_var must be given when not training');
  const perChannel = c === 0 ? 0 : input.numel() / c;
  // As PyTorch: exactly one value per channel has no variance; an empty batch is allowed (and leaves the running stats).
  if (training && perChannel === 1)
    throw new ValueError(`batchNorm: expected more than 1 value per channel when training, got input size ${fmtShape(input.shape)}`);
  const eps = options.eps ?? 1e-5;
  const momentum = options.momentum ?? 0.1;
  const dims = [0, ...Array.from({ length: input.ndim - 2 }, (_, i) => i + 2)];
  // weight, bias and the statistics broadcast as [1, C, 1, ...].
  const bshape = [1, c, ...Array.from({ length: input.ndim - 2 }, () => 1)];
  const bc = (t: Tensor | null | undefined) => (t == null ? null : reshape(t, bshape));
  return tidy(() => {
    if (input.numel() === 0) return affine(input, bc(options.weight), bc(options.bias));
    let normalized: Tensor;
    if (training) {
      const m = mean(input, dims, true);
      const centered = sub(input, m);
      const v = mean(mul(centered, centered), dims, true);
      normalized = mul(centered, rsqrt(add(v, eps)));
      noGrad(() => {
        if (runningMean !== null) blend(runningMean, reshape(m, [c]), momentum);
        if (runningVar !== null) blend(runningVar, mul(reshape(v, [c]), perChannel / (perChannel - 1)), momentum);
      });
    } else {
      normalized = mul(sub(input, bc(runningMean)!), rsqrt(add(bc(runningVar)!, eps)));
    }
    return affine(normalized, bc(options.weight), bc(options.bias));
  });
}

/** running = (1 - m) running + m batch, in place. */
function blend(running: Tensor, batch: Tensor, m: number | Tensor): void {
  running.copy_(add(mul(running, typeof m === 'number' ? 1 - m : sub(1, m)), mul(batch, m)));
}
