import { describe, expect, test } from 'vitest';
import { arange, Generator, randn, tensor, type Tensor, utils } from 'tensile';

const { DataLoader, TensorDataset, randomSplit } = utils.data;

describe('utils.data', () => {
  const x = arange(10).reshape(10, 1).float();
  const y = arange(10);
  const ds = new TensorDataset(x, y);

  test('batches in order, with a smaller last batch unless dropLast', () => {
    const batches = [...new DataLoader(ds, { batchSize: 4 })] as Tensor[][];
    expect(batches.map(([, b]) => b!.tolistSync())).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(new DataLoader(ds, { batchSize: 4, dropLast: true }).length).toBe(2);
    expect([...new DataLoader(ds, { batchSize: 4, dropLast: true })].length).toBe(2);
  });

  test('shuffle is seeded: the same generator seed gives the same order, every epoch differs, each element once', () => {
    const order = (seed: number) => {
      const loader = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(seed) });
      return [[...loader].flatMap(([, b]) => b!.tolistSync() as number[]), [...loader].flatMap(([, b]) => b!.tolistSync() as number[])];
    };
    const [a1, a2] = order(7);
    const [b1] = order(7);
    expect(a1).toEqual(b1);
    expect(a1).not.toEqual(a2);
    expect([...a1!].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('a collate function builds the batch; the default stacks items', () => {
    const loader = new DataLoader(ds, { batchSize: 5, collateFn: (items: Tensor[][]) => items.length });
    expect([...loader]).toEqual([5, 5]);
    const plain = { length: 3, get: (i: number) => tensor([i, i * 10]) };
    const [batch] = [...new DataLoader(plain, { batchSize: 3 })] as Tensor[];
    expect(batch!.tolistSync()).toEqual([[0, 0], [1, 10], [2, 20]]);
  });

  test('async iteration yields to the event loop between batches', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let n = 0;
    for await (const [bx] of new DataLoader(ds, { batchSize: 2 })) n += bx!.shape[0]!;
    clearInterval(timer);
    expect(n).toBe(10);
    expect(ticks).toBeGreaterThan(0);
  });

  test('randomSplit partitions the dataset by lengths or fractions', () => {
    const [a, b] = randomSplit(ds, [7, 3], new Generator(1));
    expect(a!.length + b!.length).toBe(10);
    const seen = [...Array(a!.length).keys()].map((i) => a!.get(i)[1]!.itemSync()).concat([...Array(b!.length).keys()].map((i) => b!.get(i)[1]!.itemSync()));
    expect(seen.sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(randomSplit(ds, [0.5, 0.5]).map((s) => s.length)).toEqual([5, 5]);
    expect(() => randomSplit(ds, [4, 4])).toThrow(/sum of input lengths/);
    expect(() => new TensorDataset(randn(3, 2), randn(4))).toThrow(/size mismatch/);
  });
});
