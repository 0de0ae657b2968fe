import { expect, it } from 'vitest';
import { fromHostArray, memory, noGrad, setTrace, type Tensor, tidy } from '@tensile/core';
import { describeGpu, floats } from './gpu.js';

/** A two-layer regression net trained by hand-written SGD, written the documented way (tidy per step). */
function train(device: string, steps: number, onStep?: (i: number) => void): { loss: Tensor; w1: Tensor; w2: Tensor } {
  const x = fromHostArray(floats(16 * 4, 1), [16, 4], 'float32', device);
  const y = fromHostArray(floats(16, 2), [16, 1], 'float32', device);
  const w1 = fromHostArray(floats(4 * 8, 3, -0.5, 0.5), [4, 8], 'float32', device);
  const w2 = fromHostArray(floats(8, 4, -0.5, 0.5), [8, 1], 'float32', device);
  w1.requiresGrad = true;
  w2.requiresGrad = true;
  let loss: Tensor | null = null;
  for (let i = 0; i < steps; i++) {
    loss?.dispose();
    loss = tidy(() => {
      const l = x.matmul(w1).tanh().matmul(w2).sub(y).pow(2).mean();
      l.backward();
      noGrad(() => {
        for (const w of [w1, w2]) {
          w.sub_(w.grad!.mul(0.1));
          w.grad!.zero_();
        }
      });
      return l.detach();
    });
    onStep?.(i);
  }
  return { loss: loss!, w1, w2 };
}

describeGpu('training on webgpu', () => {
  it('200 steps hold memory flat, read nothing back, and match the cpu', async () => {
    let readbacks = 0;
    let settled: { tensors: number; pooled: number } | null = null;
    setTrace({ kernel: () => undefined, transfer: (direction) => void (direction === 'readback' && readbacks++) });
    let gpu: ReturnType<typeof train>;
    try {
      gpu = train('webgpu', 200, (i) => {
        // Live tensors, and the buffers kept for reuse: a loop that never yields must not grow GPU memory either.
        const m = memory('webgpu');
        const now = { tensors: m.tensors, pooled: m.pooledBytes! };
        if (i === 10) settled = now;
        if (i > 10) expect(now).toEqual(settled);
      });
    } finally {
      setTrace(null);
    }
    expect(readbacks).toBe(0);
    const cpu = train('cpu', 200);
    const want = cpu.loss.dataSync()[0]!;
    const got = await gpu.loss.item();
    expect(got).toBeLessThan(0.9 * (await train('cpu', 1).loss.item()));
    expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(want));
  });
});
