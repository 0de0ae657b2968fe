// torch.nn.init: fill a tensor in place (without recording gradients) from a
// distribution scaled by PyTorch's fan and gain rules.
import { checkOptions, type Generator, isFloat, DTypeError, noGrad, rand, randn, type Tensor, tidy, ValueError } from '@tensile/core';

export interface RandomInitOptions {
  /** The random stream (default: core's default generator, seeded by manualSeed). */
  generator?: Generator;
}

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const LINEAR_LIKE = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];

/**
 * The recommended gain for a nonlinearity (PyTorch's calculate_gain, same
 * names): 1 for linear, convolutions and sigmoid, 5/3 for tanh, sqrt(2) for
 * relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  if (LINEAR_LIKE.includes(nonlinearity)) return 1;
  if (nonlinearity === 'tanh') return 5 / 3;
  if (nonlinearity === 'relu') return Math.SQRT2;
  if (nonlinearity === 'selu') return 3 / 4;
  if (nonlinearity === 'leaky_relu') {
    const slope = param === undefined || param === null ? 0.01 : param;
    if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ValueError(`calculateGain: negative_slope ${String(param)} is not a valid number`);
    return Math.sqrt(2 / (1 + slope * slope));
  }
  throw new ValueError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}; valid ones are ${[...LINEAR_LIKE, 'tanh', 'relu', 'leaky_relu', 'selu'].join(', ')}`);
}

/**
 * fan_in = size(1) * receptive field, fan_out = size(0) * receptive field,
 * where the receptive field is the product of the dims after the first two.
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ValueError(`init: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape [${t.shape.join(', ')}])`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1]! * receptive, fanOut: t.shape[0]! * receptive };
}

/** Writes values produced from a fresh random tensor of t's shape into t, outside autograd. */
function fillWith(op: string, t: Tensor, make: () => Tensor): Tensor {
  t._live(op);
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected a floating point tensor, got ${t.dtype}`);
  noGrad(() => tidy(() => void t.copy_(make())));
  return t;
}

function randomOpts(t: Tensor, options: RandomInitOptions) {
  return { dtype: t.dtype, device: t.device, ...(options.generator ? { generator: options.generator } : {}) };
}

/** Fills t with values drawn from U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, options?: RandomInitOptions): Tensor {
  const o = checkOptions('uniform_', options, ['generator']);
  if (!(a <= b)) throw new ValueError(`uniform_: expects a <= b, got a=${a}, b=${b}`);
  return fillWith('uniform_', t, () => rand(t.shape, randomOpts(t, o)).mul(b - a).add(a));
}

/** Fills t with values drawn from N(mean, std^2). */
export function normal_(t: Tensor, mean = 0, std = 1, options?: RandomInitOptions): Tensor {
  const o = checkOptions('normal_', options, ['generator']);
  if (!(std >= 0)) throw new ValueError(`normal_: expects std >= 0.0, got ${std}`);
  return fillWith('normal_', t, () => randn(t.shape, randomOpts(t, o)).mul(std).add(mean));
}

/** Fills t with val. */
export function constant_(t: Tensor, val: number): Tensor {
  t._live('constant_');
  noGrad(() => t.fill_(val));
  return t;
}

export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

export interface XavierOptions extends RandomInitOptions {
  gain?: number;
}

function xavierStd(op: string, t: Tensor, gain: number): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  if (fanIn + fanOut === 0) throw new ValueError(`${op}: fan_in + fan_out is 0 for a tensor of shape [${t.shape.join(', ')}]`);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

function xavierArgs(op: string, gainOrOptions: number | XavierOptions | undefined): XavierOptions {
  return typeof gainOrOptions === 'number' ? { gain: gainOrOptions } : checkOptions(op, gainOrOptions, ['gain', 'generator']);
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). The gain may be given as a number. */
export function xavierUniform_(t: Tensor, gainOrOptions?: number | XavierOptions): Tensor {
  const o = xavierArgs('xavierUniform_', gainOrOptions);
  const a = Math.sqrt(3) * xavierStd('xavierUniform_', t, o.gain ?? 1);
  return uniform_(t, -a, a, o.generator ? { generator: o.generator } : undefined);
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gainOrOptions?: number | XavierOptions): Tensor {
  const o = xavierArgs('xavierNormal_', gainOrOptions);
  return normal_(t, 0, xavierStd('xavierNormal_', t, o.gain ?? 1), o.generator ? { generator: o.generator } : undefined);
}

export interface KaimingOptions extends RandomInitOptions {
  /** The negative slope of the rectifier after this layer (leaky_relu only); default 0. */
  a?: number;
  /** 'fan_in' (default) keeps the forward pass's variance, 'fan_out' the backward's. */
  mode?: 'fan_in' | 'fan_out';
  /** Default 'leaky_relu' (with a = 0, the same as relu). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, t: Tensor, o: KaimingOptions): number {
  const mode = o.mode ?? 'fan_in';
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(`${op}: mode ${JSON.stringify(mode)} not supported, please use one of fan_in, fan_out`);
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  if (fan === 0) throw new ValueError(`${op}: ${mode} is 0 for a tensor of shape [${t.shape.join(', ')}]`);
  return calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0) / Math.sqrt(fan);
}

const KAIMING_KEYS = ['a', 'mode', 'nonlinearity', 'generator'];

/** He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan). */
export function kaimingUniform_(t: Tensor, options?: KaimingOptions): Tensor {
  const o = checkOptions('kaimingUniform_', options, KAIMING_KEYS);
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, o);
  return uniform_(t, -bound, bound, o.generator ? { generator: o.generator } : undefined);
}

/** He normal: N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, options?: KaimingOptions): Tensor {
  const o = checkOptions('kaimingNormal_', options, KAIMING_KEYS);
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd('kaimingNormal_', t, o), o.generator ? { generator: o.generator } : undefined);
}
