import { checkOptions } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface PolynomialLROptions {
  totalIters?: number;
  power?: number;
  lastEpoch?: number;
}

/** Decays the lr to 0 over totalIters epochs as (1 - epoch / totalIters)^power (`PolynomialLR`, new in PyTorch 1.13). */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(optimizer: Optimizer, options: PolynomialLROptions = {}) {
    const o = checkOptions('PolynomialLR', options, ['totalIters', 'power', 'lastEpoch']);
    const totalIters = checkNumber('PolynomialLR', 'totalIters', o.totalIters ?? 5, { integer: true });
    const power = checkNumber('PolynomialLR', 'power', o.power ?? 1);
    super('PolynomialLR', optimizer, o.lastEpoch);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    const lrs = this.groupLrs();
    if (e === 0 || e > n) return lrs;
    const decay = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return lrs.map((lr) => lr * decay);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}
