import { noGrad } from '../autograd/grad-mode.js';
import { fromHostArray } from '../creation.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { normalizeDim } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { clamp, floor, isnan, logicalOr, mul, round, sub, where } from './elementwise.js';
import { checkValues, gather } from './indexing.js';
import { any } from './reduce.js';
import { sort } from './scan.js';
import { lerp } from './tensor-ops.js';
import { expand, flatten, permute, reshape, squeeze, unsqueeze } from './view.js';
import { deviceOf } from './util.js';

export type QuantileInterpolation = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';
export interface QuantileOptions {
  dim?: number | null;
  keepdim?: boolean;
  interpolation?: QuantileInterpolation;
}
/** x with dim `from` moved to position `to` (each may be negative). */
function movedim(x: Tensor, from: number, to: number): Tensor {
  const f = from < 0 ? from + x.ndim : from;
  const t = to < 0 ? to + x.ndim : to;
  if (f === t) return x;
  const rest = x.shape.map((_, i) => i).filter((i) => i !== f);
  rest.splice(t, 0, f);
  return permute(x, rest);
}
const MODES = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];

/**
 * PyTorch's quantile: the q-th quantiles of x along dim (over all elements without dim), q a number
 * or a 0-d/1-d tensor of x's dtype in [0, 1] (a 1-d q adds a leading dim of its length). Positions
 * q * (n - 1) in the sorted line, read by `interpolation`; a line with a NaN gives NaN. Built
 * from sort, gather and lerp, so the gradient reaches the entries read and differentiates again.
 */
export function quantile(x: Tensor, q: number | Tensor, dimOrOptions?: number | null | QuantileOptions, keepdim?: boolean, interpolation?: QuantileInterpolation): Tensor {
  const o: QuantileOptions =
    dimOrOptions !== null && typeof dimOrOptions === 'object'
      ? checkOptions('quantile', dimOrOptions, ['dim', 'keepdim', 'interpolation'])
      : { dim: dimOrOptions ?? null, keepdim: keepdim ?? false, interpolation: interpolation ?? 'linear' };
  deviceOf('quantile', x, isTensor(q) ? q : null);
  const mode = o.interpolation ?? 'linear';
  if (!MODES.includes(mode)) throw new ValueError(`quantile: interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${String(mode)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64')
    throw new DTypeError(`quantile: quantile() input tensor must be either float or double dtype, got ${x.dtype} of shape ${fmtShape(x.shape)}`);
  if (x.numel() === 0) throw new ValueError(`quantile: quantile() input tensor must be non-empty, got shape ${fmtShape(x.shape)}`);
  let qs: ArrayLike<number> | null;
  let qShape: number[];
  if (isTensor(q)) {
    if (q.ndim > 1) throw new ShapeError(`quantile: quantile() q must be a scalar or 1D tensor, got shape ${fmtShape(q.shape)}`);
    if (q.dtype !== x.dtype) throw new DTypeError(`quantile: quantile() q tensor must be same dtype as the input tensor (${x.dtype}), got ${q.dtype}`);
    qShape = [...q.shape];
    qs = null;
    // At once where q's values are on the host, else deferred to the device's next readback (the ranks are clamped meanwhile).
    checkValues(q, { min: 0, max: 1, nanFails: true }, (v) => new ValueError(`quantile: quantile() q values must be in the range [0, 1], got ${v}`));
  } else {
    qs = [q];
    qShape = [];
  }
  if (qs !== null) for (let i = 0; i < qs.length; i++) if (!(qs[i]! >= 0 && qs[i]! <= 1)) throw new ValueError(`quantile: quantile() q must be in the range [0, 1] but got ${qs[i]}`);
  const keep = o.keepdim ?? false;
  const dim = o.dim ?? null;
  const d = dim === null ? 0 : normalizeDim('quantile', dim, Math.max(x.ndim, 1));
  return tidy(() => {
    // The line to read, last: [..., n].
    const line = dim === null ? flatten(x) : x.ndim === 0 ? reshape(x, [1]) : movedim(x, d, -1);
    const n = line.shape[line.ndim - 1]!;
    const sorted = sort(line, -1).values;
    const lead = line.shape.slice(0, -1);
    const qt = isTensor(q) ? reshape(q, [-1]) : fromHostArray(x.dtype === 'float64' ? Float64Array.of(q) : Float32Array.of(q), [1], x.dtype, x.device);
    const k = qt.shape[0]!;
    // ranks [..., k]: q * (n - 1), or the last position (the NaN, sorted last) where the line has one.
    const ranks = noGrad(() => {
      const r = mul(expand(qt, [...lead, k]), n - 1);
      const hasNan = expand(any(isnan(sorted), -1, true), [...lead, k]);
      const m = mode === 'lower' ? floor(r) : mode === 'higher' ? sub(0, floor(sub(0, r))) : mode === 'nearest' ? round(r) : r;
      return clamp(where(logicalOr(hasNan, isnan(m)), where(hasNan, n - 1, 0), m), 0, n - 1);
    });
    const below = noGrad(() => castTo(floor(ranks), 'int32'));
    let out = gather(sorted, -1, below);
    if (mode === 'linear' || mode === 'midpoint') {
      const above = noGrad(() => castTo(sub(0, floor(sub(0, ranks))), 'int32'));
      const w = mode === 'midpoint' ? 0.5 : noGrad(() => sub(ranks, floor(ranks)));
      out = lerp(out, gather(sorted, -1, above), w);
    }
    // out [..., k] -> PyTorch's [k, ...] (k dropped for a scalar q), with the reduced dim kept as 1 if asked.
    let r = movedim(out, -1, 0);
    if (keep) {
      if (dim === null) r = reshape(r, [k, ...x.shape.map(() => 1)]);
      else if (x.ndim > 0) r = unsqueeze(r, d + 1);
    } else if (dim === null) r = reshape(r, [k]);
    return qShape.length === 0 ? squeeze(r, 0) : r;
  });
}
