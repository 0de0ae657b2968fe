// Dropout1d and Dropout2d: whole channels zeroed, over F.dropout1d / F.dropout2d.
import type { Tensor } from '@tensile/core';
import { Module } from '../module.js';
import { dropout1d, dropout2d } from '../functional/channel-dropout.js';
import { applyInplace } from '../functional/layers.js';
import * as checks from '../functional/layer-checks.js';
import { numberOrOptions } from './args.js';
import type { DropoutOptions } from './dropout.js';

abstract class ChannelDropout extends Module<[Tensor], Tensor> {
  readonly p: number;
  readonly generator: DropoutOptions['generator'];
  readonly inplace: boolean;

  constructor(pOrOptions?: number | DropoutOptions) {
    super();
    const o = numberOrOptions<DropoutOptions>(new.target.name, pOrOptions, 'p', ['p', 'generator', 'inplace']);
    this.p = o.p ?? 0.5;
    checks.checkDropoutP(new.target.name, this.p);
    this.generator = o.generator;
    this.inplace = o.inplace ?? false;
  }

  protected abstract fn(x: Tensor, options: { generator?: DropoutOptions['generator'] }): Tensor;

  forward(x: Tensor): Tensor {
    const options = this.generator ? { generator: this.generator } : {};
    const writes = this.training && this.p > 0 && x.numel() > 0;
    return applyInplace(this.constructor.name, x, this.inplace && writes, (t) => this.fn(t, options));
  }

  override extraRepr(): string {
    return `p=${this.p}${this.inplace ? ', inplace=true' : ''}`;
  }
}

/** Zeroes whole channels of (N, C, L) or (C, L) inputs with probability p while training, scaling the rest by 1 / (1 - p). */
export class Dropout1d extends ChannelDropout {
  protected fn(x: Tensor, options: { generator?: DropoutOptions['generator'] }): Tensor {
    return dropout1d(x, this.p, this.training, options);
  }
}

/** Zeroes whole channels x[n, c] of (N, C, H, W) inputs with probability p while training, scaling the rest by 1 / (1 - p). */
export class Dropout2d extends ChannelDropout {
  protected fn(x: Tensor, options: { generator?: DropoutOptions['generator'] }): Tensor {
    return dropout2d(x, this.p, this.training, options);
  }
}
