import { memory } from 'tensile';
import { expect, it } from 'vitest';
import { DEFAULT_CONFIG, train } from '../src/train.js';

it('training holds memory flat from epoch to epoch and frees its data at the end', async () => {
  const start = memory().tensors;
  const perEpoch: number[] = [];
  const r = await train({ ...DEFAULT_CONFIG, backend: 'cpu', epochs: 4, trainSize: 300, testSize: 100 }, { batch() {}, epoch: () => void perEpoch.push(memory().tensors) });
  expect(new Set(perEpoch).size).toBe(1);
  // Left: the model's parameters and their gradients.
  const params = r.model.parameters();
  expect(memory().tensors - start).toBe(params.length + params.filter((p) => p.grad != null).length);
  expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
});
