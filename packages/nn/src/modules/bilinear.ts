import type { Tensor } from '@tensile/core';
import { bilinear } from '../functional/bilinear.js';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { biasParameter, checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface BilinearOptions extends FactoryOptions {
  bias?: boolean;
}

interface BilinearArgs extends BilinearOptions {
  in1Features: number;
  in2Features: number;
  outFeatures: number;
}

// The math is F.bilinear; also exported here, where it was first (nn.bilinear).
export { bilinear };

export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options?: BilinearOptions);
  constructor(options: BilinearArgs);
  constructor(...args: [number, number, number, BilinearOptions?] | [BilinearArgs]) {
    super();
    const o = layerArgs<BilinearArgs>('Bilinear', args, ['in1Features', 'in2Features', 'outFeatures'], ['bias', ...FACTORY_KEYS]);
    this.in1Features = checkSize('Bilinear', 'in1Features', o.in1Features);
    this.in2Features = checkSize('Bilinear', 'in2Features', o.in2Features);
    this.outFeatures = checkSize('Bilinear', 'outFeatures', o.outFeatures);
    this.weight = new Parameter(factoryFull([this.outFeatures, this.in1Features, this.in2Features], 0, o));
    this.bias = biasParameter(this, o.bias ?? true, this.outFeatures, o);
    const bound = 1 / Math.sqrt(this.in1Features);
    uniform_(this.weight, -bound, bound);
    if (this.bias !== null) uniform_(this.bias, -bound, bound);
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }
}
