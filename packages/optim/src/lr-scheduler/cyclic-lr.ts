import { checkOptions, ValueError } from '@tensile/core';
import { checkBoolean, checkNumber, perGroup } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

export interface CyclicLROptions {
  /** The lower bound of the cycle: one for every group or one per group. Replaces each group's lr when the schedule starts. */
  baseLr: number | readonly number[];
  maxLr: number | readonly number[];
  stepSizeUp?: number;
  /** Steps of the falling half; null (the default): stepSizeUp. */
  stepSizeDown?: number | null;
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** exp_range's decay per iteration. */
  gamma?: number;
  /** A custom amplitude scale of the cycle number or the iteration (scaleMode); replaces mode's. */
  scaleFn?: ((x: number) => number) | null;
  scaleMode?: 'cycle' | 'iterations';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  lastEpoch?: number;
}

const OPTION_KEYS = ['baseLr', 'maxLr', 'stepSizeUp', 'stepSizeDown', 'mode', 'gamma', 'scaleFn', 'scaleMode', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'lastEpoch'];

/**
 * The cyclical learning rate policy (`CyclicLR`): the lr goes from baseLr to
 * maxLr over stepSizeUp steps and back over stepSizeDown, its amplitude scaled
 * per cycle (triangular: 1, triangular2: halved each cycle) or per iteration
 * (exp_range: gamma^iteration); the momentum cycles the other way, between
 * maxMomentum and baseMomentum. Stepped after every batch. As in PyTorch 1.13,
 * cycling momentum needs an optimizer with a `momentum` option (SGD, RMSprop).
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: 'cycle' | 'iterations';
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  private readonly scaleFnCustom: ((x: number) => number) | null;

  constructor(optimizer: Optimizer, options: CyclicLROptions) {
    const o = checkOptions('CyclicLR', options, OPTION_KEYS);
    const groups = optimizer.paramGroups?.length ?? 0;
    const baseLrs = perGroup('CyclicLR', 'baseLr', o.baseLr, groups).map((v) => checkNumber('CyclicLR', 'baseLr', v));
    const maxLrs = perGroup('CyclicLR', 'maxLr', o.maxLr, groups).map((v) => checkNumber('CyclicLR', 'maxLr', v));
    const up = checkNumber('CyclicLR', 'stepSizeUp', o.stepSizeUp ?? 2000);
    const down = o.stepSizeDown === undefined || o.stepSizeDown === null ? up : checkNumber('CyclicLR', 'stepSizeDown', o.stepSizeDown);
    const mode = o.mode ?? 'triangular';
    const scaleFn = o.scaleFn ?? null;
    if (scaleFn !== null && typeof scaleFn !== 'function') throw new ValueError(`CyclicLR: scaleFn must be a function or null, got ${typeof scaleFn}`);
    if (!['triangular', 'triangular2', 'exp_range'].includes(mode) && scaleFn === null) throw new ValueError(`CyclicLR: mode is invalid (${String(mode)}) and scaleFn is null`);
    const gamma = checkNumber('CyclicLR', 'gamma', o.gamma ?? 1);
    let scaleMode: 'cycle' | 'iterations';
    if (scaleFn === null) scaleMode = mode === 'exp_range' ? 'iterations' : 'cycle';
    else {
      scaleMode = o.scaleMode ?? 'cycle';
      if (scaleMode !== 'cycle' && scaleMode !== 'iterations') throw new ValueError(`CyclicLR: scaleMode must be 'cycle' or 'iterations', got ${String(scaleMode)}`);
    }
    const cycleMomentum = checkBoolean('CyclicLR', 'cycleMomentum', o.cycleMomentum ?? true);
    const lastEpoch = o.lastEpoch ?? -1;
    let baseMomentums: number[] = [];
    let maxMomentums: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults)) throw new ValueError('CyclicLR: optimizer must support momentum with the cycleMomentum option enabled');
      baseMomentums = perGroup('CyclicLR', 'baseMomentum', o.baseMomentum ?? 0.8, groups).map((v) => checkNumber('CyclicLR', 'baseMomentum', v));
      maxMomentums = perGroup('CyclicLR', 'maxMomentum', o.maxMomentum ?? 0.9, groups).map((v) => checkNumber('CyclicLR', 'maxMomentum', v));
    }
    // Everything is checked; now the groups change, as PyTorch's constructor changes them.
    if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]!));
    if (cycleMomentum) {
      if (lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.momentum = baseMomentums[i]!));
      baseMomentums = optimizer.paramGroups.map((g) => g.momentum as number);
    }
    super('CyclicLR', optimizer, lastEpoch);
    this.maxLrs = maxLrs;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.scaleMode = scaleMode;
    this.scaleFnCustom = scaleFn;
    this.cycleMomentum = cycleMomentum;
    this.baseMomentums = baseMomentums;
    this.maxMomentums = maxMomentums;
    // PyTorch's first step runs with baseLrs from the groups' initialLr; baseLr takes over after it.
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  private scale(x: number): number {
    if (this.scaleFnCustom !== null) return checkNumber('CyclicLR', 'scaleFn(x)', this.scaleFnCustom(x));
    if (this.mode === 'triangular2') return 1 / 2 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1;
  }

  protected getLr(): number[] {
    const cycle = Math.floor(1 + this.lastEpoch / this.totalSize);
    const x = 1 + this.lastEpoch / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.scale(this.scaleMode === 'cycle' ? cycle : this.lastEpoch);
    const lrs = this.baseLrs.map((base, i) => base + (this.maxLrs[i]! - base) * scaleFactor * s);
    if (this.cycleMomentum)
      this.optimizer.paramGroups.forEach((g, i) => {
        const [base, max] = [this.baseMomentums[i]!, this.maxMomentums[i]!];
        g.momentum = max - (max - base) * scaleFactor * s;
      });
    return lrs;
  }

  protected override notState(): readonly string[] {
    return ['scaleFnCustom'];
  }
}
