// Channel dropout (F.dropout1d, F.dropout2d): whole channels zeroed at once.
import { castTo, fmtShape, ge, mul, rand, ShapeError, type Tensor, tidy } from '@tensile/core';
import { checkDropoutP } from './layer-checks.js';
import type { DropoutOptions } from './layers.js';

/** PyTorch's feature dropout: one draw per (sample, channel) of x's first two dims, broadcast over the rest. */
function featureDropout(x: Tensor, p: number, training: boolean, options: DropoutOptions): Tensor {
  if (!training || p === 0) return x;
  if (p === 1) return mul(x, 0); // input * 0, as PyTorch: NaN stays NaN, no random numbers drawn
  return tidy(() => {
    const maskShape = [x.shape[0]!, x.shape[1]!, ...new Array<number>(x.ndim - 2).fill(1)];
    const u = rand(maskShape, { dtype: x.dtype === 'float64' ? 'float64' : 'float32', device: x.device, ...(options.generator ? { generator: options.generator } : {}) });
    return mul(x, mul(castTo(ge(u, p), u.dtype), 1 / (1 - p)));
  });
}

/**
 * Zeroes each channel of a (N, C, L) or unbatched (C, L) input with
 * probability p and scales the kept ones by 1 / (1 - p) while training; the
 * identity otherwise. Draws from options.generator or core's default one.
 */
export function dropout1d(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkDropoutP('dropout1d', p);
  if (x.ndim !== 2 && x.ndim !== 3)
    throw new ShapeError(
      `dropout1d: Expected 2D or 3D input, but received a ${x.ndim}D input of shape ${fmtShape(x.shape)}. dropout1d is channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension`,
    );
  if (x.ndim === 3) return featureDropout(x, p, training, options);
  return tidy(() => featureDropout(x.unsqueeze(0), p, training, options).squeeze(0));
}

/**
 * Zeroes each channel x[n, c] of a (N, C, H, W) input with probability p and
 * scales the kept ones by 1 / (1 - p) while training. As PyTorch 1.13 and 2.x,
 * a 3-d input is read as (N, C, L) (one draw per x[n, c]), not as an unbatched image.
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, options: DropoutOptions = {}): Tensor {
  checkDropoutP('dropout2d', p);
  if (x.ndim < 2) throw new ShapeError(`dropout2d: Feature dropout requires at least 2 dimensions in the input, got shape ${fmtShape(x.shape)}`);
  return featureDropout(x, p, training, options);
}
