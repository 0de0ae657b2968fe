import { checkOptions } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface CosineAnnealingLROptions {
  TMax: number;
  etaMin?: number;
  /** -1 (the default) starts the schedule; another value resumes it (each group needs its initialLr), as PyTorch's last_epoch. */
  lastEpoch?: number;
}

/** Python's modulo (the result takes the divisor's sign). */
const pyMod = (a: number, n: number) => ((a % n) + n) % n;

/**
 * Cosine annealing from the initial lr down to etaMin over TMax epochs
 * (`CosineAnnealingLR`). As in PyTorch the recursive form is not clamped at
 * TMax: the lr climbs back up with period 2 * TMax.
 */
export class CosineAnnealingLR extends LRScheduler {
  TMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingLROptions) {
    const o = checkOptions('CosineAnnealingLR', options, ['TMax', 'etaMin', 'lastEpoch']);
    const TMax = checkNumber('CosineAnnealingLR', 'TMax', o.TMax, { above: 0 });
    const etaMin = checkNumber('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0);
    super('CosineAnnealingLR', optimizer, o.lastEpoch);
    this.TMax = TMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, TMax: T, etaMin } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    // The first step of a resumed schedule (lastEpoch given) uses the closed form, as PyTorch.
    if (this.stepCount === 1 && e > 0) return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
    // At the bottom of a cycle the ratio below would divide by zero; PyTorch steps up from there instead.
    if (pyMod(e - 1 - T, 2 * T) === 0)
      return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.TMax))) / 2);
  }
}
