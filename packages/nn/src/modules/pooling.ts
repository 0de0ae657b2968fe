import type { Tensor } from '@tensile/core';
import type { SizeArg } from '../functional/conv.js';
import * as P from '../functional/pooling.js';
import { Module } from '../module.js';
import { layerArgs } from './args.js';

type PoolArgs<O> = [SizeArg, O?] | [O & { kernelSize: SizeArg }];

const MAX_KEYS = ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'];
const AVG_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'];

abstract class MaxPoolNd extends Module<[Tensor], Tensor | [Tensor, Tensor]> {
  readonly kernelSize: SizeArg;
  readonly options: P.MaxPoolOptions;
  constructor(op: string, args: PoolArgs<P.MaxPoolOptions>) {
    super();
    const o = layerArgs<P.MaxPoolOptions & { kernelSize: SizeArg }>(op, args, ['kernelSize'], MAX_KEYS);
    const { kernelSize, ...rest } = o;
    this.kernelSize = kernelSize;
    this.options = rest;
  }
}

/** Max pooling over (N, C, L) (PyTorch's nn.MaxPool1d); with returnIndices, forward returns [values, indices]. */
export class MaxPool1d extends MaxPoolNd {
  constructor(...args: PoolArgs<P.MaxPoolOptions>) {
    super('MaxPool1d', args);
  }
  forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return P.maxPool1d(x, this.kernelSize, this.options as never);
  }
}

/** Max pooling over (N, C, H, W) (PyTorch's nn.MaxPool2d); with returnIndices, forward returns [values, indices]. */
export class MaxPool2d extends MaxPoolNd {
  constructor(...args: PoolArgs<P.MaxPoolOptions>) {
    super('MaxPool2d', args);
  }
  forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return P.maxPool2d(x, this.kernelSize, this.options as never);
  }
}

/** Average pooling over (N, C, L) or (C, L) (PyTorch's nn.AvgPool1d, which has no divisorOverride). */
export class AvgPool1d extends Module<[Tensor], Tensor> {
  readonly kernelSize: SizeArg;
  readonly options: P.AvgPoolOptions;
  constructor(...args: PoolArgs<Omit<P.AvgPoolOptions, 'divisorOverride'>>) {
    super();
    const o = layerArgs<P.AvgPoolOptions & { kernelSize: SizeArg }>('AvgPool1d', args, ['kernelSize'], AVG_KEYS.filter((k) => k !== 'divisorOverride'));
    const { kernelSize, ...rest } = o;
    this.kernelSize = kernelSize;
    this.options = rest;
  }
  forward(x: Tensor): Tensor {
    return P.avgPool1d(x, this.kernelSize, this.options);
  }
}

/** Average pooling over (N, C, H, W) (PyTorch's nn.AvgPool2d). */
export class AvgPool2d extends Module<[Tensor], Tensor> {
  readonly kernelSize: SizeArg;
  readonly options: P.AvgPoolOptions;
  constructor(...args: PoolArgs<P.AvgPoolOptions>) {
    super();
    const o = layerArgs<P.AvgPoolOptions & { kernelSize: SizeArg }>('AvgPool2d', args, ['kernelSize'], AVG_KEYS);
    const { kernelSize, ...rest } = o;
    this.kernelSize = kernelSize;
    this.options = rest;
  }
  forward(x: Tensor): Tensor {
    return P.avgPool2d(x, this.kernelSize, this.options);
  }
}

type OutputSize = number | readonly (number | null)[];

/** Average pooling to a fixed output size (PyTorch's nn.AdaptiveAvgPool2d). */
export class AdaptiveAvgPool2d extends Module<[Tensor], Tensor> {
  readonly outputSize: OutputSize;
  constructor(outputSize: OutputSize);
  constructor(options: { outputSize: OutputSize });
  constructor(arg: OutputSize | { outputSize: OutputSize }) {
    super();
    this.outputSize = layerArgs<{ outputSize: OutputSize }>('AdaptiveAvgPool2d', [arg], ['outputSize'], []).outputSize;
  }
  forward(x: Tensor): Tensor {
    return P.adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** Average pooling to a fixed output length (PyTorch's nn.AdaptiveAvgPool1d). */
export class AdaptiveAvgPool1d extends Module<[Tensor], Tensor> {
  readonly outputSize: number | readonly number[];
  constructor(outputSize: number | readonly number[]);
  constructor(options: { outputSize: number | readonly number[] });
  constructor(arg: number | readonly number[] | { outputSize: number | readonly number[] }) {
    super();
    this.outputSize = layerArgs<{ outputSize: number | readonly number[] }>('AdaptiveAvgPool1d', [arg], ['outputSize'], []).outputSize;
  }
  forward(x: Tensor): Tensor {
    return P.adaptiveAvgPool1d(x, this.outputSize);
  }
}
