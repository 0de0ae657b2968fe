import {
  checkOptions,
  padSpatial,
  deviceOf,
  foldWindows,
  fromHostArray,
  indexSelect,
  matmul,
  reshape,
  requireFloat,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  add,
  fmtShape,
  narrow,
  transpose,
  squeeze,
  unsqueeze,
} from '@tensile/core';
import { conv2dFused, type Conv2dKernelOptions } from './conv-fused.js';
import { im2col } from './im2col.js';
import { padIndices } from './padding.js';

/**
 * Convolutions as im2col + matmul: core's window ops gather every receptive
 * field with a cached index table, so the convolution and both of its
 * gradients (col2im is gather's backward, a scatterAdd) run on every backend.
 */

export type SizeArg = number | readonly number[];
export type PaddingArg = SizeArg | 'same' | 'valid';

export interface ConvOptions {
  stride?: SizeArg;
  padding?: PaddingArg;
  dilation?: SizeArg;
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: SizeArg;
  padding?: SizeArg;
  outputPadding?: SizeArg;
  dilation?: SizeArg;
  groups?: number;
}

/** Expands an int-or-list size argument to one value per spatial dim. */
export function tuple(op: string, name: string, v: SizeArg, d: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(d).fill(v) : v.slice();
  if (list.length !== d || list.some((x) => !Number.isInteger(x)))
    throw new ValueError(`${op}: ${name} must be an integer or a list of ${d} integers, got ${JSON.stringify(v)}`);
  return list;
}

/** Adds a batch dim to unbatched input; returns a function that removes it again. */
export function batchify(op: string, x: Tensor, d: number): [Tensor, (t: Tensor) => Tensor] {
  if (x.ndim === d + 2) return [x, (t) => t];
  if (x.ndim === d + 1) return [unsqueeze(x, 0), (t) => squeeze(t, 0)];
  throw new ShapeError(`${op}: Expected ${d + 1}D (unbatched) or ${d + 2}D (batched) input, but got input of size: ${fmtShape(x.shape)}`);
}

function convNd(op: string, d: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvOptions | undefined): Tensor {
  const o = checkOptions(op, options, ['stride', 'padding', 'dilation', 'groups']);
  deviceOf(op, input, weight, bias ?? null);
  requireFloat(op, input);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: non-positive groups is not supported`);
  const stride = tuple(op, 'stride', o.stride ?? 1, d);
  const dilation = tuple(op, 'dilation', o.dilation ?? 1, d);
  if (stride.some((s) => s <= 0)) throw new ValueError(`${op}: non-positive stride is not supported`);
  if (dilation.some((s) => s <= 0)) throw new ValueError(`${op}: non-positive dilation is not supported`);
  if (weight.ndim !== d + 2) throw new ShapeError(`${op}: weight must be ${d + 2}-D, got shape ${fmtShape(weight.shape)}`);
  const [x, unbatch] = batchify(op, input, d);
  const [N, C] = x.shape as [number, number];
  const [O, Cg] = weight.shape as [number, number];
  const kernel = weight.shape.slice(2);
  if (kernel.some((k) => k <= 0)) throw new ShapeError(`${op}: kernel size should be greater than zero, but got weight of size ${fmtShape(weight.shape)}`);
  if (Cg * groups !== C)
    throw new ShapeError(
      `${op}: Given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ${Cg * groups} channels, but got ${C} channels instead`,
    );
  if (O % groups !== 0) throw new ShapeError(`${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`);
  if (bias !== null && bias !== undefined && (bias.ndim !== 1 || bias.shape[0] !== O))
    throw new ShapeError(`${op}: Given weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  let before: number[];
  let after: number[];
  const padding = o.padding ?? 0;
  if (padding === 'valid') before = after = new Array<number>(d).fill(0);
  else if (padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, i) => t - before[i]!);
  } else if (typeof padding === 'string') throw new ValueError(`${op}: invalid padding string '${padding}', should be one of 'valid', 'same'`);
  else {
    before = tuple(op, 'padding', padding, d);
    after = before;
    if (before.some((p) => p < 0)) throw new ValueError(`${op}: negative padding is not supported`);
  }
  const spatial = x.shape.slice(2);
  const padded = spatial.map((s, i) => s + before[i]! + after[i]!);
  const span = kernel.map((k, i) => dilation[i]! * (k - 1) + 1);
  if (padded.some((p, i) => p < span[i]!))
    throw new ShapeError(
      `${op}: Calculated padded input size per channel: (${padded.join(' x ')}). Kernel size: (${span.join(' x ')}). Kernel size can't be greater than actual input size`,
    );
  const out = padded.map((p, i) => Math.floor((p - span[i]!) / stride[i]!) + 1);
  const K = kernel.reduce((a, b) => a * b, 1);
  const L = out.reduce((a, b) => a * b, 1);
  return tidy(() => {
    // A backend's fused conv2d kernel (conv1d as its H = 1 case) where it has one.
    const two = (v: number[], one: number): [number, number] => (d === 2 ? [v[0]!, v[1]!] : [one, v[0]!]);
    const fusedOptions: Conv2dKernelOptions = { stride: two(stride, 1), padding: two(before, 0), dilation: two(dilation, 1), groups };
    const fused = conv2dFused(d === 2 ? x : unsqueeze(x, 2), d === 2 ? weight : unsqueeze(weight, 2), fusedOptions, two(out, 1));
    if (fused !== null) {
      let y = d === 2 ? fused : squeeze(fused, 2);
      if (bias !== null && bias !== undefined) y = add(y, reshape(bias, [O, ...out.map(() => 1)]));
      return unbatch(y);
    }
    const { cols } = im2col(x, kernel, stride, dilation, before, after); // [N, C, K, L]
    const colsG = reshape(cols, [N, groups, Cg * K, L]);
    const w = reshape(weight, [groups, O / groups, Cg * K]);
    let y = reshape(matmul(w, colsG), [N, O, ...out]);
    if (bias !== null && bias !== undefined) y = add(y, reshape(bias, [O, ...out.map(() => 1)]));
    void N;
    return unbatch(y);
  });
}

