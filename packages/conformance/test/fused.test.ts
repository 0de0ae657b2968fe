import { expect, test } from 'vitest';
import { type FusedKernel, registerKernel, type TensorView } from '@tensile/core';
import { runConformance } from '@tensile/conformance';
import { scratchBackend } from './scratch.js';

type HostView = TensorView & { storage: TensorView['storage'] & { data: Float32Array } };

/** A fused softmax over the last dim of a contiguous input; `skew` plants an error. */
function fusedSoftmax(skew: number): FusedKernel {
  return (inputs, _options, out) => {
    const x = inputs[0] as HostView;
    const o = out as HostView;
    const n = x.shape[x.shape.length - 1]!;
    for (let r = 0; r < x.storage.size / n; r++) {
      let m = -Infinity;
      for (let i = 0; i < n; i++) m = Math.max(m, x.storage.data[x.offset + r * n + i]!);
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.exp(x.storage.data[x.offset + r * n + i]! - m);
      for (let i = 0; i < n; i++) o.storage.data[o.offset + r * n + i] = Math.exp(x.storage.data[x.offset + r * n + i]! - m) / s + skew;
    }
  };
}

scratchBackend('fusedGood');
registerKernel('softmax', 'fusedGood', fusedSoftmax(0));
scratchBackend('fusedBad');
registerKernel('softmax', 'fusedBad', fusedSoftmax(1e-3));

test('a fused kernel that agrees with the composed op passes; one that drifts fails with its seed', async () => {
  // Only softmax: the scratch backends copy cpu's kernels, fused logSoftmax included.
  const opts = { kinds: [], filter: /^fused\/softmax$/ } as const;
  const good = await runConformance({ ...opts, backend: 'fusedGood' });
  expect(good.cases.map((c) => [c.id, c.status])).toEqual([['fused/softmax', 'passed']]);
  const bad = await runConformance({ ...opts, backend: 'fusedBad' });
  expect(bad.cases.map((c) => [c.id, c.status])).toEqual([['fused/softmax', 'failed']]);
  expect(bad.cases[0]!.failures[0]!.message).toContain(`seed ${bad.cases[0]!.seed}`);
});
