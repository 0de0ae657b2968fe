// nonzero and maskedSelect: outputs whose shape depends on the values. The values are read back
// once (asynchronously, so the portable forms return promises; the *Sync forms are for backends
// that read synchronously, as equal / equalSync), the indices are computed on the host and uploaded.
import { fromHostArray } from '../creation.js';
import type { HostArray } from '../dtype.js';
import { DTypeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { broadcastShapes, contiguousStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { indexSelect } from './indexing.js';
import { deviceOf } from './util.js';
import { contiguous, expand, reshape } from './view.js';

export interface NonzeroOptions {
  /** Return one 1-d index tensor per dim instead of one [n, ndim] tensor (PyTorch's as_tuple). */
  asTuple?: boolean;
}
const KEYS = ['asTuple'];

/** Row-major positions of the nonzero values (NaN counts as nonzero, as PyTorch). */
function positions(v: HostArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) out.push(i);
  return out;
}

function nonzeroFrom(input: Tensor, v: HostArray, asTuple: boolean): Tensor | Tensor[] {
  const pos = positions(v);
  const n = pos.length;
  const shape = input.shape;
  const nd = shape.length;
  const strides = contiguousStrides(shape);
  const coords = new Int32Array(n * nd);
  pos.forEach((p, k) => {
    for (let d = 0; d < nd; d++) coords[k * nd + d] = Math.floor(p / strides[d]!) % shape[d]!;
  });
  if (!asTuple) return fromHostArray(coords, [n, nd], 'int32', input.device);
  // A 0-d input counts as 1-d, as PyTorch's as_tuple.
  if (nd === 0) return [fromHostArray(new Int32Array(n), [n], 'int32', input.device)];
  return Array.from({ length: nd }, (_, d) => {
    const col = new Int32Array(n);
    for (let k = 0; k < n; k++) col[k] = coords[k * nd + d]!;
    return fromHostArray(col, [n], 'int32', input.device);
  });
}

function start(op: string, input: Tensor, options: NonzeroOptions | undefined): boolean {
  const o = checkOptions(op, options, KEYS) as NonzeroOptions;
  deviceOf(op, input);
  return o.asTuple ?? false;
}

/**
 * The indices of input's nonzero elements (PyTorch's torch.nonzero): an int32 [n, ndim] tensor in
 * row-major order, or with `{asTuple: true}` one [n] tensor per dim. Async: the count decides the shape.
 */
export async function nonzero(input: Tensor, options?: NonzeroOptions): Promise<Tensor | Tensor[]> {
  const asTuple = start('nonzero', input, options);
  return nonzeroFrom(input, await input.data(), asTuple);
}

/** nonzero on backends that read synchronously (cpu, wasm, native). */
export function nonzeroSync(input: Tensor, options?: NonzeroOptions): Tensor | Tensor[] {
  const asTuple = start('nonzeroSync', input, options);
  return nonzeroFrom(input, input.dataSync(), asTuple);
}

function maskedStart(op: string, input: Tensor, mask: Tensor): number[] {
  deviceOf(op, input, mask);
  if (mask.dtype !== 'bool') throw new DTypeError(`${op}: expected BoolTensor for mask, got ${mask.dtype} (mask shape ${fmtShape(mask.shape)}, input shape ${fmtShape(input.shape)})`);
  return broadcastShapes(op, input.shape, mask.shape);
}

function maskedFrom(input: Tensor, _mask: Tensor, shape: number[], m: HostArray): Tensor {
  const pos = positions(m);
  return tidy(() => {
    const idx = fromHostArray(Int32Array.from(pos), [pos.length], 'int32', input.device);
    // Gathering from the flattened broadcast input keeps the result differentiable (indexSelect's gradient).
    const flat = reshape(contiguous(expand(input, shape)), [-1]);
    return indexSelect(flat, 0, idx);
  });
}

async function broadcastMaskData(mask: Tensor, shape: number[], sync: boolean): Promise<HostArray> {
  const full = tidy(() => contiguous(expand(mask, shape)));
  try {
    return sync ? full.dataSync() : await full.data();
  } finally {
    full.dispose();
  }
}

/**
 * The elements of input where the bool mask is true (input and mask broadcast together), as a 1-d
 * tensor in row-major order (PyTorch's torch.masked_select); differentiable in input. Async: the
 * number of true values decides the shape.
 */
export async function maskedSelect(input: Tensor, mask: Tensor): Promise<Tensor> {
  const shape = maskedStart('maskedSelect', input, mask);
  return maskedFrom(input, mask, shape, await broadcastMaskData(mask, shape, false));
}

/** maskedSelect on backends that read synchronously (cpu, wasm, native). */
export function maskedSelectSync(input: Tensor, mask: Tensor): Tensor {
  const shape = maskedStart('maskedSelectSync', input, mask);
  const full = tidy(() => contiguous(expand(mask, shape)));
  try {
    return maskedFrom(input, mask, shape, full.dataSync());
  } finally {
    full.dispose();
  }
}
