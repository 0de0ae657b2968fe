import { checkOptions } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface LinearLROptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
  /** -1 (the default) starts the schedule; another value resumes it (each group needs its initialLr), as PyTorch's last_epoch. */
  lastEpoch?: number;
}

/** Scales the lr by a factor going linearly from startFactor to endFactor over totalIters epochs, then constant (`LinearLR`). */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, options: LinearLROptions = {}) {
    const o = checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    // startFactor 0 would divide by zero at the first step (PyTorch 1.13 fails there; later versions reject it here).
    const startFactor = checkNumber('LinearLR', 'startFactor', o.startFactor ?? 1 / 3, { above: 0, max: 1 });
    const endFactor = checkNumber('LinearLR', 'endFactor', o.endFactor ?? 1, { min: 0, max: 1 });
    const totalIters = checkNumber('LinearLR', 'totalIters', o.totalIters ?? 5, { integer: true, min: 0 });
    super('LinearLR', optimizer, o.lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + ((f - s) * Math.min(n, this.lastEpoch)) / n));
  }
}
