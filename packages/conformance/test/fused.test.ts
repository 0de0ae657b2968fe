import { expect, test } from 'vitest';
import { add, declareComposite, type FusedKernel, mul, noGrad, ones, registerKernel, softmaxComposed, Tensor, type TensorView } from '@tensile/core';
import { runConformance } from '@tensile/conformance';
import { scratchBackend } from './scratch.js';

/** A fused softmax standing in for a backend's: the composite on the same device, then `skew` added (a planted error). */
function fusedSoftmax(skew: number): FusedKernel {
  return (inputs, options, out) => {
    const view = (v: TensorView) => new Tensor(v.storage, v.shape, v.strides, v.offset);
    const x = view(inputs[0]!);
    const o = view(out);
    noGrad(() => {
      const y = add(softmaxComposed(x, options.dim as number), skew);
      o.copy_(y);
      y.dispose();
    });
    x.dispose();
    o.dispose();
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

// A composite declared outside core, as an extension package would, with its check.
declareComposite(
  'probeTwice',
  { group: 'elementwise', dtype: 'same', arity: 1, differentiable: false, doc: '2 x, declared by the conformance tests' },
  { inputs: (device) => [ones([4], { device })], variants: [{}], composed: (ins) => mul(ins[0]!, 2) },
);
const twice =
  (factor: number): FusedKernel =>
  (inputs, _options, out) => {
    const x = new Tensor(inputs[0]!.storage, inputs[0]!.shape, inputs[0]!.strides, inputs[0]!.offset);
    const o = new Tensor(out.storage, out.shape, out.strides, out.offset);
    noGrad(() => {
      const y = mul(x, factor);
      o.copy_(y);
      y.dispose();
    });
    x.dispose();
    o.dispose();
  };
scratchBackend('declaredGood');
registerKernel('probeTwice', 'declaredGood', twice(2));
scratchBackend('declaredBad');
registerKernel('probeTwice', 'declaredBad', twice(2.001));

test("a fused kernel for a composite another package declares is checked with that declaration's check", async () => {
  const opts = { kinds: [], filter: /^fused\/probeTwice$/ } as const;
  const good = await runConformance({ ...opts, backend: 'declaredGood' });
  expect(good.cases.map((c) => [c.id, c.status])).toEqual([['fused/probeTwice', 'passed']]);
  const bad = await runConformance({ ...opts, backend: 'declaredBad' });
  expect(bad.cases.map((c) => [c.id, c.status])).toEqual([['fused/probeTwice', 'failed']]);
});
