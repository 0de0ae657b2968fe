import { type Generator, type Tensor } from '@tensile/core';
import { Module } from '../module.js';
import * as F from '../functional/layers.js';
import * as checks from '../functional/layer-checks.js';
import { numberOrOptions } from './args.js';

export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** The random stream (default: core's default generator, seeded by manualSeed). */
  generator?: Generator;
}

/**
 * In training, zeroes each element with probability p and scales the others
 * by 1 / (1 - p); in eval mode, the identity. `new Dropout(0.2)` or
 * `new Dropout({p: 0.2, generator})`.
 */
export class Dropout extends Module<[Tensor], Tensor> {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(pOrOptions?: number | DropoutOptions) {
    super();
    const o = numberOrOptions<DropoutOptions>('Dropout', pOrOptions, 'p', ['p', 'generator']);
    this.p = o.p ?? 0.5;
    checks.checkDropoutP('Dropout', this.p);
    this.generator = o.generator;
  }

  forward(x: Tensor): Tensor {
    return F.dropout(x, this.p, this.training, this.generator ? { generator: this.generator } : {});
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
