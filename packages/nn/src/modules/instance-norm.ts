import { full, squeeze, type Tensor, tidy, unsqueeze, ValueError } from '@tensile/core';
import { instanceNorm } from '../functional/instance-norm.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkSize, FACTORY_KEYS, factoryFull, type FactoryOptions, layerArgs } from './args.js';

export interface InstanceNormOptions extends FactoryOptions {
  eps?: number;
  /** Update factor of the running statistics (default 0.1). */
  momentum?: number;
  /** Learn a per-channel weight and bias; default false. */
  affine?: boolean;
  /** Keep running_mean / running_var (and num_batches_tracked, never incremented, as PyTorch 1.13) for eval mode; default false. */
  trackRunningStats?: boolean;
}

/**
 * The shared body of the InstanceNorm layers (PyTorch's _InstanceNorm):
 * F.instanceNorm over each sample's channels, an unbatched input handled as
 * a batch of one; instance statistics in training and whenever no running
 * ones are kept.
 */
abstract class InstanceNorm extends Module<[Tensor], Tensor> {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  declare weight: Parameter | null;
  declare bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;
  protected abstract readonly spatialDims: number;

  constructor(op: string, args: readonly unknown[]) {
    super();
    const o = layerArgs<InstanceNormOptions & { numFeatures: number }>(op, args, ['numFeatures'], ['eps', 'momentum', 'affine', 'trackRunningStats', ...FACTORY_KEYS]);
    const numFeatures = (this.numFeatures = checkSize(op, 'numFeatures', o.numFeatures));
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : (o.momentum as number);
    if (typeof this.momentum !== 'number') throw new ValueError(`${op}: momentum must be a number, got ${String(o.momentum)}`);
    this.affine = o.affine ?? false;
    this.trackRunningStats = o.trackRunningStats ?? false;
    this.registerParameter('weight', this.affine ? new Parameter(factoryFull([numFeatures], 1, o)) : null);
    this.registerParameter('bias', this.affine ? new Parameter(factoryFull([numFeatures], 0, o)) : null);
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? factoryFull([numFeatures], 0, o) : null);
    this.registerBuffer('running_var', track ? factoryFull([numFeatures], 1, o) : null);
    this.registerBuffer('num_batches_tracked', track ? full([], 0, { dtype: 'int32', ...(o.device !== undefined ? { device: o.device } : {}) }) : null);
  }

  forward(x: Tensor): Tensor {
    const d = this.spatialDims;
    if (x.ndim !== d + 1 && x.ndim !== d + 2) throw new ValueError(`${this.constructor.name}: expected ${d + 1}D or ${d + 2}D input (got ${x.ndim}D input)`);
    return tidy(() => {
      const unbatched = x.ndim === d + 1;
      const y = instanceNorm(unbatched ? unsqueeze(x, 0) : x, this.running_mean, this.running_var, {
        weight: this.weight,
        bias: this.bias,
        useInputStats: this.training || !this.trackRunningStats,
        momentum: this.momentum,
        eps: this.eps,
      });
      return unbatched ? squeeze(y, 0) : y;
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Instance normalization of (N, C, L) or unbatched (C, L) input (PyTorch's nn.InstanceNorm1d): `new InstanceNorm1d(3, {affine: true})`. */
export class InstanceNorm1d extends InstanceNorm {
  protected readonly spatialDims = 1;
  constructor(...args: [number, InstanceNormOptions?] | [InstanceNormOptions & { numFeatures: number }]) {
    super('InstanceNorm1d', args);
  }
}

/** Instance normalization of (N, C, H, W) or unbatched (C, H, W) input (PyTorch's nn.InstanceNorm2d). */
export class InstanceNorm2d extends InstanceNorm {
  protected readonly spatialDims = 2;
  constructor(...args: [number, InstanceNormOptions?] | [InstanceNormOptions & { numFeatures: number }]) {
    super('InstanceNorm2d', args);
  }
}
