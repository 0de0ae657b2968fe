import { type Tensor, ValueError } from '@tensile/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/layers.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface GroupNormOptions extends FactoryOptions {
  eps?: number;
  /** Learn a per-channel scale (weight, ones) and shift (bias, zeros); default true. */
  affine?: boolean;
}

/** Normalizes each sample's channel groups ([N, C, *] input, C split into numGroups), then scales and shifts per channel. */
export class GroupNorm extends Module<[Tensor], Tensor> {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, options?: GroupNormOptions);
  constructor(options: GroupNormOptions & { numGroups: number; numChannels: number });
  constructor(...args: [number, number, GroupNormOptions?] | [GroupNormOptions & { numGroups: number; numChannels: number }]) {
    super();
    const o = layerArgs<GroupNormOptions & { numGroups: number; numChannels: number }>('GroupNorm', args, ['numGroups', 'numChannels'], ['eps', 'affine', ...FACTORY_KEYS]);
    this.numGroups = checkSize('GroupNorm', 'numGroups', o.numGroups);
    this.numChannels = checkSize('GroupNorm', 'numChannels', o.numChannels, true);
    if (this.numChannels % this.numGroups !== 0) throw new ValueError(`GroupNorm: num_channels must be divisible by num_groups (numChannels ${this.numChannels}, numGroups ${this.numGroups})`);
    this.eps = o.eps ?? 1e-5;
    this.affine = o.affine ?? true;
    this.registerParameter('weight', this.affine ? new Parameter(factoryFull([this.numChannels], 1, o)) : null);
    this.registerParameter('bias', this.affine ? new Parameter(factoryFull([this.numChannels], 0, o)) : null);
  }

  forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}

export interface RMSNormOptions extends FactoryOptions {
  /** Added to the mean square; default null: the machine epsilon of the input's dtype. */
  eps?: number | null;
  /** Learn a per-element scale (weight, ones); default true. */
  elementwiseAffine?: boolean;
}

/** PyTorch 2.4's RMSNorm: x / sqrt(mean(x², trailing normalizedShape dims) + eps) * weight. */
export class RMSNorm extends Module<[Tensor], Tensor> {
  readonly normalizedShape: readonly number[];
  readonly eps: number | null;
  readonly elementwiseAffine: boolean;
  declare weight: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options?: RMSNormOptions);
  constructor(options: RMSNormOptions & { normalizedShape: number | readonly number[] });
  constructor(...args: [number | readonly number[], RMSNormOptions?] | [RMSNormOptions & { normalizedShape: number | readonly number[] }]) {
    super();
    const o = layerArgs<RMSNormOptions & { normalizedShape: number | readonly number[] }>('RMSNorm', args, ['normalizedShape'], ['eps', 'elementwiseAffine', ...FACTORY_KEYS]);
    const shape = typeof o.normalizedShape === 'number' ? [o.normalizedShape] : Array.isArray(o.normalizedShape) ? [...o.normalizedShape] : [NaN];
    shape.forEach((s, i) => checkSize('RMSNorm', `normalizedShape[${i}]`, s, true));
    this.normalizedShape = shape;
    this.eps = o.eps ?? null;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    this.registerParameter('weight', this.elementwiseAffine ? new Parameter(factoryFull(shape, 1, o)) : null);
  }

  forward(x: Tensor): Tensor {
    return F.rmsNorm(x, this.normalizedShape, { weight: this.weight, eps: this.eps });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
