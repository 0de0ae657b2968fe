// Every case of ../shared/golden/ops/conv.json (F.conv1d, conv2d, max_pool2d,
// avg_pool2d): outputs, input/weight/bias gradients, and error cases.
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { backward, memory, TensileError, type Tensor } from '@tensile/core';
import { functional as F } from '@tensile/nn';
import { expectClose, type GoldenTensor, readGolden, toTensor } from '../helpers/golden.js';

interface Arg {
  name: string;
  tensor: GoldenTensor;
  requiresGrad: boolean;
}
interface OpCase {
  id: string;
  op: 'conv1d' | 'conv2d' | 'max_pool2d' | 'avg_pool2d';
  args: (Arg | number | number[])[];
  kwargs: Record<string, unknown>;
  gradOutput?: GoldenTensor | (GoldenTensor | null)[];
  output?: GoldenTensor | GoldenTensor[];
  grads?: Record<string, GoldenTensor>;
  error?: string;
  rtol?: number;
  atol?: number;
}

function call(c: OpCase, tensors: Tensor[]): Tensor | [Tensor, Tensor] {
  const plain = c.args.filter((a) => typeof a !== 'object' || Array.isArray(a)) as (number | number[])[];
  const k = c.kwargs as never;
  switch (c.op) {
    case 'conv1d':
      return F.conv1d(tensors[0]!, tensors[1]!, tensors[2] ?? null, k);
    case 'conv2d':
      return F.conv2d(tensors[0]!, tensors[1]!, tensors[2] ?? null, k);
    case 'max_pool2d':
      return F.maxPool2d(tensors[0]!, plain[0]!, k);
    case 'avg_pool2d':
      return F.avgPool2d(tensors[0]!, plain[0]!, k);
  }
}

describe('golden ops/conv.json', () => {
  for (const c of readGolden<OpCase>('ops', 'conv.json').cases)
    test(c.id, () => {
      const tensorArgs = c.args.filter((a): a is Arg => typeof a === 'object' && !Array.isArray(a));
      const tensors = tensorArgs.map((a) => toTensor(a.tensor, { requiresGrad: a.requiresGrad }));
      if (c.error !== undefined) {
        const before = memory();
        const data = tensors.map((t) => [...t.dataSync()]);
        let err: unknown;
        try {
          call(c, tensors);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(TensileError);
        expect((err as Error).message).toMatch(new RegExp(c.op.replace('_', '').replace('pool2d', 'Pool2d')));
        expect(memory()).toEqual(before);
        expect(tensors.map((t) => [...t.dataSync()])).toEqual(data);
        return;
      }
      const out = call(c, tensors);
      const outs = Array.isArray(out) ? out : [out];
      const wants = (Array.isArray(c.output) ? c.output : [c.output]) as GoldenTensor[];
      outs.forEach((o, i) => expectClose(`${c.id} output ${i}`, o, wants[i]!, c.rtol, c.atol));
      const go = (Array.isArray(c.gradOutput) ? c.gradOutput[0] : c.gradOutput) as GoldenTensor;
      backward([outs[0]!], [toTensor(go)]);
      for (const [name, want] of Object.entries(c.grads ?? {})) {
        const i = tensorArgs.findIndex((a) => a.name === name);
        expectClose(`${c.id} grad ${name}`, tensors[i]!.grad, want, c.rtol, c.atol);
      }
    });
});
