import { deviceOf, fmtShape, permute, reshape, ShapeError, type Tensor, tidy, ValueError } from '@tensile/core';

/**
 * PyTorch's F.pixel_shuffle and F.pixel_unshuffle: a reshape, a permute and
 * a reshape (views and one copy), so they run on every backend, for every
 * dtype, and their gradient is the inverse rearrangement.
 */

function factorOf(op: string, name: string, r: unknown): number {
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) throw new ValueError(`${op} expects a positive ${name}, but got ${String(r)}`);
  return r;
}

function atLeast3d(op: string, x: Tensor): void {
  if (x.ndim < 3) throw new ShapeError(`${op} expects input to have at least 3 dimensions, but got input with ${x.ndim} dimension(s) (shape ${fmtShape(x.shape)})`);
}

/** (*, C * r^2, H, W) -> (*, C, H * r, W * r) (PyTorch's F.pixel_shuffle). */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const op = 'pixelShuffle';
  deviceOf(op, input);
  atLeast3d(op, input);
  const r = factorOf(op, 'upscaleFactor', upscaleFactor);
  const lead = input.shape.slice(0, -3);
  const [C, H, W] = input.shape.slice(-3) as [number, number, number];
  if (C % (r * r) !== 0)
    throw new ShapeError(`${op} expects its input's 'channel' dimension to be divisible by the square of upscaleFactor, but input.size(-3)=${C} is not divisible by ${r * r} (input shape ${fmtShape(input.shape)})`);
  const c = C / (r * r);
  const n = lead.length;
  return tidy(() => {
    const v = reshape(input, [...lead, c, r, r, H, W]);
    const p = permute(v, [...lead.map((_, i) => i), n, n + 3, n + 1, n + 4, n + 2]);
    return reshape(p.contiguous(), [...lead, c, H * r, W * r]);
  });
}

/** (*, C, H * r, W * r) -> (*, C * r^2, H, W), the inverse of pixelShuffle (PyTorch's F.pixel_unshuffle). */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const op = 'pixelUnshuffle';
  deviceOf(op, input);
  atLeast3d(op, input);
  const r = factorOf(op, 'downscaleFactor', downscaleFactor);
  const lead = input.shape.slice(0, -3);
  const [C, H, W] = input.shape.slice(-3) as [number, number, number];
  if (H % r !== 0) throw new ShapeError(`${op} expects height to be divisible by downscaleFactor, but input.size(-2)=${H} is not divisible by ${r} (input shape ${fmtShape(input.shape)})`);
  if (W % r !== 0) throw new ShapeError(`${op} expects width to be divisible by downscaleFactor, but input.size(-1)=${W} is not divisible by ${r} (input shape ${fmtShape(input.shape)})`);
  const n = lead.length;
  return tidy(() => {
    const v = reshape(input, [...lead, C, H / r, r, W / r, r]);
    const p = permute(v, [...lead.map((_, i) => i), n, n + 2, n + 4, n + 1, n + 3]);
    return reshape(p.contiguous(), [...lead, C * r * r, H / r, W / r]);
  });
}