/** 1-D convolution over (N, C, L) or unbatched (C, L) input (PyTorch's F.conv1d). */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return convNd('conv1d', 1, input, weight, bias, options);
}

/** 2-D convolution over (N, C, H, W) or unbatched (C, H, W) input (PyTorch's F.conv2d). */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return convNd('conv2d', 2, input, weight, bias, options);
}

function convTransposeNd(op: string, d: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvTransposeOptions | undefined): Tensor {
  const o = checkOptions(op, options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups']);
  deviceOf(op, input, weight, bias ?? null);
  requireFloat(op, input);
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: non-positive groups is not supported`);
  const stride = tuple(op, 'stride', o.stride ?? 1, d);
  const padding = tuple(op, 'padding', o.padding ?? 0, d);
  const outputPadding = tuple(op, 'outputPadding', o.outputPadding ?? 0, d);
  const dilation = tuple(op, 'dilation', o.dilation ?? 1, d);
  if (stride.some((s) => s <= 0)) throw new ValueError(`${op}: non-positive stride is not supported`);
  if (dilation.some((s) => s <= 0)) throw new ValueError(`${op}: non-positive dilation is not supported`);
  if (padding.some((p) => p < 0)) throw new ValueError(`${op}: negative padding is not supported`);
  if (outputPadding.some((p) => p < 0)) throw new ValueError(`${op}: negative output padding is not supported`);
  if (outputPadding.some((p, i) => p >= stride[i]! && p >= dilation[i]!))
    throw new ValueError(
      `${op}: output padding must be smaller than either stride or dilation, but got outputPadding ${fmtShape(outputPadding)}, stride ${fmtShape(stride)} and dilation ${fmtShape(dilation)}`,
    );
  if (weight.ndim !== d + 2) throw new ShapeError(`${op}: weight must be ${d + 2}-D, got shape ${fmtShape(weight.shape)}`);
  const [x, unbatch] = batchify(op, input, d);
  const [N, Cin, ...inSpatial] = x.shape as [number, number, ...number[]];
  const [Wc, Og] = weight.shape as [number, number];
  const kernel = weight.shape.slice(2);
  if (kernel.some((k) => k <= 0)) throw new ShapeError(`${op}: kernel size should be greater than zero, but got weight of size ${fmtShape(weight.shape)}`);
  if (Wc !== Cin)
    throw new ShapeError(`${op}: Given transposed=1, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x.shape)} to have ${Wc} channels, but got ${Cin} channels instead`);
  if (Cin % groups !== 0) throw new ValueError(`${op}: in_channels must be divisible by groups`);
  const Cout = Og * groups;
  if (bias !== null && bias !== undefined && (bias.ndim !== 1 || bias.shape[0] !== Cout))
    throw new ShapeError(`${op}: expected bias to be 1-dimensional with ${Cout} elements, but got bias of size ${fmtShape(bias.shape)} instead`);
  const full = inSpatial.map((s, i) => (s - 1) * stride[i]! + dilation[i]! * (kernel[i]! - 1) + 1 + outputPadding[i]!);
  const outSize = full.map((f, i) => f - 2 * padding[i]!);
  if (outSize.some((s) => s <= 0))
    throw new ShapeError(`${op}: Given input size per channel: (${inSpatial.join(' x ')}). Calculated output size per channel: (${outSize.join(' x ')}). Output size is too small`);
  const K = kernel.reduce((a, b) => a * b, 1);
  const L = inSpatial.reduce((a, b) => a * b, 1);
  return tidy(() => {
    const xg = reshape(x, [N, groups, Cin / groups, L]);
    const w = reshape(weight, [groups, Cin / groups, Og * K]);
    const cols = matmul(transpose(w, 1, 2), xg); // [N, groups, Og * K, L]
    const planeCols = reshape(cols, [N, Cout, K, L]);
    let y = foldWindows(planeCols, { plane: full, kernel, stride, dilation, out: inSpatial });
    for (let i = 0; i < d; i++) y = narrow(y, 2 + i, padding[i]!, outSize[i]!);
    if (bias !== null && bias !== undefined) y = add(y, reshape(bias, [Cout, ...kernel.map(() => 1)]));
    return unbatch(y);
  });
}

/** Transposed 1-D convolution (PyTorch's F.conv_transpose1d); weight is [Cin, Cout / groups, k]. */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTransposeOptions): Tensor {
  return convTransposeNd('convTranspose1d', 1, input, weight, bias, options);
}

/** Transposed 2-D convolution (PyTorch's F.conv_transpose2d); weight is [Cin, Cout / groups, kH, kW]. */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTransposeOptions): Tensor {
  return convTransposeNd('convTranspose2d', 2, input, weight, bias, options);
}

/**
 * The outputPadding that makes a transposed convolution's output spatial
 * size equal `outputSize` (PyTorch's ConvTranspose forward(input,
 * output_size)): the sizes are the trailing d spatial ones, optionally
 * preceded by the batch and channel dims; each must lie within [min, min +
 * stride - 1] where min is the size with no output padding.
 */
export function outputPaddingFor(
  op: string,
  d: number,
  input: Tensor,
  outputSize: readonly number[],
  o: { kernelSize: readonly number[]; stride: readonly number[]; padding: readonly number[]; dilation: readonly number[] },
): number[] {
  const nonSpatial = input.ndim === d + 2 ? 2 : 1;
  let sizes = [...outputSize];
  if (sizes.length === d + nonSpatial) sizes = sizes.slice(nonSpatial);
  if (sizes.length !== d || sizes.some((v) => !Number.isInteger(v)))
    throw new ValueError(`${op}: for ${input.ndim}D input, outputSize must have ${d} or ${d + nonSpatial} integers (got ${JSON.stringify(outputSize)})`);
  const spatial = input.shape.slice(input.ndim - d);
  const min = spatial.map((s, i) => (s - 1) * o.stride[i]! - 2 * o.padding[i]! + o.dilation[i]! * (o.kernelSize[i]! - 1) + 1);
  const max = min.map((m, i) => m + o.stride[i]! - 1);
  if (sizes.some((v, i) => v < min[i]! || v > max[i]!))
    throw new ValueError(`${op}: requested an output size of ${fmtShape(sizes)}, but valid sizes range from ${fmtShape(min)} to ${fmtShape(max)} (for an input of ${fmtShape(spatial)})`);
  return sizes.map((v, i) => v - min[i]!);
}

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * Pads the trailing `before.length` dims of x by reflection (without repeating
 * the edge), replication of the edge, or wrapping around (circular), as
 * PyTorch's F.pad modes; 'zeros' pads with zeros. Composed of indexSelect, so
 * the gradient (edge values collect the gradients of their copies) comes from
 * its backward on every backend.
 */
export function padWithMode(op: string, x: Tensor, before: readonly number[], after: readonly number[], mode: PaddingMode): Tensor {
  const d = before.length;
  const lead = x.ndim - d;
  if (lead < 0) throw new ShapeError(`${op}: padding for ${d} dims given for an input of shape ${fmtShape(x.shape)}`);
  if (mode === 'zeros') return padSpatial(x, before, after, 0);
  const tables: (Int32Array | null)[] = [];
  for (let i = 0; i < d; i++) {
    const s = x.shape[lead + i]!;
    const b = before[i]!;
    const a = after[i]!;
    if (b < 0 || a < 0) throw new ValueError(`${op}: negative padding is not supported with paddingMode '${mode}'`);
    if (b === 0 && a === 0) {
      tables.push(null);
      continue;
    }
    if (mode === 'reflect' && (b >= s || a >= s))
      throw new ShapeError(
        `${op}: reflect padding size should be less than the corresponding input dimension, but got padding (${b}, ${a}) at dimension ${lead + i} of input ${fmtShape(x.shape)}`,
      );
    if (mode === 'circular' && (b > s || a > s))
      throw new ShapeError(`${op}: circular padding (${b}, ${a}) at dimension ${lead + i} of input ${fmtShape(x.shape)} would wrap around more than once`);
    if (s === 0) throw new ShapeError(`${op}: cannot pad an empty dimension ${lead + i} of input ${fmtShape(x.shape)} with paddingMode '${mode}'`);
    tables.push(padIndices(mode, s, b, a));
  }
  return tidy(() => {
    let y = x;
    tables.forEach((t, i) => {
      if (t !== null) y = indexSelect(y, lead + i, fromHostArray(t, [t.length], 'int32', x.device));
    });
    return y;
  });
}
