// Internal to the functional layers (not part of F): the convolutions and F.unfold share it.
import { padSpatial, type Tensor, tidy, unfoldWindows } from '@tensile/core';

/**
 * im2col: every window of a padded [N, C, ...spatial] input as columns
 * (core's window gather), the one path the convolutions and F.unfold share.
 */
export interface Im2col {
  /** `[N, C, K, L]`: K = prod(kernel) offsets of each of the L = prod(out) windows. */
  cols: Tensor;
  out: number[];
}

/** The windows of x ([N, C, ...spatial]) after padding each spatial dim by before / after zeros. */
export function im2col(x: Tensor, kernel: readonly number[], stride: readonly number[], dilation: readonly number[], before: readonly number[], after: readonly number[]): Im2col {
  const spatial = x.shape.slice(2);
  const plane = spatial.map((s, i) => s + before[i]! + after[i]!);
  const out = plane.map((p, i) => Math.floor((p - (dilation[i]! * (kernel[i]! - 1) + 1)) / stride[i]!) + 1);
  const cols = tidy(() => unfoldWindows(padSpatial(x, before, after, 0), { plane, kernel, stride, dilation, out }));
  return { cols, out };
}
