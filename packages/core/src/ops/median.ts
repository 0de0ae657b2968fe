import { needsGrad, record } from '../autograd/record.js';
import { noGrad } from '../autograd/grad-mode.js';
import { fromHostArray } from '../creation.js';
import { DTypeError, IndexError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { div, eq, isnan, logicalAnd, logicalOr, mul, where } from './elementwise.js';
import { gather } from './indexing.js';
import { any, argmax, sum, type ValuesIndices, valuesIndices } from './reduce.js';
import { sort } from './scan.js';
import { flatten, narrow, reshape, squeeze } from './view.js';
import { deviceOf } from './util.js';

function check(x: Tensor): void {
  deviceOf('median', x);
  if (x.dtype === 'bool') throw new DTypeError(`median: not implemented for bool tensors (shape ${fmtShape(x.shape)})`);
}

/**
 * PyTorch's median. Without dim: the lower median of all elements (NaN if any is NaN), whose
 * gradient is shared evenly by the entries equal to it (PyTorch's evenly_distribute_backward).
 * With dim: (values, indices) of the lower median along dim, the index being the one a stable sort
 * puts at position (n - 1) / 2 (PyTorch's nth_element with index tie-break); a line with a NaN
 * gives NaN and the index of its first NaN. The gradient flows to that index.
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  check(x);
  if (dim === undefined) return medianAll(x);
  const d = normalizeDim('median', dim, Math.max(x.ndim, 1));
  if (x.ndim === 0) return tidy(() => {
    const [v, i] = median(reshape(x, [1]), 0, false);
    return valuesIndices(reshape(v, []), reshape(i, []));
  });
  const n = x.shape[d]!;
  if (n === 0) throw new IndexError(`median: Expected reduction dim ${d} to have non-zero size; input has shape ${fmtShape(x.shape)}`);
  return tidy(() => {
    const index = noGrad(() => {
      const [, si] = sort(x, d);
      const pos = narrow(si, d, (n - 1) >> 1, 1);
      if (x.dtype !== 'float32' && x.dtype !== 'float64') return pos;
      const nan = isnan(x);
      return where(any(nan, d, true), argmax(nan, d, true), pos);
    });
    const values = gather(x, d, index);
    return keepdim ? valuesIndices(values, index) : valuesIndices(squeeze(values, d), squeeze(index, d));
  });
}

function medianAll(x: Tensor): Tensor {
  // The median of nothing is NaN (PyTorch), still with a (empty) gradient.
  const out =
    x.numel() === 0
      ? tidy(() => castTo(fromHostArray(Float32Array.of(NaN), [], 'float32', x.device), x.dtype))
      : noGrad(() => tidy(() => reshape(median(flatten(x), 0).values, [])));
  if (needsGrad(x))
    record('median', [x], [out], [x, out], (g, s) => {
      const [xs, o] = [s[0]!, s[1]!];
      const mask = noGrad(() => castTo(logicalOr(eq(xs, o), logicalAnd(isnan(xs), isnan(o))), g.dtype));
      return [mul(mask, div(g, sum(mask)))];
    });
  return out;
}
