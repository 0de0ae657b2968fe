import { flatten, type Tensor } from '@tensile/core';
import { Module } from '../module.js';
import { numberOrOptions } from './args.js';

export interface FlattenOptions {
  startDim?: number;
  endDim?: number;
}

/** Flattens dims startDim..endDim (default 1..-1: everything but the batch dim). */
export class Flatten extends Module<[Tensor], Tensor> {
  readonly startDim: number;
  readonly endDim: number;

  /** `new Flatten()`, `new Flatten(0)`, `new Flatten(1, 2)` or `new Flatten({startDim, endDim})`. */
  constructor(startDimOrOptions?: number | FlattenOptions, endDim?: number) {
    super();
    const o = numberOrOptions<FlattenOptions>('Flatten', startDimOrOptions, 'startDim', ['startDim', 'endDim']);
    this.startDim = o.startDim ?? 1;
    this.endDim = endDim ?? o.endDim ?? -1;
  }

  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
