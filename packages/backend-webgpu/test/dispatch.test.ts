import { beforeEach, expect, it } from 'vitest';
import { fromHostArray, grad, manualSeed, noGrad, type Tensor, tidy } from '@tensile/core';
import { CrossEntropyLoss, functional as F, Linear, type Module, ReLU, Sequential } from '@tensile/nn';
import { Adam } from '@tensile/optim';
import { webgpuBackend } from '@tensile/backend-webgpu';
import { describeGpu, floats } from './gpu.js';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

/** bench W6's step (a 2-32-32-2 MLP, batch 32, CrossEntropyLoss, Adam) on `device`, with the same starting weights everywhere. */
function mlp(device: string): { step: () => Tensor; params: Tensor[] } {
  const sizes = [2, 32, 32, 2];
  const layers: Module[] = [];
  for (let i = 0; i < 3; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { device }));
    if (i < 2) layers.push(new ReLU());
  }
  const model = new Sequential(...layers);
  const params = model.parameters();
  noGrad(() => params.forEach((p, j) => p.copy_(fromHostArray(floats(p.numel(), 100 + j, -0.4, 0.4), p.shape, 'float32', device))));
  const x = fromHostArray(floats(64, 1), [32, 2], 'float32', device);
  const labels = fromHostArray(
    Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 2),
    [32],
    'int32',
    device,
  );
  const lossFn = new CrossEntropyLoss();
  const opt = new Adam(params, { lr: 1e-2 });
  const step = () =>
    tidy(() => {
      opt.zeroGrad();
      const l = lossFn(model(x), labels);
      l.backward();
      opt.step();
      return l;
    });
  return { step, params };
}

describeGpu('kernels dispatched per step on webgpu', () => {
  it("a small MLP's training step dispatches at most 26 kernels (53 before the fused kernels) and trains as on the cpu", async () => {
    const gpu = mlp('webgpu');
    const cpu = mlp('cpu');
    for (let i = 0; i < 2; i++) await Promise.all([gpu.step().item(), cpu.step().item()]);
    const before = webgpuBackend.dispatchCount;
    const byKernel = webgpuBackend.dispatchCounts();
    const loss = gpu.step();
    const n = webgpuBackend.dispatchCount - before;
    const after = webgpuBackend.dispatchCounts();
    const used = Object.keys(after).filter((k) => after[k]! > (byKernel[k] ?? 0));
    expect(n).toBeLessThanOrEqual(26);
    // The step runs through the fused kernels, not the composites they replace.
    expect(used).toEqual(expect.arrayContaining(['linear', 'nllLossReduced', 'crossEntropyBackward', 'reluBackward', 'adamStep']));
    expect(used).not.toContain('gather');
    expect(await loss.item()).toBeCloseTo(await cpu.step().item(), 5);
    for (let j = 0; j < gpu.params.length; j++) {
      const [a, b] = [await gpu.params[j]!.data(), await cpu.params[j]!.data()];
      for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(b[k]!, 5);
    }
  });

  it('fused cross-entropy: ignored targets, sum, all ignored (NaN, zero gradient) and double backward agree with the cpu', async () => {
    const logits = floats(6 * 5, 7);
    const cases: { target: number[]; options: Record<string, unknown> }[] = [
      { target: [0, 4, -100, 2, 1, -100], options: {} },
      { target: [0, 4, 3, 2, 1, 0], options: { reduction: 'sum' } },
      { target: [1, 1, 1, 1, 1, 1], options: { ignoreIndex: 1 } },
    ];
    for (const { target, options } of cases) {
      const out: { loss: number; grad: Float32Array; gg: Float32Array }[] = [];
      for (const device of ['webgpu', 'cpu']) {
        const x = fromHostArray(logits, [6, 5], 'float32', device).requiresGrad_(true);
        const t = fromHostArray(Int32Array.from(target), [6], 'int32', device);
        const loss = F.crossEntropy(x, t, options);
        const [g] = grad([loss], [x], undefined, { createGraph: true, retainGraph: true });
        const [gg] = grad([g!.pow(2).sum()], [x], undefined, { retainGraph: true });
        loss.backward();
        out.push({ loss: await loss.item(), grad: (await x.grad!.data()) as Float32Array, gg: (await gg!.data()) as Float32Array });
      }
      const [w, c] = out as [(typeof out)[0], (typeof out)[0]];
      if (Number.isNaN(c.loss)) expect(w.loss).toBeNaN();
      else expect(w.loss).toBeCloseTo(c.loss, 5);
      for (let k = 0; k < c.grad.length; k++) {
        expect(w.grad[k]).toBeCloseTo(c.grad[k]!, 6);
        expect(w.gg[k]).toBeCloseTo(c.gg[k]!, 5);
      }
    }
  });
});
