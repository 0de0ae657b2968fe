import { checkOptions, ValueError } from '@tensile/core';
import type { Optimizer } from '../optimizer.js';
import { checkLastEpoch, checkResumable, LRScheduler, Scheduler } from './scheduler.js';

export interface SequentialLROptions {
  /** The schedulers, built on the same optimizer, in the order they take over. */
  schedulers: readonly LRScheduler[];
  /** The epochs at which the next scheduler takes over: one fewer than the schedulers. */
  milestones: readonly number[];
  lastEpoch?: number;
}

/** Which of the sorted milestones are at or below epoch (Python's bisect_right). */
function bisectRight(sorted: readonly number[], x: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i]! <= x) i++;
  return i;
}

/**
 * Runs schedulers one after another (`SequentialLR`): the first until
 * milestones[0], then the next, which starts at its epoch 0 (the closed form
 * where it has one), and so on. Building it resets every group's lr to its
 * initialLr and undoes the first step the other schedulers made when built,
 * as PyTorch 1.13 does.
 */
export class SequentialLR extends Scheduler {
  lastEpoch: number;
  milestones: number[];
  private readonly schedulers: LRScheduler[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    const o = checkOptions('SequentialLR', options, ['schedulers', 'milestones', 'lastEpoch']);
    super('SequentialLR', optimizer);
    const schedulers = o.schedulers;
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new ValueError('SequentialLR: schedulers must be a non-empty list of schedulers');
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler))
        throw new ValueError(`SequentialLR: schedulers[${i}] is not an epoch scheduler (ReduceLROnPlateau, SequentialLR and ChainedScheduler cannot be sequenced)`);
      if (s.optimizer !== optimizer)
        throw new ValueError(`SequentialLR: expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in`);
    });
    const milestones = o.milestones;
    if (!Array.isArray(milestones) || milestones.some((m) => typeof m !== 'number' || !Number.isInteger(m)))
      throw new ValueError(`SequentialLR: milestones must be a list of integer epochs, got ${JSON.stringify(milestones)}`);
    if (milestones.length !== schedulers.length - 1)
      throw new ValueError(
        `SequentialLR: expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    const lastEpoch = checkLastEpoch('SequentialLR', o.lastEpoch);
    checkResumable('SequentialLR', optimizer, ['initialLr'], lastEpoch);
    this.schedulers = [...(schedulers as LRScheduler[])];
    this.milestones = [...(milestones as number[])];
    this.lastEpoch = lastEpoch + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0]!.step();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  step(): void {
    this.lastEpoch++;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  protected override notState(): readonly string[] {
    return ['schedulers'];
  }

  /** Its own fields and each scheduler's state (`schedulers`), as PyTorch's `_schedulers`. */
  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    const { schedulers, ...own } = stateDict;
    loadEach('SequentialLR', this.schedulers, schedulers);
    super.loadStateDict(own);
  }
}

export function loadEach(name: string, schedulers: readonly Scheduler[], saved: unknown): void {
  if (!Array.isArray(saved) || saved.length !== schedulers.length)
    throw new ValueError(`${name}.loadStateDict: expected 'schedulers' with ${schedulers.length} states, got ${Array.isArray(saved) ? saved.length : typeof saved}`);
  schedulers.forEach((s, i) => s.loadStateDict(saved[i] as Record<string, unknown>));
}
