// Every case of ../shared/golden/layers/<Layer>.json for the layers this
// package has: outputs, input and parameter gradients, buffers after a
// training-mode forward, and error cases that must throw and change nothing.
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { noGrad, type Tensor } from '@tensile/core';
import * as nn from '@tensile/nn';
import { expectClose, type GoldenTensor, ISSUE_11_LAYERS, type LayerCase, listGolden, readGolden, toTensor } from '../helpers/golden.js';


const COVERED = ['BatchNorm1d', 'ELU', 'Embedding', 'GELU', 'Hardtanh', 'LayerNorm', 'LeakyReLU', 'Linear', 'Mish', 'SiLU', 'Softplus'];
// Convolutions, pools, recurrent layers, BatchNorm2d and Bilinear: issue 11, checked by conv-rnn.golden.test.ts.
const LATER = ISSUE_11_LAYERS;

test('every golden layer file is covered here or by conv-rnn.golden.test.ts', () => {
  const files = listGolden('layers').map((f) => f.replace(/\.json$/, ''));
  expect(files.filter((f) => !COVERED.includes(f) && !LATER.includes(f))).toEqual([]);
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const layers = nn as unknown as Record<string, new (options: Record<string, unknown>) => nn.Module<any[], Tensor>>;

function build(c: LayerCase): nn.Module {
  const m = new layers[c.layer]!(c.options);
  if (Object.keys(c.params).length > 0) {
    const sd: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(c.params)) sd[k] = toTensor(t);
    m.loadStateDict(sd);
  }
  return c.mode === 'eval' ? m.eval() : m.train();
}

function snapshot(m: nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.dataSync()]]));
}

for (const layer of COVERED) {
  describe(layer, () => {
    for (const c of readGolden<LayerCase>('layers', `${layer}.json`).cases) {
      test(c.id, () => {
        const args = c.args.map((a) => toTensor(a.tensor, { requiresGrad: a.requiresGrad }));
        if (c.error !== undefined) {
          // Either the constructor or the forward must throw, and a built module must be left as it was.
          let m: nn.Module | null = null;
          try {
            m = build(c);
          } catch {
            return;
          }
          const before = snapshot(m);
          expect(() => m!(...args), c.error).toThrow();
          expect(snapshot(m)).toEqual(before);
          args.forEach((a) => expect(a.grad).toBeNull());
          return;
        }
        const m = build(c);
        const out = m(...args) as Tensor;
        const rtol = c.rtol ?? 1e-4;
        const atol = c.atol ?? 1e-5;
        expectClose('output', out, c.output as GoldenTensor, rtol, atol);
        out.backward(toTensor(c.gradOutput as GoldenTensor));
        const params = m.stateDict();
        for (const [k, want] of Object.entries(c.grads!)) {
          const got = k.startsWith('param:') ? params[k.slice(6)]!.grad : args[c.args.findIndex((a) => a.name === k)]!.grad;
          expectClose(`grad ${k}`, got, want, rtol, atol);
        }
        // Buffers never get gradients, and every parameter with requiresGrad got one that was checked.
        for (const [name, p] of m.namedParameters()) expect(Object.keys(c.grads!), `param:${name}`).toContain(`param:${name}`), void p;
        for (const [k, want] of Object.entries(c.buffersAfter ?? {})) {
          expectClose(`buffer ${k}`, params[k], want, rtol, atol);
          expect(params[k]!.dtype).toBe(want.dtype);
        }
        noGrad(() => out.dispose());
      });
    }
  });
}
