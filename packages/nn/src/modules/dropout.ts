import type { Generator, Tensor } from '@tensile/core';
import { Module } from '../module.js';
import * as F from '../functional/layers.js';
import * as checks from '../functional/layer-checks.js';
import { numberOrOptions } from './args.js';

export interface DropoutOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** The random stream (default: core's default generator, seeded by manualSeed). */
  generator?: Generator;
  /** Zero the input itself (PyTorch's inplace=True); refused on a leaf that requires grad when it would write. */
  inplace?: boolean;
}

/**
 * In training, zeroes each element with probability p and scales the others
 * by 1 / (1 - p); in eval mode, the identity. `new Dropout(0.2)` or
 * `new Dropout({p: 0.2, generator})`.
 */
export class Dropout extends Module<[Tensor], Tensor> {
  readonly p: number;
  readonly generator: Generator | undefined;
  readonly inplace: boolean;

  constructor(pOrOptions?: number | DropoutOptions) {
    super();
    const o = numberOrOptions<DropoutOptions>('Dropout', pOrOptions, 'p', ['p', 'generator', 'inplace']);
    this.p = o.p ?? 0.5;
    checks.checkDropoutP('Dropout', this.p);
    this.generator = o.generator;
    this.inplace = o.inplace ?? false;
  }

  forward(x: Tensor): Tensor {
    const options = this.generator ? { generator: this.generator } : {};
    // As PyTorch: the identity (p = 0, eval mode, empty input) writes nothing, so it is allowed on any tensor.
    const writes = this.training && this.p > 0 && x.numel() > 0;
    return F.applyInplace('Dropout', x, this.inplace && writes, (t) => F.dropout(t, this.p, this.training, options));
  }

  override extraRepr(): string {
    return `p=${this.p}${this.inplace ? ', inplace=true' : ''}`;
  }
}
