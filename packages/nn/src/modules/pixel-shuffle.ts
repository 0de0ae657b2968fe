import type { Tensor } from '@tensile/core';
import { pixelShuffle, pixelUnshuffle } from '../functional/pixel-shuffle.js';
import { Module } from '../module.js';
import { numberOrOptions } from './args.js';

/** (*, C * r^2, H, W) -> (*, C, H * r, W * r) (PyTorch's nn.PixelShuffle): `new PixelShuffle(2)` or `new PixelShuffle({upscaleFactor: 2})`. */
export class PixelShuffle extends Module<[Tensor], Tensor> {
  readonly upscaleFactor: number;
  constructor(upscaleFactor: number | { upscaleFactor: number }) {
    super();
    this.upscaleFactor = numberOrOptions<{ upscaleFactor: number }>('PixelShuffle', upscaleFactor, 'upscaleFactor', ['upscaleFactor']).upscaleFactor;
  }
  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }
}

/** (*, C, H * r, W * r) -> (*, C * r^2, H, W) (PyTorch's nn.PixelUnshuffle). */
export class PixelUnshuffle extends Module<[Tensor], Tensor> {
  readonly downscaleFactor: number;
  constructor(downscaleFactor: number | { downscaleFactor: number }) {
    super();
    this.downscaleFactor = numberOrOptions<{ downscaleFactor: number }>('PixelUnshuffle', downscaleFactor, 'downscaleFactor', ['downscaleFactor']).downscaleFactor;
  }
  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }
}
