import { type HostArray, isFloat } from '../dtype.js';
import { fromHostArray, zeros } from '../creation.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { hostIndices, scatterAdd } from './indexing.js';
import { deviceOf } from './util.js';

export interface BincountOptions {
  weights?: Tensor | null;
  minlength?: number;
}

function check(x: Tensor, o: BincountOptions): void {
  deviceOf('bincount', x, o.weights ?? null);
  if (x.dtype !== 'int32') throw new DTypeError(`bincount: not implemented for ${x.dtype} input (shape ${fmtShape(x.shape)}); it counts non-negative integers`);
  if (x.ndim !== 1) throw new ShapeError(`bincount: bincount only supports 1-d non-negative integral inputs, got shape ${fmtShape(x.shape)}`);
  const m = o.minlength ?? 0;
  if (!Number.isInteger(m) || m < 0) throw new ValueError(`bincount: minlength should be >= 0, got ${String(m)}`);
  const w = o.weights ?? null;
  if (w !== null && (w.ndim !== 1 || w.shape[0] !== x.shape[0]))
    throw new ShapeError(`bincount: weights should be 1-d and have the same length as input, got weights ${fmtShape(w.shape)} and input ${fmtShape(x.shape)}`);
}

function count(x: Tensor, v: HostArray, o: BincountOptions): Tensor {
  let size = o.minlength ?? 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! < 0) throw new ValueError(`bincount: bincount only supports 1-d non-negative integral inputs, got the value ${v[i]} (input shape ${fmtShape(x.shape)})`);
    size = Math.max(size, v[i]! + 1);
  }
  const w = o.weights ?? null;
  return tidy(() => {
    // PyTorch: counts are int64 (int32 here); float weights keep their dtype; integer weights sum as float64 (float32 where the device has no float64).
    const wd = w === null ? 'int32' : isFloat(w.dtype) ? w.dtype : x.storage.backend.supportsFloat64 ? 'float64' : 'float32';
    const src = w === null ? fromHostArray(new Int32Array(v.length).fill(1), [v.length], 'int32', x.device) : castTo(w, wd);
    return scatterAdd(zeros([size], { dtype: wd, device: x.device }), 0, x, src);
  });
}

/**
 * PyTorch's bincount: how often each value 0..max(x) of a 1-d non-negative integer tensor occurs
 * (at least `minlength` bins), or the sum of `weights` per value. The output's length depends on
 * the values, so they are read on the host: at once where they are known (a tensor built from JS
 * data, or a device with synchronous readback), else use bincountAsync. No gradient, as PyTorch.
 */
export function bincount(x: Tensor, options?: BincountOptions): Tensor {
  const o = checkOptions('bincount', options, ['weights', 'minlength']);
  check(x, o);
  const v = hostIndices(x);
  if (v === null) throw new ValueError(`bincount: the output length depends on the values of the input (shape ${fmtShape(x.shape)}), which this device reads asynchronously; use await bincountAsync(x, options)`);
  return count(x, v, o);
}

/** bincount for any device: awaits the input's values for the output length. */
export async function bincountAsync(x: Tensor, options?: BincountOptions): Promise<Tensor> {
  const o = checkOptions('bincount', options, ['weights', 'minlength']);
  check(x, o);
  const v = hostIndices(x) ?? ((await x.data()) as HostArray);
  return count(x, v, o);
}
