// The fused attention kernels on webgpu: the composite dispatches to them, and they hold nothing of
// size L x S (T = 2048 peaks at no more than 2.5x T = 1024; an L x S scores buffer would make it 4x).
// Values against the composite: the conformance suite's fused checks.
import { expect, it } from 'vitest';
import {
  DeviceError,
  type FusedKernel,
  fusedKernel,
  Generator,
  getBackendObject,
  memory,
  randn,
  zeros,
  ready,
  resetPeakMemory,
  scaledDotProductAttention,
  setTrace,
} from '@tensile/core';
import { describeGpu, floats, pair } from './gpu.js';

/** Peak bytes of one attention forward + backward at sequence length t (batch 1, 1 head, E 16), and the kernels it ran. */
async function attentionPeak(t: number): Promise<{ peak: number; kernels: Set<string> }> {
  const opts = { device: 'webgpu', generator: new Generator(t), requiresGrad: true };
  const [q, k, v] = [randn([1, 1, t, 16], opts), randn([1, 1, t, 16], opts), randn([1, 1, t, 16], opts)];
  await ready('webgpu');
  resetPeakMemory('webgpu');
  const before = memory('webgpu').peakBytes!;
  const kernels = new Set<string>();
  setTrace({ kernel: (op) => void kernels.add(op), transfer: () => {} });
  try {
    scaledDotProductAttention(q, k, v, { isCausal: true }).sum().backward();
  } finally {
    setTrace(null);
  }
  await q.grad!.data();
  const peak = memory('webgpu').peakBytes! - before;
  for (const x of [q, k, v]) {
    x.grad!.dispose();
    x.dispose();
  }
  return { peak, kernels };
}

describeGpu('fused attention', () => {
  it('forward + backward at T = 2048 peaks at no more than 2.5x T = 1024, through the fused kernels', async () => {
    const small = await attentionPeak(1024);
    const large = await attentionPeak(2048);
    for (const run of [small, large]) {
      expect(run.kernels).toContain('scaledDotProductAttention');
      expect(run.kernels).toContain('scaledDotProductAttentionBackward');
      expect(run.kernels).not.toContain('softmax');
    }
    expect(small.peak).toBeGreaterThan(0);
    expect(large.peak / small.peak).toBeLessThanOrEqual(2.5);
  }, 300_000);

  it('takes more batch dims than the shader walks where they collapse (6 here, broadcast over one), as cpu', async () => {
    const shape = [2, 1, 2, 1, 2, 1, 3, 4];
    const n = shape.reduce((a, b) => a * b, 1);
    const [qc, qg] = pair(floats(n, 1), shape, 'float32');
    const [kc, kg] = pair(floats(2 * 3 * 4, 2), [2, 1, 1, 1, 1, 1, 3, 4], 'float32');
    const want = scaledDotProductAttention(qc, kc, kc, { isCausal: true });
    const got = scaledDotProductAttention(qg, kg, kg, { isCausal: true });
    expect(got.shape).toEqual(want.shape);
    const w = await want.data();
    expect(Array.from(await got.data())).toEqual(Array.from(w, (x) => expect.closeTo(x, 5)));
  });

  it('refuses a strided out, naming the op and the shapes, and writes nothing', async () => {
    const kernel = fusedKernel('scaledDotProductAttention', getBackendObject('webgpu')) as FusedKernel;
    const out = zeros([1, 4, 3], { device: 'webgpu' });
    const lse = zeros([1, 3], { device: 'webgpu' });
    const q = randn([1, 3, 4], { device: 'webgpu', generator: new Generator(3) });
    const strided = out.transpose(-2, -1);
    const call = () => kernel([strided, lse, q, q, q], { scale: 0.5, isCausal: false, mask: 'none' }, strided);
    expect(call).toThrow(DeviceError);
    expect(call).toThrow(/scaledDotProductAttention: expects contiguous outputs.*float32\[1, 3, 4\]/);
    expect(Array.from(await out.data())).toEqual(Array(12).fill(0));
  });
});
