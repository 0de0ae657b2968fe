import {
  argmax,
  checkOptions,
  div,
  eq,
  expand,
  fromHostArray,
  gather,
  IndexError,
  indexSelect,
  keep,
  narrow,
  noGrad,
  padSpatial,
  reshape,
  requireFloat,
  ShapeError,
  sum,
  type Tensor,
  tidy,
  unfoldWindows,
  ValueError,
  deviceOf,
  where,
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
  if (dilation.some((v) => v <= 0)) throw new ValueError(`${op}: dilation must be greater than zero, got ${fmtShape(dilation)}`);
  // As PyTorch: only the batch dim of a batched input may be empty.
  const lead = x.ndim - d - 1;
  if (x.shape.some((s, i) => i >= lead && s === 0))
    throw new ShapeError(`${op}: Expected ${d + 1}D or ${d + 2}D (batch mode) tensor with optional 0 dim batch size for input, but got ${fmtShape(x.shape)}`);
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

const firstValidTables = new Map<string, Tensor>();

/**
 * int32 [1, 1, 1, L]: the window offset k of each window's first element
 * inside the input (not in its padding), where PyTorch's max pool starts.
 */
function firstValidTable(g: Geometry, device: string): Tensor {
  const key = `${device}|${g.spatial}|${g.kernel}|${g.stride}|${g.padding}|${g.dilation}|${g.out}`;
  const hit = firstValidTables.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const d = g.spatial.length;
  const L = g.out.reduce((a, b) => a * b, 1);
  const table = new Int32Array(L);
  for (let l = 0; l < L; l++) {
    let k = 0;
    let lr = l;
    const offsets: number[] = new Array(d);
    for (let i = d - 1; i >= 0; i--) {
      const oi = lr % g.out[i]!;
      lr = Math.floor(lr / g.out[i]!);
      // The first kernel offset along dim i that lands inside the input.
      const start = oi * g.stride[i]! - g.padding[i]!;
      offsets[i] = start >= 0 ? 0 : Math.ceil(-start / g.dilation[i]!);
    }
    for (let i = 0; i < d; i++) k = k * g.kernel[i]! + Math.min(offsets[i]!, g.kernel[i]! - 1);
    table[l] = k;
  }
  const t = keep(noGrad(() => fromHostArray(table, [1, 1, 1, L], 'int32', device)));
  firstValidTables.set(key, t);
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
    const first = argmax(cols, 2, true); // [N, C, 1, L]: first maximum in row-major window order
    // A window whose maximum is -inf ties with its padding: PyTorch picks its first element inside the input.
    const padded = g.padding.some((p) => p > 0) || g.after.some((a, i) => a > g.padding[i]!);
    const best = padded ? where(eq(gather(cols, 2, first), -Infinity), firstValidTable(g, x.device), first) : first;
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
  // As PyTorch, whose avg_pool2d reads dim -3 first.
  if (input.ndim < d + 1) throw new IndexError(`${op}: Dimension out of range: expected a ${d + 1}D (unbatched) or ${d + 2}D (batched) input, got input of size ${fmtShape(input.shape)}`);
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

interface AdaptiveAxis {
  index: Tensor;
  /** [out, K] (bool) where a window is shorter than the longest, else null. */
  mask: Tensor | null;
  counts: Tensor;
  k: number;
}

const adaptiveTables = new Map<string, AdaptiveAxis>();

/**
 * Window tables of one adaptive pooling dim: window i covers
 * [floor(i * size / out), ceil((i + 1) * size / out)), padded to the longest
 * window K with repeats of its last element that the mask drops.
 */
function adaptiveAxis(size: number, out: number, device: string, dtype: Tensor['dtype']): AdaptiveAxis {
  const key = `${device}|${dtype}|${size}|${out}`;
  const hit = adaptiveTables.get(key);
  if (hit !== undefined && !hit.index.isDisposed) return hit;
  const starts = Array.from({ length: out }, (_, i) => Math.floor((i * size) / out));
  const ends = Array.from({ length: out }, (_, i) => Math.ceil(((i + 1) * size) / out));
  const k = Math.max(1, ...starts.map((s, i) => ends[i]! - s));
  const index = new Int32Array(out * k);
  const mask = new Uint8Array(out * k);
  const counts = dtype === 'float64' ? new Float64Array(out) : new Float32Array(out);
  let ragged = false;
  for (let i = 0; i < out; i++) {
    const n = ends[i]! - starts[i]!;
    counts[i] = n;
    if (n < k) ragged = true;
    for (let j = 0; j < k; j++) {
      index[i * k + j] = starts[i]! + Math.min(j, n - 1);
      mask[i * k + j] = j < n ? 1 : 0;
    }
  }
  const t = noGrad(() => ({
    index: keep(fromHostArray(index, [out * k], 'int32', device)),
    mask: ragged ? keep(fromHostArray(mask, [out, k], 'bool', device)) : null,
    counts: keep(fromHostArray(counts, [out], dtype, device)),
    k,
  }));
  adaptiveTables.set(key, t);
  return t;
}

/** The mean of each adaptive window along `dim` (the input's size there -> out). */
function adaptiveMean(x: Tensor, dim: number, out: number): Tensor {
  const size = x.shape[dim]!;
  if (size === out) return x;
  const a = adaptiveAxis(size, out, x.device, x.dtype);
  const rest = x.shape.slice(dim + 1);
  const ones = rest.map(() => 1);
  let g = reshape(indexSelect(x, dim, a.index), [...x.shape.slice(0, dim), out, a.k, ...rest]);
  // where, not a multiply: a dropped repeat of an inf or NaN must not leak into its neighbour.
  if (a.mask !== null) g = where(reshape(a.mask, [out, a.k, ...ones]), g, 0);
  return div(sum(g, dim + 1), reshape(a.counts, [out, ...ones]));
}

function adaptiveAvgPoolNd(op: string, d: number, input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  deviceOf(op, input);
  requireFloat(op, input);
  if (input.ndim !== d + 1 && input.ndim !== d + 2)
    throw new ShapeError(`${op}: Expected ${d + 1}D or ${d + 2}D tensor, but got input of size ${fmtShape(input.shape)}`);
  const sizes = typeof outputSize === 'number' ? new Array<number>(d).fill(outputSize) : outputSize.slice();
  if (sizes.length !== d) throw new ValueError(`${op}: outputSize must be an integer or a list of ${d} (integers or null), got ${JSON.stringify(outputSize)}`);
  const spatial = input.shape.slice(input.ndim - d);
  const out = sizes.map((v, i) => (v === null ? spatial[i]! : v));
  if (out.some((v) => !Number.isInteger(v) || v < 0)) throw new ValueError(`${op}: elements of outputSize must be greater than or equal to 0, got ${JSON.stringify(outputSize)}`);
  // As PyTorch: every dim after the first must be non-empty (the batch dim of a batched input, the channel dim of an unbatched 2-d one).
  input.shape.forEach((s, i) => {
    if (i >= 1 && s === 0)
      throw new ShapeError(`${op}: Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(input.shape)} with dimension ${i} being empty`);
  });
  return tidy(() => {
    const lead = input.ndim - d;
    if (out.some((v) => v === 0)) {
      // An empty output, still attached to the input's graph.
      let y = input;
      out.forEach((v, i) => {
        if (v === 0) y = narrow(y, lead + i, 0, 0);
      });
      return reshape(y, [...input.shape.slice(0, lead), ...out]);
    }
    let y = input;
    for (let i = 0; i < d; i++) y = adaptiveMean(y, lead + i, out[i]!);
    return y === input ? y.contiguous() : y;
  });
}

/** Adaptive average pooling over (N, C, L) or (C, L) to a fixed output length (PyTorch's F.adaptive_avg_pool1d). */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[]): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool1d', 1, input, outputSize);
}

/**
 * Adaptive average pooling to a fixed output size (null keeps that input
 * size): one window gather per spatial dim, so an inf or NaN reaches only the
 * windows that hold it.
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  return adaptiveAvgPoolNd('adaptiveAvgPool2d', 2, input, outputSize);
}
