import { add, full, reciprocal, type Tensor, tidy, ValueError } from '@tensile/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import * as F from '../functional/layers.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface BatchNormOptions extends FactoryOptions {
  eps?: number;
  /** Update factor of the running statistics (default 0.1); null: a cumulative average over all batches. */
  momentum?: number | null;
  /** Learn a per-channel scale (weight) and shift (bias); default true. */
  affine?: boolean;
  /** Keep running_mean / running_var / num_batches_tracked for eval mode; default true. Without them, batch statistics are used in eval mode too. */
  trackRunningStats?: boolean;
}

/**
 * The shared body of the BatchNorm layers (PyTorch's _BatchNorm): parameters
 * weight and bias, buffers running_mean, running_var and num_batches_tracked
 * (an int32 0-d tensor), under PyTorch's state dict names.
 */
export abstract class BatchNorm extends Module<[Tensor], Tensor> {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  constructor(numFeatures: number, options?: BatchNormOptions);
  constructor(options: BatchNormOptions & { numFeatures: number });
  constructor(...args: [number, BatchNormOptions?] | [BatchNormOptions & { numFeatures: number }]) {
    super();
    const name = new.target.name;
    const o = layerArgs<BatchNormOptions & { numFeatures: number }>(name, args, ['numFeatures'], ['eps', 'momentum', 'affine', 'trackRunningStats', ...FACTORY_KEYS]);
    const numFeatures = (this.numFeatures = checkSize(name, 'numFeatures', o.numFeatures));
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    if (this.momentum !== null && typeof this.momentum !== 'number') throw new ValueError(`${name}: momentum must be a number or null, got ${String(this.momentum)}`);
    this.affine = o.affine ?? true;
    this.trackRunningStats = o.trackRunningStats ?? true;
    this.registerParameter('weight', this.affine ? new Parameter(factoryFull([numFeatures], 1, o)) : null);
    this.registerParameter('bias', this.affine ? new Parameter(factoryFull([numFeatures], 0, o)) : null);
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? factoryFull([numFeatures], 0, o) : null);
    this.registerBuffer('running_var', track ? factoryFull([numFeatures], 1, o) : null);
    this.registerBuffer('num_batches_tracked', track ? full([], 0, { dtype: 'int32', ...(o.device !== undefined ? { device: o.device } : {}) }) : null);
  }

  /** Throws unless the input has the layout this layer expects. */
  protected abstract checkInputDim(x: Tensor): void;

  /** Zeroes the running statistics (running_var to ones) and num_batches_tracked. */
  resetRunningStats(): void {
    if (!this.trackRunningStats) return;
    this.running_mean!.zero_();
    this.running_var!.fill_(1);
    this.num_batches_tracked!.zero_();
  }

  forward(x: Tensor): Tensor {
    this.checkInputDim(x);
    const update = this.training && this.trackRunningStats;
    return tidy(() => {
      // momentum null averages over every batch so far: the factor is 1 / the
      // count after this batch, computed on the device (no readback).
      const momentum = update && this.momentum === null ? reciprocal(add(this.num_batches_tracked!, 1)) : (this.momentum ?? 0);
      const out = F.batchNorm(x, this.running_mean, this.running_var, {
        weight: this.weight,
        bias: this.bias,
        // Batch statistics in training, and in eval mode too when no running ones are kept.
        training: this.training || this.running_mean === null,
        momentum,
        eps: this.eps,
      });
      // Counted only once the batch was accepted, so a rejected input changes nothing.
      if (update) this.num_batches_tracked!.add_(1);
      return out;
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalization over [N, C] or [N, C, L] inputs, per channel C. */
export class BatchNorm1d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new ValueError(`BatchNorm1d: expected 2D or 3D input (got ${x.ndim}D input)`);
  }
}

/** Batch normalization over [N, C, H, W] inputs, per channel C. */
export class BatchNorm2d extends BatchNorm {
  protected checkInputDim(x: Tensor): void {
    if (x.ndim !== 4) throw new ValueError(`BatchNorm2d: expected 4D input (got ${x.ndim}D input)`);
  }
}
