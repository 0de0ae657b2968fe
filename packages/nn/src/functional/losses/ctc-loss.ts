import {
  IndexError,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  amax,
  cat,
  contiguous,
  div,
  exp,
  expand,
  fmtShape,
  fromHostArray,
  full,
  gather,
  gt,
  hostIndices,
  isTensor,
  isinf,
  isnan,
  log,
  logicalAnd,
  logicalOr,
  mean,
  mul,
  ne,
  needsGrad,
  neg,
  noGrad,
  record,
  reshape,
  select,
  slice,
  squeeze,
  stack,
  sub,
  sum,
  tidy,
  unsqueeze,
  where,
} from '@tensile/core';
import { boolOption, floatArg, indexArg, lossOptions, numberOption, requireTensor, optionKeys } from './checks.js';
import { type Reduction, checkReduction, DEFAULT_REDUCTION } from './reduction.js';

/** Per-sample lengths: a JS array (or a number for unbatched input), or an int32 tensor. */
export type CTCLengths = Tensor | readonly number[] | number;

export interface CTCLossOptions {
  reduction?: Reduction;
  /** The blank label's class index (default 0). */
  blank?: number;
  /** Replace infinite losses (impossible alignments) and their gradients by 0 (default false). */
  zeroInfinity?: boolean;
}
/** Every option with its default: the one place the defaults are written (the class, the registry and the demos read them here). */
export const CTC_LOSS_DEFAULTS: Readonly<Required<CTCLossOptions>> = Object.freeze({ reduction: DEFAULT_REDUCTION, blank: 0, zeroInfinity: false });
export const CTC_LOSS_KEYS = optionKeys(CTC_LOSS_DEFAULTS);

/** Lengths as host numbers: CTC's shapes depend on them, so they must be on the host. */
function hostLengths(op: string, lengths: unknown, name: string, batch: number): number[] {
  let values: number[];
  if (typeof lengths === 'number') values = [lengths];
  else if (Array.isArray(lengths)) values = lengths.slice() as number[];
  else if (isTensor(lengths)) {
    indexArg(op, lengths, name);
    // PyTorch reads the values flat, whatever the shape.
    const v = hostIndices(lengths);
    if (v === null) throw new ValueError(`${op}: ${name} must be readable on the host; pass a JS array or a tensor built from JS data`);
    values = Array.from(v);
  } else throw new ValueError(`${op}: ${name} must be an int32 tensor, a JS array or a number, got ${lengths === null ? 'null' : typeof lengths}`);
  if (values.length !== batch)
    throw new ShapeError(`${op}: expected ${name} to hold ${batch} length(s), one per batch entry, got ${values.length}`);
  for (const n of values) if (!Number.isInteger(n) || n < 0) throw new ValueError(`${op}: ${name} must be non-negative integers, got ${n}`);
  return values;
}

/**
 * log(sum(exp(x))) over the last dim whose gradient is exactly 0 for -inf
 * entries and for an all -inf row (the impossible alignments of CTC), where
 * the plain composite would give NaN.
 */
function logSumExpInf(x: Tensor): Tensor {
  const out = noGrad(() => {
    const m = amax(x, -1, true);
    const shift = where(isinf(m), 0, m);
    return squeeze(add(log(sum(exp(sub(x, shift)), -1, true)), shift), -1);
  });
  if (needsGrad(x))
    record('ctcLogSumExp', [x], [out], [x, out], (g, s) => {
      const [xs, o] = s as [Tensor, Tensor];
      const ok = unsqueeze(o, -1);
      const dead = isinf(ok);
      // exp(x - out) with out 0 on dead rows: the branch where() drops must stay finite, or its 0 gradient
      // times NaN would make the second derivative NaN.
      return [where(dead, 0, mul(unsqueeze(g, -1), exp(sub(xs, where(dead, 0, ok)))))];
    });
  return out;
}

/**
 * Zeros whose gradient with respect to logProbs is NaN over the input frames
 * of the samples flagged (an infinite loss unless zeroInfinity, a nan one)
 * and at nan entries of logProbs:
 * PyTorch reports the gradient of an impossible alignment as NaN, and adding
 * these to the losses keeps that visible instead of a misleading 0.
 */
function nanGradWhereInfinite(logProbs: Tensor, infinite: Tensor, frames: Tensor): Tensor {
  const out = full(infinite.shape, 0, { dtype: logProbs.dtype, device: logProbs.device });
  if (needsGrad(logProbs)) {
    const shape = logProbs.shape;
    // PyTorch's backward also reads exp(logProbs) at every entry: a nan log-probability has a nan gradient, on a path or not.
    const nanEntries = noGrad(() => isnan(logProbs));
    record('ctcLossInfinite', [logProbs], [out], [infinite, frames, nanEntries], (g, s) => {
      const [inf, fr, nanAt] = s as [Tensor, Tensor, Tensor];
      const bad = logicalAnd(fr, logicalOr(unsqueeze(unsqueeze(inf, 0), 2), nanAt));
      return [expand(mul(where(bad, NaN, 0), unsqueeze(unsqueeze(g, 0), 2)), shape)];
    });
  }
  return out;
}

