import { beforeEach, expect, test } from 'vitest';
import '@tensile/backend-wasm';
import { manualSeed, nn, optim, randn, ready } from 'tensile';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

/** PyTorch users may build the optimizer before moving the model: the optimizer must then step the moved parameters. */
test('an optimizer built before model.to(device) updates the moved parameters on that device', async () => {
  await ready('wasm');
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 1));
  const opt = new optim.Adam(model.parameters(), { lr: 0.1 });
  model.to('wasm');
  const before = model.parameters().map((p) => Array.from(p.dataSync()));
  const loss = model(randn([8, 3], { device: 'wasm' })).pow(2).mean();
  loss.backward();
  opt.step();
  const params = model.parameters();
  expect(params.every((p) => p.device === 'wasm')).toBe(true);
  params.forEach((p, i) => expect(Array.from(p.dataSync())).not.toEqual(before[i]));
  opt.dispose();
});
