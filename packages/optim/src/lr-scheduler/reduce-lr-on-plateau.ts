import { checkOptions, isTensor, type Tensor, ValueError } from '@tensile/core';
import { checkNumber, perGroup } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { Scheduler } from './scheduler.js';

export interface ReduceLROnPlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  /** A floor for every group, or a list with one per group. */
  minLr?: number | readonly number[];
  eps?: number;
}

const OPTION_KEYS = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'];

/**
 * Multiplies the lr by factor once a metric has stopped improving for more
 * than patience steps (`ReduceLROnPlateau`); then cooldown steps pass before
 * bad steps count again. A reduction of eps or less is skipped.
 */
export class ReduceLROnPlateau extends Scheduler {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  constructor(optimizer: Optimizer, options: ReduceLROnPlateauOptions = {}) {
    const o = checkOptions('ReduceLROnPlateau', options, OPTION_KEYS);
    const mode = o.mode ?? 'min';
    if (mode !== 'min' && mode !== 'max') throw new ValueError(`ReduceLROnPlateau: mode ${String(mode)} is unknown; expected 'min' or 'max'`);
    const thresholdMode = o.thresholdMode ?? 'rel';
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs')
      throw new ValueError(`ReduceLROnPlateau: thresholdMode ${String(thresholdMode)} is unknown; expected 'rel' or 'abs'`);
    const factor = checkNumber('ReduceLROnPlateau', 'factor', o.factor ?? 0.1, { min: 0, below: 1 });
    const patience = checkNumber('ReduceLROnPlateau', 'patience', o.patience ?? 10, { integer: true, min: 0 });
    const threshold = checkNumber('ReduceLROnPlateau', 'threshold', o.threshold ?? 1e-4, { min: 0 });
    const cooldown = checkNumber('ReduceLROnPlateau', 'cooldown', o.cooldown ?? 0, { integer: true, min: 0 });
    const eps = checkNumber('ReduceLROnPlateau', 'eps', o.eps ?? 1e-8, { min: 0 });
    const minLrs = perGroup('ReduceLROnPlateau', 'minLr', o.minLr ?? 0, optimizer.paramGroups.length).map((v) =>
      checkNumber('ReduceLROnPlateau', 'minLr', v, { min: 0 }),
    );
    super('ReduceLROnPlateau', optimizer);
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = minLrs;
    this.eps = eps;
    this.best = mode === 'min' ? Infinity : -Infinity;
  }

  /**
   * Records one value of the watched metric. A tensor is read with itemSync();
   * on a device without synchronous readback pass `await loss.item()` instead.
   */
  step(metric: number | Tensor): void {
    const current = isTensor(metric) ? metric.itemSync() : metric;
    if (typeof current !== 'number') throw new ValueError(`ReduceLROnPlateau.step: expected a number or a one-element tensor, got ${String(metric)}`);
    this.lastEpoch += 1;
    if (this.isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs += 1;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]!);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Comparisons with NaN are false, so a NaN metric never improves (as in PyTorch). */
  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }
}
