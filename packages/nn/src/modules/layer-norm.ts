import type { Tensor } from '@tensile/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/layers.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface LayerNormOptions extends FactoryOptions {
  eps?: number;
  /** Learn a per-element scale (weight, ones) and shift (bias, zeros); default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether to learn the shift too; default true. */
  bias?: boolean;
}

/** Normalizes each sample over its trailing normalizedShape dims, then scales and shifts elementwise. */
export class LayerNorm extends Module<[Tensor], Tensor> {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions);
  constructor(options: LayerNormOptions & { normalizedShape: number | readonly number[] });
  constructor(...args: [number | readonly number[], LayerNormOptions?] | [LayerNormOptions & { normalizedShape: number | readonly number[] }]) {
    super();
    const o = layerArgs<LayerNormOptions & { normalizedShape: number | readonly number[] }>('LayerNorm', args, ['normalizedShape'], ['eps', 'elementwiseAffine', 'bias', ...FACTORY_KEYS]);
    const shape = typeof o.normalizedShape === 'number' ? [o.normalizedShape] : Array.isArray(o.normalizedShape) ? [...o.normalizedShape] : [NaN];
    shape.forEach((s, i) => checkSize('LayerNorm', `normalizedShape[${i}]`, s, true));
    this.normalizedShape = shape;
    this.eps = o.eps ?? 1e-5;
    this.elementwiseAffine = o.elementwiseAffine ?? true;
    this.registerParameter('weight', this.elementwiseAffine ? new Parameter(factoryFull(shape, 1, o)) : null);
    this.registerParameter('bias', this.elementwiseAffine && (o.bias ?? true) ? new Parameter(factoryFull(shape, 0, o)) : null);
  }

  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
