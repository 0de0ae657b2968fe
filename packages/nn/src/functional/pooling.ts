import {
  argmax,
  checkOptions,
  div,
  expand,
  fromHostArray,
  gather,
  keep,
  matmul,
  noGrad,
  padSpatial,
  reshape,
  requireFloat,
  ShapeError,
  sum,
  type Tensor,
  tidy,
  transpose,
  unfoldWindows,
  ValueError,
  deviceOf,

  fmtShape,
} from '@tensile/core';
import { batchify, type SizeArg, tuple } from './conv.js';

/**
 * Pooling over sliding windows, composed from core's window gather: max
 * pooling takes the first maximum of each window (so ties give the whole
 * gradient to the first, as PyTorch), average pooling divides window sums by
 * per-window divisors computed on the host.
 */

export interface MaxPoolOptions {
  stride?: SizeArg | null;
  padding?: SizeArg;
  dilation?: SizeArg;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: SizeArg | null;
  padding?: SizeArg;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

interface Geometry {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  spatial: number[];
  out: number[];
  /** Padding after the input: `padding` plus room for ceil-mode windows. */
  after: number[];
}

function geometry(op: string, d: number, x: Tensor, kernelSize: SizeArg, o: { stride?: SizeArg | null; padding?: SizeArg; dilation?: SizeArg; ceilMode?: boolean }): Geometry {
  const kernel = tuple(op, 'kernelSize', kernelSize, d);
  const stride = o.stride === undefined || o.stride === null ? kernel : tuple(op, 'stride', o.stride, d);
  const padding = tuple(op, 'padding', o.padding ?? 0, d);
  const dilation = tuple(op, 'dilation', o.dilation ?? 1, d);
  if (kernel.some((k) => k <= 0) || stride.some((s) => s <= 0)) throw new ValueError(`${op}: kernel size and stride must be greater than zero`);
  padding.forEach((p, i) => {
    if (p < 0 || p > kernel[i]! / 2) throw new ValueError(`${op}: pad should be at most half of kernel size, but got pad=${p} and kernel_size=${kernel[i]}`);
  });
  const spatial = x.shape.slice(x.ndim - d);
  const out = spatial.map((s, i) => {
    const span = dilation[i]! * (kernel[i]! - 1) + 1;
    const num = s + 2 * padding[i]! - span;
    let n = (o.ceilMode ? Math.ceil(num / stride[i]!) : Math.floor(num / stride[i]!)) + 1;
    // A ceil-mode window must start inside the input or its left padding.
    if (o.ceilMode && (n - 1) * stride[i]! >= s + padding[i]!) n--;
    return n;
  });
  if (out.some((n) => n < 1)) {
    const C = x.shape[x.ndim - d - 1];
    throw new ShapeError(`${op}: Given input size: (${[C, ...spatial].join('x')}). Calculated output size: (${[C, ...out.map((n) => Math.max(n, 0))].join('x')}). Output size is too small`);
  }
  const after = spatial.map((s, i) => Math.max(padding[i]!, (out[i]! - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1 - s - padding[i]!));
  return { kernel, stride, padding, dilation, spatial, out, after };
}

const indexTables = new Map<string, Tensor>();

/** int32 [1, 1, K, L]: the flat input-plane position each window element reads (PyTorch's pooling indices). */
function positionTable(g: Geometry, device: string): Tensor {
  const key = `${device}|${g.spatial}|${g.kernel}|${g.stride}|${g.padding}|${g.dilation}|${g.out}`;
  const hit = indexTables.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const d = g.spatial.length;
  const K = g.kernel.reduce((a, b) => a * b, 1);
  const L = g.out.reduce((a, b) => a * b, 1);
  const table = new Int32Array(K * L);
  for (let k = 0; k < K; k++)
    for (let l = 0; l < L; l++) {
      let pos = 0;
      let kr = k;
      let lr = l;
      const coords: number[] = new Array(d);
      for (let i = d - 1; i >= 0; i--) {
        const ki = kr % g.kernel[i]!;
        kr = Math.floor(kr / g.kernel[i]!);
        const oi = lr % g.out[i]!;
        lr = Math.floor(lr / g.out[i]!);
        coords[i] = oi * g.stride[i]! - g.padding[i]! + ki * g.dilation[i]!;
      }
      for (let i = 0; i < d; i++) pos = pos * g.spatial[i]! + Math.min(Math.max(coords[i]!, 0), g.spatial[i]! - 1);
      table[k * L + l] = pos;
    }
  const t = keep(noGrad(() => fromHostArray(table, [1, 1, K, L], 'int32', device)));
  indexTables.set(key, t);
  return t;
}

function maxPoolNd(op: string, d: number, input: Tensor, kernelSize: SizeArg, options: MaxPoolOptions | undefined): Tensor | [Tensor, Tensor] {
  const o = checkOptions(op, options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  deviceOf(op, input);
  requireFloat(op, input);
  const [x, unbatch] = batchify(op, input, d);
  const g = geometry(op, d, x, kernelSize, o);
  const [N, C] = x.shape as [number, number];
  const K = g.kernel.reduce((a, b) => a * b, 1);
  const L = g.out.reduce((a, b) => a * b, 1);
  const result = tidy(() => {
    const xp = padSpatial(x, g.padding, g.after, -Infinity);
    const plane = g.spatial.map((s, i) => s + g.padding[i]! + g.after[i]!);
    const cols = unfoldWindows(xp, { plane, kernel: g.kernel, stride: g.stride, dilation: g.dilation, out: g.out });
    const best = argmax(cols, 2, true); // [N, C, 1, L]: first maximum in row-major window order
    const values = unbatch(reshape(gather(cols, 2, best), [N, C, ...g.out]));
    if (!o.returnIndices) return [values];
    const positions = expand(positionTable(g, x.device), [N, C, K, L]);
    const indices = unbatch(reshape(gather(positions, 2, best), [N, C, ...g.out]));
    return [values, indices];
  });
  return o.returnIndices ? [result[0]!, result[1]!] : result[0]!;
}

export function maxPool1d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: SizeArg, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool1d', 1, input, kernelSize, options);
}

/** Max pooling over (N, C, H, W) or (C, H, W); with returnIndices, also the flat h * W + w position of each maximum. */
export function maxPool2d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: SizeArg, options: MaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: SizeArg, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolNd('maxPool2d', 2, input, kernelSize, options);
}

const divisorTables = new Map<string, Tensor>();

function divisors(g: Geometry, countIncludePad: boolean, device: string, dtype: Tensor['dtype']): Tensor {
  const key = `${device}|${dtype}|${countIncludePad}|${g.spatial}|${g.kernel}|${g.stride}|${g.padding}|${g.out}`;
  const hit = divisorTables.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const d = g.spatial.length;
  const L = g.out.reduce((a, b) => a * b, 1);
  const host = dtype === 'float64' ? new Float64Array(L) : new Float32Array(L);
  for (let l = 0; l < L; l++) {
    let lr = l;
    let count = 1;
    for (let i = d - 1; i >= 0; i--) {
      const oi = lr % g.out[i]!;
      lr = Math.floor(lr / g.out[i]!);
      const start = oi * g.stride[i]! - g.padding[i]!;
      const end = start + g.kernel[i]!;
      // With padding counted, the window is clipped to the padded input; without, to the input itself.
      const lo = countIncludePad ? start : Math.max(start, 0);
      const hi = countIncludePad ? Math.min(end, g.spatial[i]! + g.padding[i]!) : Math.min(end, g.spatial[i]!);
      count *= Math.max(hi - lo, 0);
    }
    host[l] = count;
  }
  const t = keep(noGrad(() => fromHostArray(host, [L], dtype, device)));
  divisorTables.set(key, t);
  return t;
}

function avgPoolNd(op: string, d: number, input: Tensor, kernelSize: SizeArg, options: AvgPoolOptions | undefined): Tensor {
  const o = checkOptions(op, options, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
  deviceOf(op, input);
  requireFloat(op, input);
  if (o.divisorOverride !== undefined && o.divisorOverride !== null && (!Number.isInteger(o.divisorOverride) || o.divisorOverride === 0))
    throw new ValueError(`${op}: divisor must be not zero`);
  const [x, unbatch] = batchify(op, input, d);
  const g = geometry(op, d, x, kernelSize, o);
  const [N, C] = x.shape as [number, number];
  return tidy(() => {
    const xp = padSpatial(x, g.padding, g.after, 0);
    const plane = g.spatial.map((s, i) => s + g.padding[i]! + g.after[i]!);
    const cols = unfoldWindows(xp, { plane, kernel: g.kernel, stride: g.stride, dilation: g.kernel.map(() => 1), out: g.out });
    const sums = sum(cols, 2); // [N, C, L]
    const divisor = o.divisorOverride ? o.divisorOverride : divisors(g, o.countIncludePad ?? true, x.device, x.dtype);
    return unbatch(reshape(div(sums, divisor), [N, C, ...g.out]));
  });
}

export function avgPool1d(input: Tensor, kernelSize: SizeArg, options?: AvgPoolOptions): Tensor {
  return avgPoolNd('avgPool1d', 1, input, kernelSize, options);
}

/** Average pooling over (N, C, H, W) or (C, H, W) (PyTorch's F.avg_pool2d). */
export function avgPool2d(input: Tensor, kernelSize: SizeArg, options?: AvgPoolOptions): Tensor {
  return avgPoolNd('avgPool2d', 2, input, kernelSize, options);
}

const poolMatrices = new Map<string, Tensor>();

/** [out, size] averaging matrix: row i averages input[floor(i * size / out) : ceil((i + 1) * size / out)]. */
function adaptiveMatrix(size: number, out: number, device: string, dtype: Tensor['dtype']): Tensor {
  const key = `${device}|${dtype}|${size}|${out}`;
  const hit = poolMatrices.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const host = dtype === 'float64' ? new Float64Array(out * size) : new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    const start = Math.floor((i * size) / out);
    const end = Math.ceil(((i + 1) * size) / out);
    for (let j = start; j < end; j++) host[i * size + j] = 1 / (end - start);
  }
  const t = keep(noGrad(() => fromHostArray(host, [out, size], dtype, device)));
  poolMatrices.set(key, t);
  return t;
}

/** Adaptive average pooling to a fixed output size (null keeps that input size), as two small matmuls. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const op = 'adaptiveAvgPool2d';
  deviceOf(op, input);
  requireFloat(op, input);
  if (input.ndim !== 3 && input.ndim !== 4) throw new ShapeError(`${op}: adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${fmtShape(input.shape)}`);
  const sizes = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize.slice();
  if (sizes.length !== 2) throw new ValueError(`${op}: outputSize must be an integer or a list of 2 (integers or null), got ${JSON.stringify(outputSize)}`);
  const [H, W] = input.shape.slice(-2) as [number, number];
  const oh = sizes[0] ?? H;
  const ow = sizes[1] ?? W;
  if (!Number.isInteger(oh) || !Number.isInteger(ow) || oh <= 0 || ow <= 0) throw new ValueError(`${op}: output size must be positive, got ${JSON.stringify(outputSize)}`);
  const ph = adaptiveMatrix(H, oh, input.device, input.dtype);
  const pw = adaptiveMatrix(W, ow, input.device, input.dtype);
  return tidy(() => matmul(matmul(ph, input), transpose(pw, 0, 1)));
}

