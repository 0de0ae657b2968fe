import { ValueError } from '@tensile/core';
import { Scheduler } from './scheduler.js';
import { loadEach } from './sequential-lr.js';

/**
 * Steps several schedulers together (`ChainedScheduler`): each `step()` steps
 * every one in order, so their (recursive) factors multiply, as PyTorch's.
 */
export class ChainedScheduler extends Scheduler {
  private readonly schedulers: Scheduler[];

  constructor(schedulers: readonly Scheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new ValueError('ChainedScheduler: expects a non-empty list of schedulers');
    schedulers.forEach((s, i) => {
      if (!(s instanceof Scheduler)) throw new ValueError(`ChainedScheduler: schedulers[${i}] is not a scheduler`);
      if (s.optimizer !== schedulers[0]!.optimizer)
        throw new ValueError(`ChainedScheduler: expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
    });
    super('ChainedScheduler', schedulers[0]!.optimizer);
    this.schedulers = [...schedulers];
  }

  step(): void {
    for (const s of this.schedulers) (s as unknown as { step(): void }).step();
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  protected override notState(): readonly string[] {
    return ['schedulers'];
  }

  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(stateDict: Record<string, unknown>): void {
    const { schedulers, ...own } = stateDict;
    loadEach('ChainedScheduler', this.schedulers, schedulers);
    super.loadStateDict(own);
  }
}
