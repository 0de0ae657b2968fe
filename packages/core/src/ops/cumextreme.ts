import { noGrad } from '../autograd/grad-mode.js';
import { fromHostArray } from '../creation.js';
import { tidy } from '../memory.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { ge, isnan, le, logicalAnd, logicalNot, logicalOr, where } from './elementwise.js';
import { gather } from './indexing.js';
import { type ValuesIndices, valuesIndices } from './reduce.js';
import { cat, contiguous, expand, narrow, reshape } from './view.js';
import { deviceOf } from './util.js';

/**
 * PyTorch's cummax / cummin: the running extreme along dim and the index it came from. On ties
 * the later index wins, and a NaN holds from where it appears (index: the latest NaN), as
 * PyTorch's kernel (`x >= best || isnan(x)`). The indices come from a log-step scan of
 * (value, index) pairs; the values are gathered at them, so the gradient flows to those entries.
 */
function cumExtreme(op: 'cummax' | 'cummin', x: Tensor, dim: number): ValuesIndices {
  deviceOf(op, x);
  const d = normalizeDim(op, dim, Math.max(x.ndim, 1));
  if (x.ndim === 0)
    return tidy(() => {
      const [v, i] = cumExtreme(op, reshape(x, [1]), 0);
      return valuesIndices(reshape(v, []), reshape(i, []));
    });
  const n = x.shape[d]!;
  return tidy(() => {
    const indices = noGrad(() => {
      const shape1 = x.shape.map((_s, i) => (i === d ? n : 1));
      let idx = contiguous(expand(reshape(fromHostArray(Int32Array.from({ length: n }, (_, i) => i), [n], 'int32', x.device), shape1), x.shape));
      let v = x;
      for (let s = 1; s < n; s *= 2) {
        const av = narrow(v, d, 0, n - s);
        const ai = narrow(idx, d, 0, n - s);
        const bv = narrow(v, d, s, n - s);
        const bi = narrow(idx, d, s, n - s);
        // b (the later segment) wins when it has a NaN, or neither has one and it is at least as extreme.
        const bNan = isnan(bv);
        const takeB = logicalOr(bNan, logicalAnd(logicalNot(isnan(av)), op === 'cummax' ? ge(bv, av) : le(bv, av)));
        v = cat([narrow(v, d, 0, s), where(takeB, bv, av)], d);
        idx = cat([narrow(idx, d, 0, s), where(takeB, bi, ai)], d);
      }
      return idx;
    });
    return valuesIndices(gather(x, d, indices), indices);
  });
}

export const cummax = (x: Tensor, dim: number): ValuesIndices => cumExtreme('cummax', x, dim);
export const cummin = (x: Tensor, dim: number): ValuesIndices => cumExtreme('cummin', x, dim);
