import { DTypeError, linear, type Tensor } from '@tensile/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { kaimingUniform_ } from '../init.js';
import { biasParameter, checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, initBias, layerArgs } from './args.js';

/** Returns its input unchanged (a placeholder, as PyTorch's nn.Identity). */
export class Identity extends Module<[Tensor], Tensor> {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x W^T + b, with W of shape [outFeatures, inFeatures]. Initialized as
 * PyTorch does: W ~ U(-1/sqrt(inFeatures), 1/sqrt(inFeatures)) (kaiming
 * uniform with a = sqrt(5)), and b from the same range.
 */
export class Linear extends Module<[Tensor], Tensor> {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions);
  constructor(options: LinearOptions & { inFeatures: number; outFeatures: number });
  constructor(...args: [number, number, LinearOptions?] | [LinearOptions & { inFeatures: number; outFeatures: number }]) {
    super();
    const o = layerArgs<LinearOptions & { inFeatures: number; outFeatures: number }>('Linear', args, ['inFeatures', 'outFeatures'], ['bias', ...FACTORY_KEYS]);
    const inFeatures = (this.inFeatures = checkSize('Linear', 'inFeatures', o.inFeatures, true));
    const outFeatures = (this.outFeatures = checkSize('Linear', 'outFeatures', o.outFeatures, true));
    this.weight = new Parameter(factoryFull([outFeatures, inFeatures], 0, o));
    this.bias = biasParameter(this, o.bias ?? true, outFeatures, o);
    this.resetParameters();
  }

  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    initBias(this.bias, this.inFeatures);
  }

  forward(x: Tensor): Tensor {
    if (x.dtype !== this.weight.dtype) throw new DTypeError(`Linear: input and weight must have the same dtype, got ${x.dtype} and ${this.weight.dtype}`);
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
