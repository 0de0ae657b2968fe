import { type Tensor, tidy, ValueError } from '@tensile/core';
import * as F from '../functional/conv.js';
import { kaimingUniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { biasParameter, checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, initBias, layerArgs } from './args.js';

export interface ConvOptions extends FactoryOptions {
  stride?: F.SizeArg;
  padding?: F.PaddingArg;
  dilation?: F.SizeArg;
  groups?: number;
  bias?: boolean;
  /** How the input is padded: 'zeros' (default), 'reflect', 'replicate' or 'circular'. */
  paddingMode?: F.PaddingMode;
}

interface ConvArgs extends ConvOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: F.SizeArg;
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', ...FACTORY_KEYS];

/** Weight [out, in / groups, ...kernel] (transposed: [in, out / groups, ...kernel]) with PyTorch's initialisation. */
abstract class ConvNd<A extends unknown[] = [Tensor]> extends Module<A, Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly groups: number;
  readonly paddingMode: F.PaddingMode;
  weight: Parameter;
  bias: Parameter | null;

  constructor(op: string, d: number, transposed: boolean, o: ConvArgs) {
    super();
    this.inChannels = checkSize(op, 'inChannels', o.inChannels);
    this.outChannels = checkSize(op, 'outChannels', o.outChannels);
    this.groups = checkSize(op, 'groups', o.groups ?? 1);
    this.kernelSize = F.tuple(op, 'kernelSize', o.kernelSize, d);
    if (this.inChannels % this.groups !== 0) throw new ValueError(`${op}: in_channels must be divisible by groups`);
    if (this.outChannels % this.groups !== 0) throw new ValueError(`${op}: out_channels must be divisible by groups`);
    const mode = o.paddingMode ?? 'zeros';
    if (!F.PADDING_MODES.includes(mode)) throw new ValueError(`${op}: paddingMode must be one of ${F.PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
    if (transposed && mode !== 'zeros') throw new ValueError(`${op}: only "zeros" paddingMode is supported for ${op}`);
    this.paddingMode = mode;
    if (typeof o.padding === 'string' && o.padding !== 'same' && o.padding !== 'valid')
      throw new ValueError(`${op}: invalid padding string '${o.padding}', should be one of 'valid', 'same'`);
    if (o.padding === 'same' && F.tuple(op, 'stride', o.stride ?? 1, d).some((s) => s !== 1))
      throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
    const shape = transposed
      ? [this.inChannels, this.outChannels / this.groups, ...this.kernelSize]
      : [this.outChannels, this.inChannels / this.groups, ...this.kernelSize];
    this.weight = new Parameter(factoryFull(shape, 0, o));
    this.bias = biasParameter(this, o.bias ?? true, this.outChannels, o);
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    initBias(this.bias, this.weight.shape[1]! * this.kernelSize.reduce((a, b) => a * b, 1));
  }
}

type ConvCtorArgs = [number, number, F.SizeArg, ConvOptions?] | [ConvArgs];

function convArgs(op: string, args: ConvCtorArgs): ConvArgs {
  return layerArgs<ConvArgs>(op, args, ['inChannels', 'outChannels', 'kernelSize'], CONV_KEYS);
}

/** Conv1d and Conv2d: the functional options from the constructor's, and a forward through the matching F.conv. */
abstract class ConvForward extends ConvNd {
  readonly options: F.ConvOptions;
  /** With a paddingMode other than 'zeros': the padding before and after each spatial dim, applied before a 'valid' convolution. */
  private readonly modePadding: { before: number[]; after: number[] } | null;
  private readonly d: number;
  constructor(op: string, d: 1 | 2, args: ConvCtorArgs) {
    const o = convArgs(op, args);
    super(op, d, false, o);
    this.d = d;
    this.options = { stride: o.stride ?? 1, padding: o.padding ?? 0, dilation: o.dilation ?? 1, groups: o.groups ?? 1 };
    this.modePadding = null;
    if (this.paddingMode !== 'zeros') {
      const padding = o.padding ?? 0;
      let before: number[];
      let after: number[];
      if (padding === 'valid') before = after = new Array<number>(d).fill(0);
      else if (padding === 'same') {
        const dilation = F.tuple(op, 'dilation', o.dilation ?? 1, d);
        const total = this.kernelSize.map((k, i) => dilation[i]! * (k - 1));
        before = total.map((t) => Math.floor(t / 2));
        after = total.map((t, i) => t - before[i]!);
      } else before = after = F.tuple(op, 'padding', padding, d);
      this.modePadding = { before, after };
      this.options = { ...this.options, padding: 0 };
    }
  }

  protected conv(x: Tensor, f: (x: Tensor, w: Tensor, b: Tensor | null, o: F.ConvOptions) => Tensor): Tensor {
    if (this.modePadding === null) return f(x, this.weight, this.bias, this.options);
    const { before, after } = this.modePadding;
    const op = this.constructor.name;
    // The functional form checks the rank, but the padding runs first: check it here too.
    if (x.ndim !== this.d + 1 && x.ndim !== this.d + 2) F.batchify(op, x, this.d);
    return tidy(() => f(F.padWithMode(op, x, before, after, this.paddingMode), this.weight, this.bias, this.options));
  }
}

/** 1-D convolution over (N, C, L) (PyTorch's nn.Conv1d). */
export class Conv1d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: F.SizeArg, options?: ConvOptions);
  constructor(options: ConvArgs);
  constructor(...args: ConvCtorArgs) {
    super('Conv1d', 1, args);
  }
  forward(x: Tensor): Tensor {
    return this.conv(x, F.conv1d);
  }
}

/** 2-D convolution over (N, C, H, W) (PyTorch's nn.Conv2d). */
export class Conv2d extends ConvForward {
  constructor(inChannels: number, outChannels: number, kernelSize: F.SizeArg, options?: ConvOptions);
  constructor(options: ConvArgs);
  constructor(...args: ConvCtorArgs) {
    super('Conv2d', 2, args);
  }
  forward(x: Tensor): Tensor {
    return this.conv(x, F.conv2d);
  }
}

export interface ConvTransposeOptions extends FactoryOptions {
  stride?: F.SizeArg;
  padding?: F.SizeArg;
  outputPadding?: F.SizeArg;
  dilation?: F.SizeArg;
  groups?: number;
  bias?: boolean;
  /** Only 'zeros', as PyTorch. */
  paddingMode?: 'zeros';
}

type ConvTransposeArgs = ConvTransposeOptions & { inChannels: number; outChannels: number; kernelSize: F.SizeArg };
type ConvTransposeCtorArgs = [number, number, F.SizeArg, ConvTransposeOptions?] | [ConvTransposeArgs];

/** ConvTranspose1d and ConvTranspose2d: weight [in, out / groups, ...kernel]; forward(x, outputSize?) as PyTorch's. */
abstract class ConvTransposeNd extends ConvNd<[Tensor, (readonly number[] | null)?]> {
  readonly options: F.ConvTransposeOptions;
  private readonly d: number;
  constructor(op: string, d: 1 | 2, args: ConvTransposeCtorArgs) {
    const o = layerArgs<ConvTransposeArgs>(op, args, ['inChannels', 'outChannels', 'kernelSize'], [
      'stride',
      'padding',
      'outputPadding',
      'dilation',
      'groups',
      'bias',
      'paddingMode',
      ...FACTORY_KEYS,
    ]);
    super(op, d, true, o as ConvArgs);
    this.d = d;
    this.options = { stride: o.stride ?? 1, padding: o.padding ?? 0, outputPadding: o.outputPadding ?? 0, dilation: o.dilation ?? 1, groups: o.groups ?? 1 };
  }

  protected abstract fn(x: Tensor, w: Tensor, b: Tensor | null, o: F.ConvTransposeOptions): Tensor;

  /** With outputSize (the spatial sizes, optionally after the batch and channel dims), the outputPadding that gives that size. */
  forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    if (outputSize === undefined || outputSize === null) return this.fn(x, this.weight, this.bias, this.options);
    const op = this.constructor.name;
    const d = this.d;
    F.batchify(op, x, d);
    const outputPadding = F.outputPaddingFor(op, d, x, outputSize, {
      kernelSize: this.kernelSize,
      stride: F.tuple(op, 'stride', this.options.stride ?? 1, d),
      padding: F.tuple(op, 'padding', this.options.padding ?? 0, d),
      dilation: F.tuple(op, 'dilation', this.options.dilation ?? 1, d),
    });
    return this.fn(x, this.weight, this.bias, { ...this.options, outputPadding });
  }
}

/** Transposed 1-D convolution (PyTorch's nn.ConvTranspose1d); weight is [in, out / groups, k]. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: F.SizeArg, options?: ConvTransposeOptions);
  constructor(options: ConvTransposeArgs);
  constructor(...args: ConvTransposeCtorArgs) {
    super('ConvTranspose1d', 1, args);
  }
  protected fn(x: Tensor, w: Tensor, b: Tensor | null, o: F.ConvTransposeOptions): Tensor {
    return F.convTranspose1d(x, w, b, o);
  }
}

/** Transposed 2-D convolution (PyTorch's nn.ConvTranspose2d); weight is [in, out / groups, kH, kW]. */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: F.SizeArg, options?: ConvTransposeOptions);
  constructor(options: ConvTransposeArgs);
  constructor(...args: ConvTransposeCtorArgs) {
    super('ConvTranspose2d', 2, args);
  }
  protected fn(x: Tensor, w: Tensor, b: Tensor | null, o: F.ConvTransposeOptions): Tensor {
    return F.convTranspose2d(x, w, b, o);
  }
}
