import { checkOptions, ValueError } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface MultiStepLROptions {
  milestones: readonly number[];
  gamma?: number;
  /** -1 (the default) starts the schedule; another value resumes it (each group needs its initialLr), as PyTorch's last_epoch. */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by gamma at each milestone epoch (`MultiStepLR`). The
 * milestones are a multiset, as PyTorch's Counter: one listed twice applies gamma twice.
 */
export class MultiStepLR extends LRScheduler {
  /** How many times each milestone epoch is listed. */
  milestones: Record<number, number>;
  gamma: number;

  constructor(optimizer: Optimizer, options: MultiStepLROptions) {
    const o = checkOptions('MultiStepLR', options, ['milestones', 'gamma', 'lastEpoch']);
    if (!Array.isArray(o.milestones)) throw new ValueError(`MultiStepLR: milestones must be a list of epochs, got ${String(o.milestones)}`);
    const milestones: Record<number, number> = {};
    for (const m of o.milestones) {
      checkNumber('MultiStepLR', 'milestone', m, { integer: true });
      milestones[m] = (milestones[m] ?? 0) + 1;
    }
    const gamma = checkNumber('MultiStepLR', 'gamma', o.gamma ?? 0.1);
    super('MultiStepLR', optimizer, o.lastEpoch);
    this.milestones = milestones;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    const times = this.milestones[this.lastEpoch];
    if (times === undefined) return lrs;
    return lrs.map((lr) => lr * this.gamma ** times);
  }

  protected override closedFormLr(): number[] {
    let passed = 0;
    for (const [m, n] of Object.entries(this.milestones)) if (Number(m) <= this.lastEpoch) passed += n;
    return this.baseLrs.map((base) => base * this.gamma ** passed);
  }
}