/**
 * Connectionist Temporal Classification loss (PyTorch's F.ctc_loss): the
 * negative log of the total probability of every alignment of the target
 * labels to the input frames, by the alpha recursion in log space, composed
 * of ordinary ops so that it runs on every backend and its gradient is the
 * true gradient with respect to logProbs.
 *
 * logProbs is (T, N, C) (or (T, C) unbatched), normally a logSoftmax over C;
 * targets is (N, S) padded or the N label sequences concatenated (1-D, exactly
 * sum(targetLengths) long; an unbatched input takes that or a (1, S) padded
 * row; float and bool labels are read as integers, truncated, as PyTorch
 * does); the lengths are JS arrays, a number (unbatched) or int32 tensors. 'mean' divides each loss by its
 * target length (at least 1), then averages over the batch.
 */
export function ctcLoss(logProbs: Tensor, targets: Tensor, inputLengths: CTCLengths, targetLengths: CTCLengths, options?: CTCLossOptions): Tensor {
  const op = 'ctcLoss';
  const o = lossOptions(op, options, CTC_LOSS_KEYS);
  const reduction = checkReduction(op, o.reduction);
  const blank = numberOption(op, o.blank, 'blank', CTC_LOSS_DEFAULTS.blank);
  const zeroInfinity = boolOption(op, o.zeroInfinity, 'zeroInfinity', CTC_LOSS_DEFAULTS.zeroInfinity);
  floatArg(op, logProbs, 'logProbs');
  // PyTorch reads float and bool targets as integer labels (truncated toward zero), as it does int64 ones.
  requireTensor(op, targets, 'targets');
  if (logProbs.ndim !== 2 && logProbs.ndim !== 3) throw new ShapeError(`${op}: expected logProbs of shape (T, N, C) or (T, C), got ${fmtShape(logProbs.shape)}`);
  const unbatched = logProbs.ndim === 2;
  const [T, N, C] = unbatched ? [logProbs.shape[0]!, 1, logProbs.shape[1]!] : (logProbs.shape as [number, number, number]);
  if (!Number.isInteger(blank)) throw new ValueError(`${op}: blank must be an integer class index, got ${blank}`);
  if (blank < 0 || blank >= C) throw new IndexError(`${op}: blank must be in label range [0, ${C}), got ${blank}`);
  if (T === 0) throw new ShapeError(`${op}: logProbs has no time steps (shape ${fmtShape(logProbs.shape)})`);
  const inLens = hostLengths(op, inputLengths, 'inputLengths', N);
  const tgLens = hostLengths(op, targetLengths, 'targetLengths', N);
  for (const n of inLens) if (n > T) throw new ValueError(`${op}: Expected inputLengths to have value at most ${T}, but got value ${n}`);
  // As in PyTorch (unbatched input too): 2-d targets are padded, one row per sample; 1-d ones are the sequences concatenated.
  if (targets.ndim !== 1 && targets.ndim !== 2)
    throw new ShapeError(`${op}: targets must be (N, S) padded or 1-d concatenated, got shape ${fmtShape(targets.shape)}`);
  const padded = targets.ndim === 2;
  const maxLen = Math.max(0, ...tgLens);
  // Padded targets: one row of `width` label slots per sample.
  const width = padded ? targets.shape[1]! : 0;
  if (padded) {
    if (targets.shape[0] !== N) throw new ShapeError(`${op}: padded targets ${fmtShape(targets.shape)} must have one row per batch entry (${N})`);
    if (width < maxLen)
      throw new ShapeError(`${op}: Expected targets to have size at least ${maxLen} at dimension 1, but got size ${width} (targets ${fmtShape(targets.shape)})`);
  } else {
    const total = tgLens.reduce((a, b) => a + b, 0);
    if (targets.numel() !== total)
      throw new ShapeError(`${op}: concatenated targets must hold exactly the ${total} labels the target lengths add up to, got ${targets.numel()}`);
  }
  // Where each sample's labels sit in the flattened targets, and which label slots are used.
  const pos = new Int32Array(N * maxLen);
  const used = new Int32Array(N * maxLen);
  let offset = 0;
  for (let n = 0; n < N; n++) {
    const start = padded ? n * width : offset;
    for (let k = 0; k < maxLen; k++) {
      const inside = k < tgLens[n]!;
      pos[n * maxLen + k] = inside ? start + k : 0;
      used[n * maxLen + k] = inside ? 1 : 0;
    }
    offset += tgLens[n]!;
  }
  const hostTargets = hostIndices(targets);
  if (hostTargets !== null)
    for (let i = 0; i < pos.length; i++)
      if (used[i]) {
        const c = Math.trunc(Number(hostTargets[pos[i]!]!));
        if (!(c >= 0 && c < C)) throw new IndexError(`${op}: target label ${hostTargets[pos[i]!]!} is out of range for ${C} classes`);
      }

  return tidy(() => {
    const device = logProbs.device;
    const dtype = logProbs.dtype;
    const mask = (values: ArrayLike<number>, shape: number[]) => ne(fromHostArray(Int32Array.from(values), shape, 'int32', device), 0);
    const lp = unbatched ? unsqueeze(logProbs, 1) : logProbs;
    const S = 2 * maxLen + 1;
    const blanks = (n: number) => full([N, n], blank, { dtype: 'int32', device });
    const minusInf = (n: number) => full([N, n], -Infinity, { dtype, device });
    // The extended label sequence: blank, l1, blank, l2, ..., blank.
    let ext = blanks(1);
    if (maxLen > 0) {
      const ints = targets.dtype === 'int32' ? targets : targets.to('int32');
      const picked = reshape(gather(reshape(ints, [-1]), 0, fromHostArray(pos, [N * maxLen], 'int32', device)), [N, maxLen]);
      const labels = where(mask(used, [N, maxLen]), picked, blank);
      ext = cat([reshape(stack([blanks(maxLen), labels], 2), [N, 2 * maxLen]), ext], 1);
    }
    // A slot may be reached from two slots back when the two hold different values (PyTorch's rule: blank
    // slots never, as both are blank; a label slot unless it repeats the previous label, even a label equal to blank).
    const skip = S > 2 ? ne(ext, cat([blanks(2), slice(ext, 1, 0, S - 2)], 1)) : null;
    const lpExt = gather(lp, 2, contiguous(expand(unsqueeze(ext, 0), [T, N, S])));
    let alpha = where(mask(Array.from({ length: S }, (_, k) => (k < 2 ? 1 : 0)), [1, S]), select(lpExt, 0, 0), -Infinity);
    const lens = fromHostArray(Int32Array.from(inLens), [N, 1], 'int32', device);
    for (let t = 1; t < T; t++) {
      const terms = [alpha, cat([minusInf(1), slice(alpha, 1, 0, S - 1)], 1)];
      if (skip !== null) terms.push(where(skip, cat([minusInf(2), slice(alpha, 1, 0, S - 2)], 1), -Infinity));
      const next = add(logSumExpInf(stack(terms, 2)), select(lpExt, 0, t));
      // Samples whose input has ended keep their last alpha.
      alpha = where(gt(lens, t), next, alpha);
    }
    // An alignment ends on the last label or on the blank after it (only the blank for an empty target).
    const ends = Int32Array.from({ length: 2 * N }, (_, i) => Math.max(2 * tgLens[i >> 1]! - (i & 1), 0));
    const endOk = mask(Array.from({ length: 2 * N }, (_, i) => (i & 1 ? tgLens[i >> 1]! > 0 : true) ? 1 : 0), [N, 2]);
    let nll = neg(logSumExpInf(where(endOk, gather(alpha, 1, fromHostArray(ends, [N, 2], 'int32', device)), -Infinity)));
    // Without input frames only the empty target has an alignment (PyTorch: loss 0, else inf).
    if (inLens.includes(0)) {
      const empty = fromHostArray(Float32Array.from(tgLens, (l) => (l === 0 ? 0 : Infinity)), [N], 'float32', device);
      nll = where(mask(inLens.map((n) => (n === 0 ? 1 : 0)), [N]), empty, nll);
    }
    const infinite = isinf(nll);
    // A nan loss (a nan log-probability on some path) has PyTorch's nan gradient over the sample's frames, zeroInfinity or not.
    const nan = isnan(nll);
    if (zeroInfinity) nll = where(infinite, 0, nll);
    const frames = mask(Array.from({ length: T * N }, (_, i) => (Math.floor(i / N) < inLens[i % N]! ? 1 : 0)), [T, N, 1]);
    nll = add(nll, nanGradWhereInfinite(lp, zeroInfinity ? nan : logicalOr(infinite, nan), frames));
    if (reduction === 'none') return unbatched ? reshape(nll, []) : nll;
    if (reduction === 'sum') return sum(nll);
    const perLabel = fromHostArray(Float32Array.from(tgLens, (l) => Math.max(l, 1)), [N], 'float32', device);
    return mean(div(nll, perLabel));
  });
}
