import { checkOptions, defaultGenerator, type Generator, stack, type Tensor, ValueError } from '@tensile/core';
import { type Dataset, Subset } from './dataset.js';

export type Collate<T, B> = (items: T[]) => B;

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  /** Reshuffle the order at the start of every epoch (seeded by `generator`). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
  /** Builds a batch from items; default stacks tensors (and lists of tensors) along a new first dim. */
  collateFn?: Collate<T, B>;
  generator?: Generator;
}

/** Stacks items the way PyTorch's default_collate does for tensors, lists of tensors and numbers. */
export function defaultCollate<T>(items: T[]): unknown {
  const first = items[0];
  if (Array.isArray(first)) return first.map((_, j) => defaultCollate(items.map((it) => (it as unknown[])[j])));
  if (typeof first === 'number') return items as unknown as number[];
  return stack(items as unknown as Tensor[], 0);
}

/**
 * Batches of a dataset (PyTorch's DataLoader). Iterate synchronously
 * (`for (const batch of loader)`) or asynchronously (`for await`), which
 * yields to the event loop between batches so a page stays responsive.
 */
export class DataLoader<T, B = T> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly collate: Collate<T, B> | null;
  private readonly generator: Generator;

  constructor(
    readonly dataset: Dataset<T>,
    options?: DataLoaderOptions<T, B>,
  ) {
    const o = checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'dropLast', 'collateFn', 'generator']);
    this.batchSize = o.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new ValueError(`DataLoader: batchSize should be a positive integer, got ${o.batchSize}`);
    this.shuffle = o.shuffle ?? false;
    this.dropLast = o.dropLast ?? false;
    this.collate = o.collateFn ?? null;
    this.generator = o.generator ?? defaultGenerator;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  private order(): number[] {
    const n = this.dataset.length;
    const idx = Array.from({ length: n }, (_, i) => i);
    if (!this.shuffle) return idx;
    const u = this.generator.uniform(n, true);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(u[i]! * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx;
  }

  private batch(indices: number[]): B {
    if (this.collate === null && this.dataset.getBatch) return this.dataset.getBatch(indices) as unknown as B;
    const items = indices.map((i) => this.dataset.get(i));
    return this.collate !== null ? this.collate(items) : (defaultCollate(items) as B);
  }

  *[Symbol.iterator](): Iterator<B> {
    const order = this.order();
    for (let b = 0; b < this.length; b++) yield this.batch(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    for (const batch of this) {
      yield batch;
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  }
}

/** Splits a dataset into non-overlapping random subsets of the given lengths (or fractions summing to 1). */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const n = dataset.length;
  let sizes = lengths.slice();
  const fractional = sizes.every((l) => l >= 0 && l <= 1) && Math.abs(sizes.reduce((a, b) => a + b, 0) - 1) < 1e-9 && sizes.some((l) => !Number.isInteger(l));
  if (fractional) {
    sizes = sizes.map((f) => Math.floor(n * f));
    // Distribute the remainder round-robin, as PyTorch.
    for (let i = 0, rest = n - sizes.reduce((a, b) => a + b, 0); rest > 0; i++, rest--) sizes[i % sizes.length]!++;
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((a, b) => a + b, 0) !== n)
    throw new ValueError(`randomSplit: sum of input lengths does not equal the length of the input dataset (${n}), got ${JSON.stringify(lengths)}`);
  const u = generator.uniform(n, true);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  let at = 0;
  return sizes.map((s) => {
    const sub = new Subset(dataset, perm.slice(at, at + s));
    at += s;
    return sub;
  });
}
