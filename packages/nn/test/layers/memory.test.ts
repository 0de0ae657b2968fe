// A training loop written the documented way (tidy around each step,
// zeroGrad) holds its memory flat with every layer of this package in it.
import { expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { manualSeed, memory, noGrad, tensor, tidy, type Tensor } from '@tensile/core';
import * as nn from '@tensile/nn';

// What is live (peakBytes moves with every allocation, so it is not part of the comparison).
const liveOf = ({ tensors, bytes }: { tensors: number; bytes: number }) => ({ tensors, bytes });

test('memory stays flat over training steps, and a rejected forward allocates nothing', () => {
  // Random init and Dropout draw from the default generator: seeded, every run sees the same numbers.
  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(4, 8),
    new nn.BatchNorm1d(8, { momentum: null }),
    new nn.LeakyReLU(0.1),
    new nn.Dropout(0.2),
    new nn.LayerNorm(8),
    new nn.ELU(),
    new nn.GELU({ approximate: 'tanh' }),
    new nn.SiLU(),
    new nn.Mish(),
    new nn.Softplus({ beta: 2 }),
    new nn.Hardtanh(),
    new nn.Linear(8, 3),
    new nn.LogSoftmax(1),
  );
  const emb = new nn.Embedding(10, 4, { paddingIdx: 0 });
  const idx = tensor(new Int32Array([0, 3, 9, 3]));
  const step = () =>
    tidy(() => {
      model.zeroGrad();
      emb.zeroGrad();
      const loss = (model(emb(idx)) as Tensor).sum();
      loss.backward();
      noGrad(() => {
        for (const p of [...model.parameters(), ...emb.parameters()]) p.sub_(p.grad!.mul(0.01));
      });
    });
  step();
  const before = memory();
  for (let i = 0; i < 5; i++) step();
  expect(liveOf(memory())).toEqual(liveOf(before));
  const bad = tensor([[1, 2, 3]]);
  const mem = memory();
  expect(() => tidy(() => model(bad))).toThrow();
  expect(liveOf(memory())).toEqual(liveOf(mem));
});
