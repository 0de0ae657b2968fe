// Unflatten: one dim split into several (the inverse of Flatten).
import { type Tensor, unflatten, ValueError } from '@tensile/core';
import { Module } from '../module.js';
import { layerArgs } from './args.js';

export interface UnflattenOptions {
  dim: number;
  /** The sizes dim becomes; their product must be its size (one -1 is inferred). */
  unflattenedSize: readonly number[];
}

/** `new Unflatten(1, [2, 3])` or `new Unflatten({dim: 1, unflattenedSize: [2, 3]})`. */
export class Unflatten extends Module<[Tensor], Tensor> {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dimOrOptions: number | UnflattenOptions, unflattenedSize?: readonly number[]) {
    super();
    const o = layerArgs<UnflattenOptions>('Unflatten', [dimOrOptions, unflattenedSize], ['dim', 'unflattenedSize'], []);
    if (!Number.isInteger(o.dim)) throw new ValueError(`Unflatten: dim must be an integer, got ${String(o.dim)}`);
    if (!Array.isArray(o.unflattenedSize) || o.unflattenedSize.some((s) => !Number.isInteger(s)))
      throw new ValueError(`Unflatten: unflattenedSize must be a list of integers, got ${JSON.stringify(o.unflattenedSize)}`);
    this.dim = o.dim;
    this.unflattenedSize = [...o.unflattenedSize];
  }

  forward(x: Tensor): Tensor {
    return unflatten(x, this.dim, this.unflattenedSize);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattenedSize=[${this.unflattenedSize.join(', ')}]`;
  }
}
