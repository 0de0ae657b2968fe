import type { Tensor } from '@tensile/core';
import { interpolateAs, type InterpolateOptions } from '../functional/interpolate.js';
import { Module } from '../module.js';
import { layerArgs } from './args.js';

/**
 * Upsamples (N, C, ...) input (PyTorch's nn.Upsample): F.interpolate with
 * a fixed size or scaleFactor, mode ('nearest' default, 'linear',
 * 'bilinear'), alignCorners and recomputeScaleFactor.
 *
 * ```ts
 * const up = new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' });
 * ```
 */
export class Upsample extends Module<[Tensor], Tensor> {
  readonly options: InterpolateOptions;
  constructor(options: InterpolateOptions = {}) {
    super();
    this.options = layerArgs<InterpolateOptions>('Upsample', [options], [], ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
  }
  forward(x: Tensor): Tensor {
    return interpolateAs('Upsample', x, this.options);
  }
}
