// Fused attention (issue 19): dispatch from the composite, its refusals, double backward through the
// fused forward, and the peak-memory contract (T = 2048 peaks at no more than 2.5x T = 1024), on
// every backend that registers the fused kernels. Values against the composite: src/fused.ts.
import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { KNOWN_BACKENDS, startBackend } from '@tensile/conformance';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  T.manualSeed(0);
});

/** The kernels the case called on `backend`, by op. */
function traced(backend: string, fn: () => void): Map<string, number> {
  const counts = new Map<string, number>();
  T.setTrace({ kernel: (op, b) => void (b === backend && counts.set(op, (counts.get(op) ?? 0) + 1)), transfer: () => {} });
  try {
    fn();
  } finally {
    T.setTrace(null);
  }
  return counts;
}

/** Peak bytes of one attention forward + backward at sequence length t (batch 1, 2 heads, dim 8). */
async function attentionPeak(device: string, t: number): Promise<number> {
  const opts = { device, generator: new T.Generator(t) };
  const q = T.randn([1, 2, t, 8], opts).requiresGrad_();
  const k = T.randn([1, 2, t, 8], opts).requiresGrad_();
  const v = T.randn([1, 2, t, 8], opts).requiresGrad_();
  await T.ready(device);
  T.resetPeakMemory(device);
  const before = T.memory(device).peakBytes!;
  T.scaledDotProductAttention(q, k, v, { isCausal: true }).sum().backward();
  await T.ready(device);
  const peak = T.memory(device).peakBytes! - before;
  for (const x of [q, k, v]) {
    x.grad!.dispose();
    x.dispose();
  }
  return peak;
}

for (const backend of KNOWN_BACKENDS)
  describe(backend, async () => {
    const started = await startBackend(backend);
    const fused = started.ok && T.kernelCoverage(backend).fused.includes('scaledDotProductAttention');
    const why = !started.ok ? ` (skipped: ${started.reason})` : fused ? '' : ' (skipped: no fused attention kernel)';

    test.skipIf(!started.ok)(`memory().peakBytes is resettable and counts allocations${started.ok ? '' : why}`, async () => {
      const a = T.zeros([1000], { device: backend });
      T.resetPeakMemory(backend);
      const base = T.memory(backend).peakBytes!;
      expect(base).toBeGreaterThanOrEqual(T.memory(backend).bytes);
      const b = T.zeros([5000], { device: backend });
      b.dispose();
      expect(T.memory(backend).peakBytes).toBeGreaterThanOrEqual(base + 5000 * 4);
      T.resetPeakMemory(backend);
      // What is held now (a kernel workspace counts), not the freed 5000 floats.
      expect(T.memory(backend).peakBytes).toBeGreaterThanOrEqual(T.memory(backend).bytes);
      expect(T.memory(backend).peakBytes).toBeLessThan(base + 5000 * 4);
      a.dispose();
    });

    test.skipIf(!fused)(`the composite dispatches to the fused kernels, forward and backward${why}`, () => {
      const q = T.randn([2, 3, 5, 4], { device: backend, requiresGrad: true });
      const counts = traced(backend, () => T.scaledDotProductAttention(q, q, q).sum().backward());
      expect(counts.get('scaledDotProductAttention')).toBe(1);
      expect(counts.get('scaledDotProductAttentionBackward')).toBe(1);
      expect(counts.get('softmax') ?? 0).toBe(0);
    });

    test.skipIf(!fused)(`dropoutP > 0 and a mask that needs a gradient stay on the composite${why}`, () => {
      const q = T.randn([2, 5, 4], { device: backend });
      const mask = T.randn([5, 5], { device: backend, requiresGrad: true });
      const counts = traced(backend, () => {
        T.scaledDotProductAttention(q, q, q, { dropoutP: 0.3 });
        T.scaledDotProductAttention(q, q, q, { attnMask: mask });
      });
      expect(counts.get('scaledDotProductAttention') ?? 0).toBe(0);
    });

    test.skipIf(!fused)(`double backward through the fused forward matches the composite's${why}`, () => {
      const dtype = T.getBackendObject(backend).supportsFloat64 ? 'float64' : 'float32';
      const make = () => T.randn([2, 4, 3], { device: backend, dtype, generator: new T.Generator(5), requiresGrad: true });
      const run = (dropoutP: number) => {
        const q = make();
        // dropoutP = 1e-300 keeps the composite path with (to the dtype) the same values.
        const out = T.scaledDotProductAttention(q, q, q, { dropoutP, isCausal: true });
        const [g] = T.grad(out.pow(2).sum(), q, null, { createGraph: true });
        const [gg] = T.grad(g!.pow(2).sum(), q);
        return [g!.detach().tolistSync(), gg!.tolistSync()];
      };
      if (!T.getBackendObject(backend).syncReadback) return;
      const [fusedG, fusedGG] = run(0);
      const [compG, compGG] = run(1e-300);
      const close = (a: unknown, b: unknown) =>
        expect((a as number[]).flat(3)).toEqual((b as number[]).flat(3).map((x) => expect.closeTo(x as number, 5)));
      close(fusedG, compG);
      close(fusedGG, compGG);
    });

    test.skipIf(!fused)(
      `attention forward + backward at T = 2048 peaks at no more than 2.5x T = 1024${why}`,
      async () => {
        const p1 = await attentionPeak(backend, 1024);
        const p2 = await attentionPeak(backend, 2048);
        expect(p1).toBeGreaterThan(0);
        expect(p2 / p1).toBeLessThanOrEqual(2.5);
      },
      120_000,
    );
  });
