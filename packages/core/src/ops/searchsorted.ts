import { noGrad } from '../autograd/grad-mode.js';
import { fromHostArray } from '../creation.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { shapesEqual } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { le, lt } from './elementwise.js';
import { gather } from './indexing.js';
import { sum } from './reduce.js';
import { reshape, unsqueeze } from './view.js';
import { deviceOf } from './util.js';

export interface SearchsortedOptions {
  /** Accepted for PyTorch compatibility: the result is always int32 (PyTorch's int64, narrowed). */
  outInt32?: boolean;
  right?: boolean;
  side?: 'left' | 'right' | null;
  /** int32 indices that sort sortedSequence along its last dim, when it is not sorted itself. */
  sorter?: Tensor | null;
}

/**
 * PyTorch's searchsorted: for each value, the index in the sorted last dim of sortedSequence where
 * it would be inserted, the first such (left) or the last (right, or side 'right'). sortedSequence is
 * 1-d (any values shape) or matches the values' leading dims. Counted by comparison (the number of
 * boundaries below, or not above, each value), so any backend runs it; int32 out, no gradient.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, options?: SearchsortedOptions): Tensor {
  const o = checkOptions('searchsorted', options, ['outInt32', 'right', 'side', 'sorter']);
  deviceOf('searchsorted', sortedSequence, isTensor(values) ? values : null, o.sorter ?? null);
  const seq = sortedSequence;
  if (o.side !== undefined && o.side !== null && o.side !== 'left' && o.side !== 'right')
    throw new ValueError(`searchsorted: side can only be 'left' or 'right' but got ${String(o.side)}`);
  if (o.side != null && o.right !== undefined && o.right !== (o.side === 'right'))
    throw new ValueError(`searchsorted: side and right can't be set to opposites, got side of ${o.side} while right was ${String(o.right)}`);
  const right = o.side != null ? o.side === 'right' : (o.right ?? false);
  if (seq.ndim === 0) throw new ShapeError(`searchsorted: boundaries tensor should have positive dimension, but got 0 dimension`);
  if (seq.dtype === 'bool') throw new DTypeError(`searchsorted: not implemented for bool boundaries (shape ${fmtShape(seq.shape)})`);
  const vt = isTensor(values) ? values : null;
  if (vt !== null) {
    if (vt.dtype === 'bool') throw new DTypeError(`searchsorted: not implemented for bool values (shape ${fmtShape(vt.shape)})`);
    if (seq.ndim > 1 && (vt.ndim !== seq.ndim || !shapesEqual(vt.shape.slice(0, -1), seq.shape.slice(0, -1))))
      throw new ShapeError(
        `searchsorted: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${fmtShape(seq.shape)} and input value tensor ${fmtShape(vt.shape)}`,
      );
  } else if (seq.ndim > 1)
    throw new ShapeError(`searchsorted: boundaries tensor must be 1 dimension when the input value is a scalar, but got boundaries tensor ${fmtShape(seq.shape)}`);
  const sorter = o.sorter ?? null;
  if (sorter !== null) {
    if (sorter.dtype !== 'int32') throw new DTypeError(`searchsorted: sorter must be a tensor of int32 indices, got ${sorter.dtype} of shape ${fmtShape(sorter.shape)}`);
    if (!shapesEqual(sorter.shape, seq.shape))
      throw new ShapeError(`searchsorted: boundary and sorter must have the same size, but got boundary tensor ${fmtShape(seq.shape)} and got sorter tensor ${fmtShape(sorter.shape)}`);
  }
  return noGrad(() =>
    tidy(() => {
      const b = sorter === null ? seq : gather(seq, -1, sorter);
      const s = values as number;
      const vv =
        vt ??
        (seq.dtype === 'float64' ? fromHostArray(Float64Array.of(s), [], 'float64', seq.device)
          : seq.dtype === 'int32' && Number.isInteger(s) ? fromHostArray(Int32Array.of(s), [], 'int32', seq.device)
          : fromHostArray(Float32Array.of(s), [], 'float32', seq.device));
      // [..., N, 1] against [..., 1, M] (a 1-d sequence broadcasts against any values shape).
      const cmpV = unsqueeze(vv.ndim === 0 ? reshape(vv, [1]) : vv, -1);
      const cmpB = seq.ndim === 1 ? b : unsqueeze(b, -2);
      const count = sum(castTo(right ? le(cmpB, cmpV) : lt(cmpB, cmpV), 'int32'), -1);
      return vv.ndim === 0 ? reshape(count, []) : count;
    }),
  );
}
