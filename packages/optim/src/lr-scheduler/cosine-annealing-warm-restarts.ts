import { checkOptions, ValueError } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface CosineAnnealingWarmRestartsOptions {
  T0: number;
  TMult?: number;
  etaMin?: number;
  /** -1 (the default) starts the schedule; another value resumes it (each group needs its initialLr), as PyTorch's last_epoch. */
  lastEpoch?: number;
}

/**
 * SGDR (`CosineAnnealingWarmRestarts`): cosine annealing from the initial lr
 * to etaMin over Ti epochs, then a restart; Ti starts at T0 and is multiplied
 * by TMult at each restart. `step(epoch)` also takes a fractional epoch, as
 * PyTorch's, for restarts within an epoch.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T0: number;
  Ti: number;
  TMult: number;
  etaMin: number;
  TCur: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingWarmRestartsOptions) {
    const o = checkOptions('CosineAnnealingWarmRestarts', options, ['T0', 'TMult', 'etaMin', 'lastEpoch']);
    const T0 = checkNumber('CosineAnnealingWarmRestarts', 'T0', o.T0, { integer: true, above: 0 });
    const TMult = checkNumber('CosineAnnealingWarmRestarts', 'TMult', o.TMult ?? 1, { integer: true, min: 1 });
    const etaMin = checkNumber('CosineAnnealingWarmRestarts', 'etaMin', o.etaMin ?? 0);
    super('CosineAnnealingWarmRestarts', optimizer, o.lastEpoch);
    this.T0 = T0;
    this.Ti = T0;
    this.TMult = TMult;
    this.etaMin = etaMin;
    // PyTorch starts T_cur at last_epoch: a resumed schedule's first step adds one and restarts at most once.
    this.TCur = this.lastEpoch;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * this.TCur) / this.Ti))) / 2);
  }

  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.TCur += 1;
      if (this.TCur >= this.Ti) {
        this.TCur -= this.Ti;
        this.Ti *= this.TMult;
      }
    } else {
      if (typeof epoch !== 'number' || !(epoch >= 0)) throw new ValueError(`CosineAnnealingWarmRestarts: expected a non-negative epoch, but got ${String(epoch)}`);
      if (epoch >= this.T0) {
        if (this.TMult === 1) this.TCur = epoch % this.T0;
        else {
          const n = Math.floor(Math.log((epoch / this.T0) * (this.TMult - 1) + 1) / Math.log(this.TMult));
          this.TCur = epoch - (this.T0 * (this.TMult ** n - 1)) / (this.TMult - 1);
          this.Ti = this.T0 * this.TMult ** n;
        }
      } else {
        this.Ti = this.T0;
        this.TCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.stepCount++;
    this.setLrs(this.getLr());
  }
}
