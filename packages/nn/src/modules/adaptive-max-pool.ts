import type { Tensor } from '@tensile/core';
import { adaptiveMaxPool1d, adaptiveMaxPool2d } from '../functional/adaptive-max-pool.js';
import { Module } from '../module.js';
import { layerArgs } from './args.js';

type OutputSize = number | readonly (number | null)[];
type Args<S> = [S, { returnIndices?: boolean }?] | [{ outputSize: S; returnIndices?: boolean }];

/** Max pooling over (N, C, L) or (C, L) to a fixed output length (PyTorch's nn.AdaptiveMaxPool1d); with returnIndices, forward returns [values, indices]. */
export class AdaptiveMaxPool1d extends Module<[Tensor], Tensor | [Tensor, Tensor]> {
  readonly outputSize: number | readonly number[];
  readonly returnIndices: boolean;
  constructor(...args: Args<number | readonly number[]>) {
    super();
    const o = layerArgs<{ outputSize: number | readonly number[]; returnIndices?: boolean }>('AdaptiveMaxPool1d', args, ['outputSize'], ['returnIndices']);
    this.outputSize = o.outputSize;
    this.returnIndices = o.returnIndices ?? false;
  }
  forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.returnIndices } as never);
  }
}

/** Max pooling over (N, C, H, W) or (C, H, W) to a fixed output size, null keeping that input size (PyTorch's nn.AdaptiveMaxPool2d). */
export class AdaptiveMaxPool2d extends Module<[Tensor], Tensor | [Tensor, Tensor]> {
  readonly outputSize: OutputSize;
  readonly returnIndices: boolean;
  constructor(...args: Args<OutputSize>) {
    super();
    const o = layerArgs<{ outputSize: OutputSize; returnIndices?: boolean }>('AdaptiveMaxPool2d', args, ['outputSize'], ['returnIndices']);
    this.outputSize = o.outputSize;
    this.returnIndices = o.returnIndices ?? false;
  }
  forward(x: Tensor): Tensor | [Tensor, Tensor] {
    return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices } as never);
  }
}
