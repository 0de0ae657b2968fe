import { fromHostArray } from '../creation.js';
import { IndexError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import type { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { deviceOf, empty } from './util.js';
import { kernel } from '../backend/registry.js';

/**
 * The [rows, cols] bool mask of a triangle: j - i <= diagonal (lower) or >= diagonal (upper).
 * Built on the host, so it costs one upload and no kernel.
 */
export function triangleMask(rows: number, cols: number, diagonal: number, upper: boolean, device?: string): Tensor {
  const m = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) m[i * cols + j] = (upper ? j - i >= diagonal : j - i <= diagonal) ? 1 : 0;
  return fromHostArray(m, [rows, cols], 'bool', device);
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  const backend = deviceOf(op, x);
  // IndexError as PyTorch 1.13's (it looks up dim -2 first).
  if (x.ndim < 2) throw new IndexError(`${op}: input tensor must have at least 2 dimensions, got shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new ValueError(`${op}: diagonal must be an integer, got ${diagonal}`);
  return tidy(() => {
    const mask = triangleMask(x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!, diagonal, op === 'triu', backend.name);
    // A 0-d zero of x's own dtype: where keeps the dtype (bool and int32 included), and the gradient is where(mask, g, 0).
    const zero = empty(backend, [], x.dtype);
    kernel('fill', backend)(zero, 0);
    return where(mask, x, zero);
  });
}

/** The lower triangle of the last two dims (j - i <= diagonal), zeros elsewhere (PyTorch's tril). */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/** The upper triangle of the last two dims (j - i >= diagonal), zeros elsewhere (PyTorch's triu). */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}
