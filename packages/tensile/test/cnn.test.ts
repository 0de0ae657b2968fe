import { describe, expect, test } from 'vitest';
import '@tensile/backend-wasm';
import { argmax, eq, Generator, manualSeed, mean, nn, noGrad, optim, ready, setBackend, type Tensor, tensor, tidy, utils } from 'tensile';

/**
 * A generated image task: 8x8 images of a bright horizontal bar, vertical bar,
 * or diagonal, at a random position, under Gaussian noise. A small CNN (two
 * conv layers, max pooling, a linear head) must reach a stated accuracy.
 */
function makeImages(n: number, seed: number): { x: Tensor; y: Tensor } {
  const g = new Generator(seed);
  const u = g.uniform(n * 2, true);
  const noise = g.normal(n * 64, false);
  const img = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = Math.floor(u[2 * i]! * 3);
    const pos = 1 + Math.floor(u[2 * i + 1]! * 6);
    labels[i] = cls;
    for (let r = 0; r < 8; r++)
      for (let c = 0; c < 8; c++) {
        const on = cls === 0 ? r === pos : cls === 1 ? c === pos : r === c;
        img[i * 64 + r * 8 + c] = (on ? 1 : 0) + 0.3 * noise[i * 64 + r * 8 + c]!;
      }
  }
  return { x: tensor(img, { shape: [n, 1, 8, 8] }), y: tensor(labels) };
}

class SmallCNN extends nn.Module<[Tensor], Tensor> {
  conv1 = new nn.Conv2d(1, 6, 3, { padding: 1 });
  conv2 = new nn.Conv2d(6, 8, 3, { padding: 1 });
  pool = new nn.MaxPool2d(2);
  relu = new nn.ReLU();
  head = new nn.Linear(8 * 2 * 2, 3);
  forward(x: Tensor): Tensor {
    const h = this.pool(this.relu(this.conv1(x))) as Tensor;
    const h2 = this.pool(this.relu(this.conv2(h))) as Tensor;
    return this.head(h2.flatten(1));
  }
}

describe('a small CNN trains on generated images', () => {
  test.each(['cpu', 'wasm'])('reaches at least 95 percent test accuracy on %s', async (device) => {
    await ready(device);
    setBackend(device);
    manualSeed(0);
    const train = makeImages(384, 1);
    const testSet = makeImages(192, 2);
    const model = new SmallCNN();
    const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
    const lossFn = new nn.CrossEntropyLoss();
    const loader = new utils.data.DataLoader(new utils.data.TensorDataset(train.x, train.y), { batchSize: 32, shuffle: true, generator: new Generator(3) });
    for (let epoch = 0; epoch < 6; epoch++)
      for (const [bx, by] of loader)
        tidy(() => {
          opt.zeroGrad();
          lossFn(model(bx!), by!).backward();
          opt.step();
        });
    const acc = noGrad(() => tidy(() => mean(eq(argmax(model(testSet.x), 1), testSet.y).float()).itemSync()));
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });
});
