import { checkOptions } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface ExponentialLROptions {
  gamma: number;
  /** -1 (the default) starts the schedule; another value resumes it (each group needs its initialLr), as PyTorch's last_epoch. */
  lastEpoch?: number;
}

/** Multiplies the lr by gamma every epoch (`torch.optim.lr_scheduler.ExponentialLR`). */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, options: ExponentialLROptions) {
    const o = checkOptions('ExponentialLR', options, ['gamma', 'lastEpoch']);
    const gamma = checkNumber('ExponentialLR', 'gamma', o.gamma);
    super('ExponentialLR', optimizer, o.lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
}
