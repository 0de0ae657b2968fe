import { checkOptions, ValueError } from '@tensile/core';
import { checkBoolean, checkNumber, perGroup } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { checkLastEpoch, checkResumable, LRScheduler } from './scheduler.js';

export interface OneCycleLROptions {
  /** The peak lr: one for every group, or a list with one per group. */
  maxLr: number | readonly number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  /**
   * -1 (the default) starts the cycle; another value resumes it at that step,
   * as PyTorch's last_epoch: then every group must already hold initialLr,
   * maxLr and minLr (and maxMomentum, baseMomentum when cycling momentum).
   */
  lastEpoch?: number;
}

/** Group fields a phase anneals between (PyTorch keeps them in the param groups under these meanings). */
type LrField = 'initialLr' | 'maxLr' | 'minLr';
type MomentumField = 'maxMomentum' | 'baseMomentum';
interface Phase {
  endStep: number;
  startLr: LrField;
  endLr: LrField;
  startMomentum: MomentumField;
  endMomentum: MomentumField;
}

const OPTION_KEYS = ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase', 'lastEpoch'];

/**
 * The 1cycle policy (`OneCycleLR`): the lr rises from maxLr / divFactor to
 * maxLr over pctStart of totalSteps, then anneals to initial / finalDivFactor
 * (threePhase: back to the initial lr first), while the momentum (Adam:
 * betas[0]) cycles the other way. Meant to be stepped after every batch; one
 * step more than totalSteps throws.
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  /** Whether the momentum cycled is Adam's betas[0] rather than `momentum`. */
  useBeta1: boolean;
  phases: Phase[];

  constructor(optimizer: Optimizer, options: OneCycleLROptions) {
    const o = checkOptions('OneCycleLR', options, OPTION_KEYS);
    let totalSteps: number;
    if (o.totalSteps !== undefined) totalSteps = checkNumber('OneCycleLR', 'totalSteps', o.totalSteps, { integer: true, above: 0 });
    else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined)
      totalSteps =
        checkNumber('OneCycleLR', 'epochs', o.epochs, { integer: true, above: 0 }) *
        checkNumber('OneCycleLR', 'stepsPerEpoch', o.stepsPerEpoch, { integer: true, above: 0 });
    else throw new ValueError('OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)');
    const pct = checkNumber('OneCycleLR', 'pctStart', o.pctStart ?? 0.3, { min: 0, max: 1 });
    const annealStrategy = o.annealStrategy ?? 'cos';
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear')
      throw new ValueError(`OneCycleLR: annealStrategy must be one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    const cycleMomentum = checkBoolean('OneCycleLR', 'cycleMomentum', o.cycleMomentum ?? true);
    const threePhase = checkBoolean('OneCycleLR', 'threePhase', o.threePhase ?? false);
    const divFactor = checkNumber('OneCycleLR', 'divFactor', o.divFactor ?? 25, { above: 0 });
    const finalDivFactor = checkNumber('OneCycleLR', 'finalDivFactor', o.finalDivFactor ?? 1e4, { above: 0 });
    const groups = optimizer.paramGroups;
    const lastEpoch = checkLastEpoch('OneCycleLR', o.lastEpoch);
    const maxLrs = perGroup('OneCycleLR', 'maxLr', o.maxLr, groups.length).map((v) => checkNumber('OneCycleLR', 'maxLr', v, { min: 0 }));
    const useBeta1 = 'betas' in optimizer.defaults;
    let maxMomentums: number[] = [];
    let baseMomentums: number[] = [];
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1)
        throw new ValueError('OneCycleLR: optimizer must support momentum (momentum or betas) with the cycleMomentum option enabled');
      maxMomentums = perGroup('OneCycleLR', 'maxMomentum', o.maxMomentum ?? 0.95, groups.length).map((v) => checkNumber('OneCycleLR', 'maxMomentum', v));
      baseMomentums = perGroup('OneCycleLR', 'baseMomentum', o.baseMomentum ?? 0.85, groups.length).map((v) => checkNumber('OneCycleLR', 'baseMomentum', v));
    }

    const phases: Phase[] = threePhase
      ? [
          { endStep: pct * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pct * totalSteps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: totalSteps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pct * totalSteps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: totalSteps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    // Checked before any group changes: the first step's phase must not be empty, and a resumed cycle needs its fields.
    if (lastEpoch + 1 <= totalSteps) phaseAt(phases, lastEpoch + 1);
    if (lastEpoch !== -1)
      checkResumable('OneCycleLR', optimizer, cycleMomentum ? ['initialLr', 'maxLr', 'minLr', 'maxMomentum', 'baseMomentum'] : ['initialLr', 'maxLr', 'minLr'], lastEpoch);
    else groups.forEach((g, i) => {
      const initialLr = maxLrs[i]! / divFactor;
      g.initialLr = initialLr;
      g.maxLr = maxLrs[i]!;
      g.minLr = initialLr / finalDivFactor;
      if (cycleMomentum) {
        setMomentum(g, useBeta1, maxMomentums[i]!);
        g.maxMomentum = maxMomentums[i]!;
        g.baseMomentum = baseMomentums[i]!;
      }
    });
    super('OneCycleLR', optimizer, lastEpoch);
    this.totalSteps = totalSteps;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = phases;
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    return this.annealStrategy === 'cos' ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps)
      throw new ValueError(`OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    const { phase, pct } = phaseAt(this.phases, stepNum);
    return this.optimizer.paramGroups.map((g) => {
      if (this.cycleMomentum) setMomentum(g, this.useBeta1, this.anneal(g[phase.startMomentum] as number, g[phase.endMomentum] as number, pct));
      return this.anneal(g[phase.startLr] as number, g[phase.endLr] as number, pct);
    });
  }
}

/**
 * The phase step `stepNum` falls in and how far along it is. A phase of zero
 * length (pctStart * totalSteps = 1, or pctStart 1 at the last step) divides
 * by zero: PyTorch raises ZeroDivisionError there, and so does this.
 */
function phaseAt(phases: readonly Phase[], stepNum: number): { phase: Phase; pct: number } {
  let start = 0;
  for (const [i, phase] of phases.entries()) {
    if (stepNum <= phase.endStep || i === phases.length - 1) {
      if (phase.endStep === start)
        throw new ValueError(`OneCycleLR: phase ${i + 1} of the cycle has zero length (it ends at step ${phase.endStep}, where it starts), so step ${stepNum} divides by zero; change pctStart or totalSteps`);
      return { phase, pct: (stepNum - start) / (phase.endStep - start) };
    }
    start = phase.endStep;
  }
  throw new Error('unreachable: the last phase always matches');
}

function setMomentum(g: Record<string, unknown>, useBeta1: boolean, m: number): void {
  if (useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
  else g.momentum = m;
}
