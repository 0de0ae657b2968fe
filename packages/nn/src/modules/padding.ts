import { type Tensor, ValueError } from '@tensile/core';
import { padAs, type PadMode } from '../functional/padding.js';
import { Module } from '../module.js';
import { layerArgs } from './args.js';

type PaddingArg = number | readonly number[];

/** An int padding repeated to 2 * d values (PyTorch's _pair / _quadruple); a list is used as given. */
function expandPadding(op: string, padding: unknown, d: number): number[] {
  if (typeof padding === 'number') return new Array<number>(2 * d).fill(padding);
  if (Array.isArray(padding)) return padding.slice() as number[];
  throw new ValueError(`${op}: padding must be an integer or a list of ${2 * d} integers, got ${JSON.stringify(padding)}`);
}

/** The shared body of the padding layers: F.pad with a fixed padding, mode and value. */
abstract class PadNd extends Module<[Tensor], Tensor> {
  readonly padding: number[];
  readonly value: number;
  protected abstract readonly mode: PadMode;
  constructor(op: string, d: number, args: readonly unknown[], withValue: boolean) {
    super();
    const o = layerArgs<{ padding: PaddingArg; value?: number }>(op, args, withValue ? ['padding', 'value'] : ['padding'], []);
    this.padding = expandPadding(op, o.padding, d);
    this.value = o.value ?? 0;
    if (typeof this.value !== 'number') throw new ValueError(`${op}: value must be a number, got ${String(this.value)}`);
  }
  forward(x: Tensor): Tensor {
    return padAs(this.constructor.name, x, this.padding, this.mode, this.mode === 'constant' ? this.value : undefined);
  }
  override extraRepr(): string {
    return this.mode === 'constant' ? `padding=[${this.padding.join(', ')}], value=${this.value}` : `padding=[${this.padding.join(', ')}]`;
  }
}

type ValueArgs = [PaddingArg, number] | [{ padding: PaddingArg; value: number }];
type PlainArgs = [PaddingArg] | [{ padding: PaddingArg }];

/** Pads the last dim with a constant (PyTorch's nn.ConstantPad1d): `new ConstantPad1d(2, 3.5)` or `new ConstantPad1d([1, 2], 0)`. */
export class ConstantPad1d extends PadNd {
  protected readonly mode = 'constant';
  constructor(...args: ValueArgs) {
    super('ConstantPad1d', 1, args, true);
  }
}

/** Pads the last two dims with a constant (PyTorch's nn.ConstantPad2d): padding [left, right, top, bottom] or one int for all four. */
export class ConstantPad2d extends PadNd {
  protected readonly mode = 'constant';
  constructor(...args: ValueArgs) {
    super('ConstantPad2d', 2, args, true);
  }
}

/** Pads the last two dims with zeros (PyTorch's nn.ZeroPad2d); negative padding crops. */
export class ZeroPad2d extends PadNd {
  protected readonly mode = 'constant';
  constructor(...args: PlainArgs) {
    super('ZeroPad2d', 2, args, false);
  }
}

/** Mirrors the last dim of (N, C, W) or (C, W) about its edges (PyTorch's nn.ReflectionPad1d); each padding < W. */
export class ReflectionPad1d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(...args: PlainArgs) {
    super('ReflectionPad1d', 1, args, false);
  }
}

/** Mirrors the last two dims of (N, C, H, W) or (C, H, W) (PyTorch's nn.ReflectionPad2d). */
export class ReflectionPad2d extends PadNd {
  protected readonly mode = 'reflect';
  constructor(...args: PlainArgs) {
    super('ReflectionPad2d', 2, args, false);
  }
}

/** Repeats the edge of the last dim of (N, C, W) or (C, W) (PyTorch's nn.ReplicationPad1d). */
export class ReplicationPad1d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(...args: PlainArgs) {
    super('ReplicationPad1d', 1, args, false);
  }
}

/** Repeats the edges of the last two dims of (N, C, H, W) or (C, H, W) (PyTorch's nn.ReplicationPad2d). */
export class ReplicationPad2d extends PadNd {
  protected readonly mode = 'replicate';
  constructor(...args: PlainArgs) {
    super('ReplicationPad2d', 2, args, false);
  }
}
