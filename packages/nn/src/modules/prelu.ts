// PReLU: LeakyReLU with a learnable slope, one or one per channel.
import { checkOptions, type Tensor, ValueError } from '@tensile/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { prelu } from '../functional/activations.js';
import { FACTORY_KEYS, type FactoryOptions, factoryFull } from './args.js';

export interface PReLUOptions extends FactoryOptions {
  /** How many slopes: 1 (default), or the input's channel count (dim 1). */
  numParameters?: number;
  /** The slopes' initial value (default 0.25). */
  init?: number;
}

/** x where x > 0, weight * x elsewhere; weight is a Parameter of shape [numParameters]. */
export class PReLU extends Module<[Tensor], Tensor> {
  readonly numParameters: number;
  weight: Parameter;

  constructor(options?: PReLUOptions) {
    super();
    const o = checkOptions('PReLU', options, ['numParameters', 'init', ...FACTORY_KEYS]);
    const n = o.numParameters ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`PReLU: numParameters must be a positive integer, got ${String(n)}`);
    this.numParameters = n;
    this.weight = new Parameter(factoryFull([n], o.init ?? 0.25, o));
  }

  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `numParameters=${this.numParameters}`;
  }
}
