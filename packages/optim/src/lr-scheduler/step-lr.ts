import { checkOptions } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
  /** -1 (the default) starts the schedule; another value resumes it (each group needs its initialLr), as PyTorch's last_epoch. */
  lastEpoch?: number;
}

/** Multiplies the lr by gamma every stepSize epochs (`torch.optim.lr_scheduler.StepLR`). */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    const o = checkOptions('StepLR', options, ['stepSize', 'gamma', 'lastEpoch']);
    const stepSize = checkNumber('StepLR', 'stepSize', o.stepSize, { integer: true, above: 0 });
    const gamma = checkNumber('StepLR', 'gamma', o.gamma ?? 0.1);
    super('StepLR', optimizer, o.lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
