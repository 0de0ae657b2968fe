import { checkOptions, ValueError } from '@tensile/core';
import { checkNumber } from '../check.js';
import type { Optimizer } from '../optimizer.js';
import { LRScheduler } from './scheduler.js';

/** A function of the epoch (an integer from 0), one for every group or a list with one per group. */
export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions {
  lrLambda: LrLambda | readonly LrLambda[];
  /** -1 (the default) starts the schedule; another value resumes it (each group needs its initialLr), as PyTorch's last_epoch. */
  lastEpoch?: number;
}

export function lambdas(name: string, value: unknown, groups: number): LrLambda[] {
  const list = Array.isArray(value) ? (value as unknown[]) : new Array<unknown>(groups).fill(value);
  if (list.length !== groups) throw new ValueError(`${name}: expected ${groups} lrLambdas, but got ${list.length}`);
  for (const f of list) if (typeof f !== 'function') throw new ValueError(`${name}: lrLambda must be a function of the epoch (or a list of them), got ${typeof f}`);
  return list as LrLambda[];
}

/** lr = initialLr * lrLambda(epoch) (`torch.optim.lr_scheduler.LambdaLR`). */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, options: LambdaLROptions) {
    const o = checkOptions('LambdaLR', options, ['lrLambda', 'lastEpoch']);
    const fns = lambdas('LambdaLR', o.lrLambda, optimizer.paramGroups?.length ?? 0);
    super('LambdaLR', optimizer, o.lastEpoch);
    this.lrLambdas = fns;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => base * checkNumber('LambdaLR', 'lrLambda(epoch)', this.lrLambdas[i]!(this.lastEpoch)));
  }

  /** Functions are not state: PyTorch saves only a callable object's fields, a plain function as None. */
  protected override notState(): readonly string[] {
    return ['lrLambdas'];
  }
}

export interface MultiplicativeLROptions {
  lrLambda: LrLambda | readonly LrLambda[];
  lastEpoch?: number;
}

/** lr = lr * lrLambda(epoch) at every step after the first (`MultiplicativeLR`). */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, options: MultiplicativeLROptions) {
    const o = checkOptions('MultiplicativeLR', options, ['lrLambda', 'lastEpoch']);
    const fns = lambdas('MultiplicativeLR', o.lrLambda, optimizer.paramGroups?.length ?? 0);
    super('MultiplicativeLR', optimizer, o.lastEpoch);
    this.lrLambdas = fns;
    this.initialStep();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch <= 0) return lrs;
    return lrs.map((lr, i) => lr * checkNumber('MultiplicativeLR', 'lrLambda(epoch)', this.lrLambdas[i]!(this.lastEpoch)));
  }

  /** Functions are not state: PyTorch saves only a callable object's fields, a plain function as None. */
  protected override notState(): readonly string[] {
    return ['lrLambdas'];
  }
}
