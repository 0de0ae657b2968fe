import {
  declareComposite,
  foldWindows,
  fusedKernelCall,
  Generator,
  matmul,
  narrow,
  needsGrad,
  padSpatial,
  randn,
  record,
  reshape,
  sum,
  type Tensor,
  tidy,
  transpose,
  unfoldWindows,
  zeros,
  contiguous,
} from '@tensile/core';

/**
 * conv2d (conv1d is its H = 1 case) as three composites a backend may fuse:
 * `conv2d` (inputs x, weight; out y), `conv2dInputGrad` (inputs grad, weight;
 * out gx) and `conv2dWeightGrad` (inputs x, grad; out gw). Every tensor is
 * 4-D NCHW, contiguous, float32 or float64; the output's shape (which the
 * kernel receives as `out`) fixes the sizes the options do not. The composed
 * forms (im2col by core's window gather, then matmul; col2im by its
 * scatterAdd) are the reference and what runs without a fused kernel.
 */
export interface Conv2dKernelOptions {
  readonly stride: readonly [number, number];
  /** Zeros before the first row and column; the output size sets how far the windows reach. */
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

const span = (k: number, d: number) => d * (k - 1) + 1;

/** The padding after each spatial dim (negative crops) that makes exactly `out` windows. */
function after(inSize: readonly number[], kernel: readonly number[], out: readonly number[], o: Conv2dKernelOptions): number[] {
  return inSize.map((s, i) => (out[i]! - 1) * o.stride[i]! + span(kernel[i]!, o.dilation[i]!) - s - o.padding[i]!);
}

/** [N, C, K, L] columns of x for `out` windows. */
function columns(x: Tensor, kernel: readonly number[], out: readonly number[], o: Conv2dKernelOptions): Tensor {
  const spatial = x.shape.slice(2);
  const a = after(spatial, kernel, out, o);
  const plane = spatial.map((s, i) => s + o.padding[i]! + a[i]!);
  return unfoldWindows(padSpatial(x, o.padding, a, 0), { plane, kernel, stride: o.stride, dilation: o.dilation, out });
}

/** conv2d of 4-D x and weight from primitives, with `out` windows per spatial dim. */
export function conv2dComposed(x: Tensor, w: Tensor, o: Conv2dKernelOptions, out: readonly number[]): Tensor {
  return tidy(() => {
    const [N] = x.shape as [number];
    const [O, Cg, KH, KW] = w.shape as [number, number, number, number];
    const G = o.groups;
    const cols = reshape(columns(x, [KH, KW], out, o), [N, G, Cg * KH * KW, out[0]! * out[1]!]);
    return reshape(matmul(reshape(w, [G, O / G, Cg * KH * KW]), cols), [N, O, out[0]!, out[1]!]);
  });
}

/** The gradient of conv2d with respect to its input (of spatial size `inSize`), from grad, by primitives (differentiable). */
export function conv2dInputGradComposed(grad: Tensor, w: Tensor, o: Conv2dKernelOptions, inSize: readonly number[]): Tensor {
  return tidy(() => {
    const [N, O, OH, OW] = grad.shape as [number, number, number, number];
    const [, Cg, KH, KW] = w.shape as [number, number, number, number];
    const G = o.groups;
    const kernel = [KH, KW];
    const out = [OH, OW];
    const wT = transpose(reshape(w, [G, O / G, Cg * KH * KW]), 1, 2);
    const cols = reshape(matmul(wT, reshape(grad, [N, G, O / G, OH * OW])), [N, G * Cg, KH * KW, OH * OW]);
    const plane = inSize.map((s, i) => Math.max(s + o.padding[i]!, (out[i]! - 1) * o.stride[i]! + span(kernel[i]!, o.dilation[i]!)));
    let gx = foldWindows(cols, { plane, kernel, stride: o.stride, dilation: o.dilation, out });
    for (let i = 0; i < 2; i++) gx = narrow(gx, 2 + i, o.padding[i]!, inSize[i]!);
    return gx;
  });
}

/** The gradient of conv2d with respect to its weight (of kernel size `kernel`), from x and grad, by primitives (differentiable). */
export function conv2dWeightGradComposed(x: Tensor, grad: Tensor, o: Conv2dKernelOptions, kernel: readonly number[]): Tensor {
  return tidy(() => {
    const [N, C] = x.shape as [number, number];
    const [, O, OH, OW] = grad.shape as [number, number, number, number];
    const G = o.groups;
    const K = kernel[0]! * kernel[1]!;
    const cols = reshape(columns(x, kernel, [OH, OW], o), [N, G, (C / G) * K, OH * OW]);
    const gw = sum(matmul(reshape(grad, [N, G, O / G, OH * OW]), transpose(cols, 2, 3)), 0);
    return reshape(gw, [O, C / G, kernel[0]!, kernel[1]!]);
  });
}

const fusable = (...ts: Tensor[]) => ts.every((t) => (t.dtype === 'float32' || t.dtype === 'float64') && t.dtype === ts[0]!.dtype);

/**
 * The input gradient: the backend's fused kernel where no graph of it is
 * needed (neither grad nor weight requiring grad), else the composed formula.
 */
export function conv2dInputGrad(grad: Tensor, w: Tensor, o: Conv2dKernelOptions, inSize: readonly number[]): Tensor {
  const k = fusable(grad, w) && !needsGrad(grad, w) ? fusedKernelCall('conv2dInputGrad', grad.storage.backend) : undefined;
  if (k === undefined) return conv2dInputGradComposed(grad, w, o, inSize);
  return tidy(() => {
    const out = zeros([grad.shape[0]!, w.shape[1]! * o.groups, inSize[0]!, inSize[1]!], { device: grad.device, dtype: grad.dtype });
    k([contiguous(grad), contiguous(w)], o as unknown as Readonly<Record<string, unknown>>, out);
    return out;
  });
}

/** The weight gradient: fused where no graph of it is needed, else composed. */
export function conv2dWeightGrad(x: Tensor, grad: Tensor, o: Conv2dKernelOptions, kernel: readonly number[]): Tensor {
  const k = fusable(x, grad) && !needsGrad(x, grad) ? fusedKernelCall('conv2dWeightGrad', x.storage.backend) : undefined;
  if (k === undefined) return conv2dWeightGradComposed(x, grad, o, kernel);
  return tidy(() => {
    const out = zeros([grad.shape[1]!, x.shape[1]! / o.groups, kernel[0]!, kernel[1]!], { device: x.device, dtype: x.dtype });
    k([contiguous(x), contiguous(grad)], o as unknown as Readonly<Record<string, unknown>>, out);
    return out;
  });
}

/**
 * conv2d of 4-D x and w by the backend's fused kernel, or null when it has
 * none (or the dtypes do not suit one). Its gradients are conv2dInputGrad and
 * conv2dWeightGrad, which fall back to the differentiable formulas where a
 * graph of the gradient is needed, so double backward keeps working.
 */
export function conv2dFused(x: Tensor, w: Tensor, o: Conv2dKernelOptions, out: readonly number[]): Tensor | null {
  if (!fusable(x, w)) return null;
  const k = fusedKernelCall('conv2d', x.storage.backend);
  if (k === undefined) return null;
  const y = tidy(() => {
    const r = zeros([x.shape[0]!, w.shape[0]!, out[0]!, out[1]!], { device: x.device, dtype: x.dtype });
    k([contiguous(x), contiguous(w)], o as unknown as Readonly<Record<string, unknown>>, r);
    return r;
  });
  if (needsGrad(x, w)) {
    const inSize = x.shape.slice(2);
    const kernel = w.shape.slice(2);
    record('conv2d', [x, w], [y], [x, w], (g, s, needs) => [
      needs[0] ? conv2dInputGrad(g, s[1]!, o, inSize) : null,
      needs[1] ? conv2dWeightGrad(s[0]!, g, o, kernel) : null,
    ]);
  }
  return y;
}

// ---- the declarations and their fused-vs-composed checks ----

interface ConvVariant {
  readonly shape: readonly [number, number, number, number]; // N, C, H, W
  readonly weight: readonly [number, number, number]; // O, KH, KW
  readonly dtype?: 'float32' | 'float64';
}

const INPUT_KEYS = ['shape', 'weight', 'dtype'];
const VARIANTS: readonly (ConvVariant & Conv2dKernelOptions)[] = [
  { shape: [2, 3, 7, 9], weight: [4, 3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 },
  { shape: [3, 4, 11, 6], weight: [6, 3, 2], stride: [2, 1], padding: [0, 2], dilation: [1, 2], groups: 2 },
  { shape: [1, 6, 5, 13], weight: [9, 1, 3], stride: [1, 3], padding: [2, 1], dilation: [2, 1], groups: 3 },
  { shape: [2, 5, 1, 40], weight: [7, 1, 4], stride: [1, 2], padding: [0, 3], dilation: [1, 3], groups: 1 }, // conv1d's shape
  { shape: [2, 16, 12, 12], weight: [13, 3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 },
  { shape: [2, 3, 7, 9], weight: [4, 3, 3], stride: [2, 2], padding: [1, 0], dilation: [1, 1], groups: 1, dtype: 'float64' },
  { shape: [2, 4, 6, 5], weight: [4, 2, 3], stride: [1, 2], padding: [1, 1], dilation: [2, 1], groups: 4, dtype: 'float64' },
];

function outSize(v: ConvVariant & Conv2dKernelOptions): [number, number] {
  const [, , H, W] = v.shape;
  const [, KH, KW] = v.weight;
  return [
    Math.floor((H + 2 * v.padding[0] - span(KH, v.dilation[0])) / v.stride[0]) + 1,
    Math.floor((W + 2 * v.padding[1] - span(KW, v.dilation[1])) / v.stride[1]) + 1,
  ];
}

const normal = (device: string, seed: number, shape: readonly number[], dtype: 'float32' | 'float64') =>
  randn([...shape], { device, dtype, generator: new Generator(seed) });
const variantOf = (v: Readonly<Record<string, unknown>>) => v as unknown as ConvVariant & Conv2dKernelOptions;
const xOf = (device: string, seed: number, v: ConvVariant & Conv2dKernelOptions) => normal(device, seed, v.shape, v.dtype ?? 'float32');
const wOf = (device: string, seed: number, v: ConvVariant & Conv2dKernelOptions) =>
  normal(device, seed, [v.weight[0], v.shape[1] / v.groups, v.weight[1], v.weight[2]], v.dtype ?? 'float32');
const gyOf = (device: string, seed: number, v: ConvVariant & Conv2dKernelOptions) =>
  normal(device, seed, [v.shape[0], v.weight[0], ...outSize(v)], v.dtype ?? 'float32');

const SPEC = { group: 'nn', dtype: 'float-only', arity: 2, differentiable: true } as const;

declareComposite(
  'conv2d',
  {
    ...SPEC,
    doc: 'conv2d of contiguous NCHW (x, weight) into out [N, O, OH, OW]: stride, zero padding before, dilation, groups; no bias (im2col + matmul composed)',
  },
  {
    inputs: (device, seed, v) => [xOf(device, seed, variantOf(v)), wOf(device, seed + 1, variantOf(v))],
    variants: VARIANTS as unknown as readonly Readonly<Record<string, unknown>>[],
    inputKeys: INPUT_KEYS,
    composed: (ins, v) => conv2dComposed(ins[0]!, ins[1]!, variantOf(v), outSize(variantOf(v))),
  },
);

declareComposite(
  'conv2dInputGrad',
  { ...SPEC, doc: "conv2d's gradient with respect to its input, from (grad, weight), into out [N, C, H, W] (matmul + col2im composed)" },
  {
    inputs: (device, seed, v) => [gyOf(device, seed, variantOf(v)), wOf(device, seed + 1, variantOf(v))],
    variants: VARIANTS as unknown as readonly Readonly<Record<string, unknown>>[],
    inputKeys: INPUT_KEYS,
    composed: (ins, v) => conv2dInputGradComposed(ins[0]!, ins[1]!, variantOf(v), variantOf(v).shape.slice(2)),
  },
);

declareComposite(
  'conv2dWeightGrad',
  {
    ...SPEC,
    doc: "conv2d's gradient with respect to its weight, from (x, grad), into out [O, C / groups, KH, KW] (im2col + matmul composed)",
  },
  {
    inputs: (device, seed, v) => [xOf(device, seed, variantOf(v)), gyOf(device, seed + 1, variantOf(v))],
    variants: VARIANTS as unknown as readonly Readonly<Record<string, unknown>>[],
    inputKeys: INPUT_KEYS,
    composed: (ins, v) => conv2dWeightGradComposed(ins[0]!, ins[1]!, variantOf(v), variantOf(v).weight.slice(1)),
  },
);
