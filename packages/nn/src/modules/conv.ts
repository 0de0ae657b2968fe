import type { Tensor } from '@tensile/core';
import { ValueError } from '@tensile/core';
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
  /** Only 'zeros' padding is supported. */
  paddingMode?: 'zeros';
}

interface ConvArgs extends ConvOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: F.SizeArg;
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode', ...FACTORY_KEYS];

/** Weight [out, in / groups, ...kernel] (transposed: [in, out / groups, ...kernel]) with PyTorch's initialisation. */
abstract class ConvNd extends Module<[Tensor], Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly groups: number;
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
    if ((o.paddingMode ?? 'zeros') !== 'zeros') throw new ValueError(`${op}: only paddingMode 'zeros' is supported, got '${o.paddingMode}'`);
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
  constructor(op: string, d: 1 | 2, args: ConvCtorArgs) {
    const o = convArgs(op, args);
    super(op, d, false, o);
    this.options = { stride: o.stride ?? 1, padding: o.padding ?? 0, dilation: o.dilation ?? 1, groups: o.groups ?? 1 };
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
    return F.conv1d(x, this.weight, this.bias, this.options);
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
    return F.conv2d(x, this.weight, this.bias, this.options);
  }
}

export interface ConvTransposeOptions extends FactoryOptions {
  stride?: F.SizeArg;
  padding?: F.SizeArg;
  outputPadding?: F.SizeArg;
  dilation?: F.SizeArg;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros';
}

/** Transposed 2-D convolution (PyTorch's nn.ConvTranspose2d); weight is [in, out / groups, kH, kW]. */
export class ConvTranspose2d extends ConvNd {
  readonly options: F.ConvTransposeOptions;
  constructor(inChannels: number, outChannels: number, kernelSize: F.SizeArg, options?: ConvTransposeOptions);
  constructor(options: ConvTransposeOptions & { inChannels: number; outChannels: number; kernelSize: F.SizeArg });
  constructor(...args: [number, number, F.SizeArg, ConvTransposeOptions?] | [ConvTransposeOptions & { inChannels: number; outChannels: number; kernelSize: F.SizeArg }]) {
    const o = layerArgs<ConvTransposeOptions & { inChannels: number; outChannels: number; kernelSize: F.SizeArg }>('ConvTranspose2d', args, ['inChannels', 'outChannels', 'kernelSize'], [
      'stride',
      'padding',
      'outputPadding',
      'dilation',
      'groups',
      'bias',
      'paddingMode',
      ...FACTORY_KEYS,
    ]);
    super('ConvTranspose2d', 2, true, o as ConvArgs);
    this.options = { stride: o.stride ?? 1, padding: o.padding ?? 0, outputPadding: o.outputPadding ?? 0, dilation: o.dilation ?? 1, groups: o.groups ?? 1 };
  }
  forward(x: Tensor): Tensor {
    return F.convTranspose2d(x, this.weight, this.bias, this.options);
  }
}
