import { ShapeError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { repeat } from './view.js';

/**
 * x tiled `dims[i]` times along each dim (PyTorch's tile): with fewer dims than x has, ones are
 * prepended to them; with more, x gains leading dims. Tensor.repeat does the work (expand and
 * reshape), so the gradient sums the tiles.
 */
export function tile(x: Tensor, ...dimsArgs: (number | readonly number[])[]): Tensor {
  x._live('tile');
  const dims = dimsArgs.length === 1 && typeof dimsArgs[0] !== 'number' ? [...dimsArgs[0]!] : (dimsArgs as number[]);
  for (const r of dims)
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0)
      throw new ShapeError(`tile: Trying to create tensor with negative dimension ${String(r)}: dims ${fmtShape(dims)} for shape ${fmtShape(x.shape)}`);
  const reps = dims.length < x.ndim ? [...new Array<number>(x.ndim - dims.length).fill(1), ...dims] : dims;
  return repeat(x, reps);
}
