import { keep, tidy } from '../memory.js';
import { ShapeError, ValueError, fmtShape } from '../errors.js';
import { needsGrad, record } from '../autograd/record.js';
import { kernel } from '../backend/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import type { Tensor } from '../tensor.js';
import { fromHostArray } from '../creation.js';
import { gather, scatterAdd } from './indexing.js';
import { deviceOf, empty } from './util.js';
import { expand, narrow, reshape } from './view.js';
import { contiguousStrides, numel } from '../shape.js';

/**
 * Sliding windows over the trailing spatial dims of [N, C, ...spatial]
 * tensors, composed from gather/scatterAdd with host-computed index tables:
 * convolutions, transposed convolutions and pooling then run on every backend
 * with no kernels of their own, and their gradients come from gather's.
 */
export interface WindowSpec {
  /** Spatial size of the (already padded) plane the windows slide over. */
  readonly plane: readonly number[];
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  /** Number of windows along each spatial dim. */
  readonly out: readonly number[];
}

const tables = new Map<string, Tensor>();

/**
 * int32 [K * L]: for kernel offset k and window l, the flat position in the
 * plane it reads. Cached per spec and device (uploaded once).
 */
export function windowTable(spec: WindowSpec, device: string): Tensor {
  const key = `${device}|${spec.plane}|${spec.kernel}|${spec.stride}|${spec.dilation}|${spec.out}`;
  const hit = tables.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const d = spec.plane.length;
  const K = numel(spec.kernel);
  const L = numel(spec.out);
  const planeStrides = contiguousStrides(spec.plane);
  const kStrides = contiguousStrides(spec.kernel);
  const oStrides = contiguousStrides(spec.out);
  const table = new Int32Array(K * L);
  for (let k = 0; k < K; k++)
    for (let l = 0; l < L; l++) {
      let pos = 0;
      for (let i = 0; i < d; i++) {
        const ki = Math.floor(k / kStrides[i]!) % spec.kernel[i]!;
        const oi = Math.floor(l / oStrides[i]!) % spec.out[i]!;
        pos += (oi * spec.stride[i]! + ki * spec.dilation[i]!) * planeStrides[i]!;
      }
      table[k * L + l] = pos;
    }
  const t = keep(noGrad(() => fromHostArray(table, [K * L], 'int32', device)));
  tables.set(key, t);
  return t;
}

/** [N, C, ...plane] -> [N, C, K, L]: every window's values (im2col). */
export function unfoldWindows(x: Tensor, spec: WindowSpec): Tensor {
  const [N, C] = x.shape as [number, number];
  const K = numel(spec.kernel);
  const L = numel(spec.out);
  const P = numel(spec.plane);
  const table = windowTable(spec, x.device);
  return tidy(() => {
    const flat = reshape(x, [N, C, P]);
    const idx = expand(reshape(table, [1, 1, K * L]), [N, C, K * L]);
    return reshape(gather(flat, 2, idx), [N, C, K, L]);
  });
}

/** [N, C, K, L] -> [N, C, ...plane]: sums every window's values back into the plane (col2im). */
export function foldWindows(cols: Tensor, spec: WindowSpec): Tensor {
  const [N, C, K, L] = cols.shape as [number, number, number, number];
  const P = numel(spec.plane);
  const table = windowTable(spec, cols.device);
  return tidy(() => {
    const base = zerosOf(cols, [N, C, P]);
    const idx = expand(reshape(table, [1, 1, K * L]), [N, C, K * L]);
    return reshape(scatterAdd(base, 2, idx, reshape(cols, [N, C, K * L])), [N, C, ...spec.plane]);
  });
}

function zerosOf(like: Tensor, shape: readonly number[]): Tensor {
  const out = empty(like.storage.backend, shape, like.dtype);
  kernel('fill', like.storage.backend)(out, 0);
  return out;
}

/**
 * Constant padding of the trailing dims: `before[i]`/`after[i]` elements on
 * each side of spatial dim i (negative values crop). Differentiable: the
 * gradient is the interior of the output gradient.
 */
export function padSpatial(x: Tensor, before: readonly number[], after: readonly number[], value = 0): Tensor {
  const backend = deviceOf('pad', x);
  const d = before.length;
  const lead = x.ndim - d;
  if (lead < 0) throw new ShapeError(`pad: padding for ${d} dims given for a tensor of shape ${fmtShape(x.shape)}`);
  if (before.every((b) => b === 0) && after.every((a) => a === 0)) return x;
  const outShape = x.shape.map((s, i) => (i < lead ? s : s + before[i - lead]! + after[i - lead]!));
  if (outShape.some((s) => s < 0)) throw new ValueError(`pad: padding ${fmtShape([...before, ...after])} makes a negative size for input ${fmtShape(x.shape)}`);
  // Crop first where padding is negative, then place the rest inside a filled output.
  let src = x;
  for (let i = 0; i < d; i++) {
    const lo = Math.max(0, -before[i]!);
    const hi = Math.max(0, -after[i]!);
    if (lo > 0 || hi > 0) src = narrow(src, lead + i, lo, src.shape[lead + i]! - lo - hi);
  }
  const out = empty(backend, outShape, x.dtype);
  kernel('fill', backend)(out, value);
  const interior = (t: Tensor) => {
    let v = t;
    for (let i = 0; i < d; i++) v = narrow(v, lead + i, Math.max(0, before[i]!), src.shape[lead + i]!);
    return v;
  };
  const dst = noGrad(() => interior(out));
  kernel('copy', backend)(src, dst);
  dst.dispose();
  if (needsGrad(src)) record('pad', [src], [out], [], (g) => [interior(g)]);
  if (src !== x) src.dispose();
  return out;
}
