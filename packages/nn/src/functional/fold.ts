import { checkOptions, deviceOf, DTypeError, fmtShape, IndexError, foldWindows, narrow, reshape, ShapeError, type Tensor, tidy, ValueError } from '@tensile/core';
import { type SizeArg, tuple } from './conv.js';
import { im2col } from './im2col.js';

/**
 * F.unfold and F.fold: the convolutions' im2col (conv.ts) exposed, and its
 * adjoint col2im (a scatterAdd of the columns back into the padded plane,
 * then the padding cut off).
 */

export interface FoldOptions {
  dilation?: SizeArg;
  padding?: SizeArg;
  stride?: SizeArg;
}

interface FoldGeometry {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

function foldGeometry(op: string, kernelSize: SizeArg, options: FoldOptions | undefined): FoldGeometry {
  const o = checkOptions(op, options, ['dilation', 'padding', 'stride']);
  const kernel = tuple(op, 'kernelSize', kernelSize, 2);
  const dilation = tuple(op, 'dilation', o.dilation ?? 1, 2);
  const padding = tuple(op, 'padding', o.padding ?? 0, 2);
  const stride = tuple(op, 'stride', o.stride ?? 1, 2);
  if (kernel.some((k) => k <= 0)) throw new ValueError(`${op}: kernel size should be greater than zero, but got kernelSize ${fmtShape(kernel)}`);
  if (dilation.some((k) => k <= 0)) throw new ValueError(`${op}: dilation should be greater than zero, but got dilation ${fmtShape(dilation)}`);
  if (padding.some((k) => k < 0)) throw new ValueError(`${op}: padding should be non-negative, but got padding ${fmtShape(padding)}`);
  if (stride.some((k) => k <= 0)) throw new ValueError(`${op}: stride should be greater than zero, but got stride ${fmtShape(stride)}`);
  return { kernel, dilation, padding, stride };
}

function requireFloatInput(op: string, x: Tensor): void {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new DTypeError(`${op}: expected a floating point input, got ${x.dtype} (shape ${fmtShape(x.shape)})`);
}

/**
 * Extracts sliding local blocks (PyTorch's F.unfold, im2col): (N, C, H, W)
 * or unbatched (C, H, W) -> (N, C * kH * kW, L), L the number of blocks;
 * channel c's kernel offset k is row c * kH * kW + k.
 *
 * ```ts
 * const cols = F.unfold(x, 3, { padding: 1 }); // [N, C * 9, H * W]
 * ```
 */
export function unfold(input: Tensor, kernelSize: SizeArg, options?: FoldOptions): Tensor {
  const op = 'unfold';
  deviceOf(op, input);
  const g = foldGeometry(op, kernelSize, options);
  if (input.ndim < 3) throw new IndexError(`${op}: Dimension out of range: expected a 3D (unbatched) or 4D (batched) input, got input of size ${fmtShape(input.shape)}`);
  if ((input.ndim !== 3 && input.ndim !== 4) || input.shape.slice(input.ndim - 3).some((s) => s === 0))
    throw new ShapeError(`${op}: Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${fmtShape(input.shape)}`);
  requireFloatInput(op, input);
  const batched = input.ndim === 4;
  const spatial = input.shape.slice(-2);
  const blocks = spatial.map((s, i) => Math.floor((s + 2 * g.padding[i]! - (g.dilation[i]! * (g.kernel[i]! - 1) + 1)) / g.stride[i]!) + 1);
  if (blocks.some((b) => b < 1))
    throw new ShapeError(
      `${op}: Given input with spatial size (${spatial.join(', ')}), kernelSize=(${g.kernel.join(', ')}), dilation=(${g.dilation.join(', ')}), padding=(${g.padding.join(', ')}), calculated shape of the array of sliding blocks as (${blocks.join(', ')}), but its components must be at least one.`,
    );
  return tidy(() => {
    const x = batched ? input : reshape(input, [1, ...input.shape]);
    const [N, C] = x.shape as [number, number];
    const { cols, out } = im2col(x, g.kernel, g.stride, g.dilation, g.padding, g.padding);
    const L = out[0]! * out[1]!;
    const K = g.kernel[0]! * g.kernel[1]!;
    return reshape(cols, batched ? [N, C * K, L] : [C * K, L]);
  });
}

/**
 * Combines sliding local blocks into a tensor (PyTorch's F.fold, col2im),
 * summing where blocks overlap: (N, C * kH * kW, L) or unbatched
 * (C * kH * kW, L) -> (N, C, outputSize[0], outputSize[1]).
 *
 * ```ts
 * const y = F.fold(F.unfold(x, 2), [H, W], 2); // x times each position's block count
 * ```
 */
export function fold(input: Tensor, outputSize: SizeArg, kernelSize: SizeArg, options?: FoldOptions): Tensor {
  const op = 'fold';
  deviceOf(op, input);
  const size = tuple(op, 'outputSize', outputSize, 2);
  const g = foldGeometry(op, kernelSize, options);
  if ((input.ndim !== 2 && input.ndim !== 3) || input.shape.slice(input.ndim - 2).some((s) => s === 0))
    throw new ShapeError(`${op}: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${fmtShape(input.shape)}`);
  requireFloatInput(op, input);
  const batched = input.ndim === 3;
  const [CK, L] = input.shape.slice(-2) as [number, number];
  const K = g.kernel[0]! * g.kernel[1]!;
  if (CK % K !== 0)
    throw new ShapeError(`${op}: Expected size of input's dimension ${batched ? 1 : 0} to be divisible by the product of kernelSize, but got input.size(${batched ? 1 : 0})=${CK} and kernelSize=(${g.kernel.join(', ')}).`);
  const plane = size.map((s, i) => s + 2 * g.padding[i]!);
  const blocks = plane.map((p, i) => Math.floor((p - (g.dilation[i]! * (g.kernel[i]! - 1) + 1)) / g.stride[i]!) + 1);
  if (blocks.some((b) => b < 1) || blocks[0]! * blocks[1]! !== L)
    throw new ShapeError(
      `${op}: Given outputSize=(${size.join(', ')}), kernelSize=(${g.kernel.join(', ')}), dilation=(${g.dilation.join(', ')}), padding=(${g.padding.join(', ')}), stride=(${g.stride.join(', ')}), expected size of input's dimension ${batched ? 2 : 1} to match the calculated number of sliding blocks ${blocks.map((b) => Math.max(b, 0)).join(' * ')} = ${Math.max(blocks[0]!, 0) * Math.max(blocks[1]!, 0)}, but got input.size(${batched ? 2 : 1})=${L}.`,
    );
  return tidy(() => {
    const x = batched ? input : reshape(input, [1, CK, L]);
    const N = x.shape[0]!;
    let y = foldWindows(reshape(x, [N, CK / K, K, L]), { plane, kernel: g.kernel, stride: g.stride, dilation: g.dilation, out: blocks });
    for (let i = 0; i < 2; i++) if (g.padding[i]! > 0) y = narrow(y, 2 + i, g.padding[i]!, size[i]!);
    return batched ? y.contiguous() : reshape(y, y.shape.slice(1));
  });
}
