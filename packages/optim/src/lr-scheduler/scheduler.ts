import { ValueError } from '@tensile/core';
import { checkNumber } from '../check.js';
import { Optimizer } from '../optimizer.js';

/** Fields that are not the scheduler's own state: they stay out of stateDict(). */
const NOT_STATE = new Set(['optimizer', 'name']);

/**
 * What every scheduler shares: the optimizer whose groups' `lr` it sets, the
 * last learning rates, and a state dict of its own fields (everything but the
 * optimizer, as PyTorch's `scheduler.state_dict()`).
 */
export abstract class Scheduler {
  readonly optimizer: Optimizer;
  protected readonly name: string;
  protected lastLr: number[];

  protected constructor(name: string, optimizer: Optimizer) {
    if (!(optimizer instanceof Optimizer)) throw new ValueError(`${name}: ${String(optimizer)} is not an Optimizer`);
    this.name = name;
    this.optimizer = optimizer;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Each group's learning rate after the last step (PyTorch's `get_last_lr()`). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The scheduler's state as plain data (numbers and arrays), for checkpoints. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const skip = this.notState();
    for (const [k, v] of Object.entries(this)) if (!NOT_STATE.has(k) && !skip.includes(k)) out[k] = structuredClone(v);
    return out;
  }

  /** Fields that are not plain state (functions, other schedulers): left out of stateDict() and loadStateDict(). */
  protected notState(): readonly string[] {
    return [];
  }

  /** Restores what stateDict() returned. Keys this scheduler does not have are an error, checked before anything changes. */
  loadStateDict(stateDict: Record<string, unknown>): void {
    const skip = this.notState();
    const own = Object.keys(this).filter((k) => !NOT_STATE.has(k) && !skip.includes(k));
    for (const k of Object.keys(stateDict))
      if (!own.includes(k)) throw new ValueError(`${this.name}.loadStateDict: unknown key '${k}'; a ${this.name} state has ${own.join(', ')}`);
    for (const [k, v] of Object.entries(stateDict)) (this as Record<string, unknown>)[k] = structuredClone(v);
  }
}

/** A scheduler's `lastEpoch` option: -1 (start) or the epoch a resumed schedule last reached. */
export function checkLastEpoch(name: string, lastEpoch: unknown): number {
  return checkNumber(name, 'lastEpoch', lastEpoch ?? -1, { integer: true, min: -1 });
}

/** A resumed schedule (lastEpoch given) needs the fields its first run stored in every group, as PyTorch's KeyError. */
export function checkResumable(name: string, optimizer: Optimizer, fields: readonly string[], lastEpoch: number): void {
  optimizer.paramGroups.forEach((g, i) => {
    for (const f of fields)
      if (g[f] === undefined)
        throw new ValueError(`${name}: param '${f}' is not specified in paramGroups[${i}] when resuming a schedule (lastEpoch ${lastEpoch}); give each group its '${f}'`);
  });
}

/**
 * The epoch-based schedulers (PyTorch's `_LRScheduler`): each `step()` advances
 * `lastEpoch` and sets every group's lr from `getLr()`, which uses PyTorch
 * 1.13's recursive form (the new lr from the group's current lr), so the
 * numbers match PyTorch's own and chained schedulers compose as they do there.
 */
export abstract class LRScheduler extends Scheduler {
  /** Each group's `initialLr`, recorded in the group when the first scheduler is built. */
  baseLrs: number[];
  lastEpoch = -1;
  protected stepCount = 0;

  /**
   * `lastEpoch` -1 (the default) starts a schedule and records each group's
   * `initialLr`; another value resumes one, as PyTorch's `last_epoch`, and
   * then every group must already have its `initialLr`.
   */
  protected constructor(name: string, optimizer: Optimizer, lastEpoch: unknown = -1) {
    super(name, optimizer);
    const epoch = checkLastEpoch(name, lastEpoch);
    if (epoch !== -1) checkResumable(name, optimizer, ['initialLr'], epoch);
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = epoch;
  }

  /** The lrs for the epoch just entered (lastEpoch already advanced). */
  protected abstract getLr(): number[];

  /** Ends each subclass constructor, once its fields are set: the first step, to epoch 0, as PyTorch's `_initial_step`. */
  protected initialStep(): void {
    this.step();
  }

  /**
   * Advances to the next epoch, or (PyTorch's deprecated `step(epoch)`, which
   * SequentialLR uses at its milestones) jumps to `epoch`, using the closed
   * form where the scheduler has one.
   */
  step(epoch?: number): void {
    const [last, count] = [this.lastEpoch, this.stepCount];
    if (epoch === undefined) this.lastEpoch++;
    else this.lastEpoch = checkNumber(`${this.name}.step`, 'epoch', epoch, { integer: true, min: 0 });
    this.stepCount++;
    let lrs: number[];
    try {
      lrs = (epoch === undefined ? null : this.closedFormLr()) ?? this.getLr();
    } catch (e) {
      // A step that throws (OneCycleLR past totalSteps) leaves the scheduler as it was.
      [this.lastEpoch, this.stepCount] = [last, count];
      throw e;
    }
    this.setLrs(lrs);
  }

  /** PyTorch's `_get_closed_form_lr`, where the scheduler has one: the lrs at lastEpoch from baseLrs. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  protected setLrs(lrs: readonly number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i]!;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The current lr of every group. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}
