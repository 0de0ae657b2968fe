import { checkOptions, ValueError } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface ConstantLROptions {
  factor?: number;
  totalIters?: number;
  lastEpoch?: number;
}

/** Scales the lr by factor until epoch totalIters, then restores it (`ConstantLR`, a warm-up). */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, options: ConstantLROptions = {}) {
    const o = checkOptions('ConstantLR', options, ['factor', 'totalIters', 'lastEpoch']);
    const factor = o.factor ?? 1 / 3;
    if (typeof factor !== 'number' || !(factor >= 0 && factor <= 1)) throw new ValueError(`ConstantLR: constant multiplicative factor expected to be between 0 and 1, got ${String(factor)}`);
    const totalIters = checkNumber('ConstantLR', 'totalIters', o.totalIters ?? 5, { integer: true });
    super('ConstantLR', optimizer, o.lastEpoch);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return lrs;
    // PyTorch divides by the factor here: factor 0 is a ZeroDivisionError at this step.
    if (this.factor === 0) throw new ValueError(`ConstantLR: factor 0 cannot be undone at epoch totalIters (${this.totalIters}): division by zero`);
    return lrs.map((lr) => lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (this.factor + (this.lastEpoch >= this.totalIters ? 1 - this.factor : 0)));
  }
}
