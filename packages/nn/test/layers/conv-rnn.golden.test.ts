// Golden cases of the layers for real models (issue 11): convolutions, pools,
// BatchNorm2d, LSTM, GRU, Bilinear — outputs, input and parameter gradients,
// buffers, and error cases that must throw and change nothing.
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { backward, memory, TensileError, type Tensor } from '@tensile/core';
import * as nn from '@tensile/nn';
import { expectClose, type GoldenTensor, ISSUE_11_LAYERS, type LayerCase, readGolden, toTensor } from '../helpers/golden.js';



// eslint-disable-next-line @typescript-eslint/no-explicit-any
const layers = nn as unknown as Record<string, new (options: Record<string, unknown>) => nn.Module<any[], any>>;

/** Runs forward with the case's args; recurrent layers take their initial states as PyTorch does. */
function forward(m: nn.Module, c: LayerCase, args: Tensor[]): Tensor[] {
  if (c.layer === 'LSTM') {
    const [out, [h, cc]] = m(args[0], args.length > 1 ? [args[1], args[2]] : undefined) as [Tensor, Tensor[]];
    return [out, h!, cc!];
  }
  if (c.layer === 'GRU') {
    const [out, h] = m(args[0], args[1]) as [Tensor, Tensor];
    return [out, h];
  }
  const r = m(...args) as Tensor | Tensor[];
  return Array.isArray(r) ? r : [r];
}

for (const layer of ISSUE_11_LAYERS)
  describe(layer, () => {
    for (const c of readGolden<LayerCase>('layers', `${layer}.json`).cases)
      test(c.id, () => {
        const args = c.args.map((a) => toTensor(a.tensor, { requiresGrad: a.requiresGrad }));
        const build = () => {
          const m = new layers[c.layer]!(c.options);
          const sd = Object.fromEntries(Object.entries(c.params).map(([k, t]) => [k, toTensor(t)]));
          if (Object.keys(sd).length > 0) m.loadStateDict(sd);
          return c.mode === 'eval' ? m.eval() : m.train();
        };
        if (c.error !== undefined) {
          let m: nn.Module | null = null;
          let err: unknown;
          const before = memory();
          try {
            m = build();
          } catch (e) {
            err = e;
          }
          if (m !== null) {
            const state = Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.dataSync()]]));
            const mem = memory();
            try {
              forward(m, c, args);
            } catch (e) {
              err = e;
            }
            expect(Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.dataSync()]]))).toEqual(state);
            expect(memory()).toEqual(mem);
          } else expect(memory()).toEqual(before);
          expect(err).toBeInstanceOf(TensileError);
          expect((err as Error).message).toMatch(new RegExp(`${c.layer}|${c.layer.toLowerCase()}|batchNorm|bilinear|adaptive_avg_pool2d|conv|Pool`, 'i'));
          return;
        }
        const m = build();
        const outs = forward(m, c, args);
        const wants = (Array.isArray(c.output) ? c.output : [c.output]) as GoldenTensor[];
        wants.forEach((w, i) => expectClose(`${c.id} output ${i}`, outs[i], w, c.rtol, c.atol));
        const gos = (Array.isArray(c.gradOutput) ? c.gradOutput : [c.gradOutput]) as (GoldenTensor | null)[];
        const roots: Tensor[] = [];
        const seeds: Tensor[] = [];
        gos.forEach((g, i) => {
          if (g !== null && g !== undefined) {
            roots.push(outs[i]!);
            seeds.push(toTensor(g));
          }
        });
        if (roots.length > 0) backward(roots, seeds);
        const params = Object.fromEntries(m.namedParameters());
        for (const [name, want] of Object.entries(c.grads ?? {})) {
          const got = name.startsWith('param:') ? params[name.slice(6)]?.grad : args[c.args.findIndex((a) => a.name === name)]?.grad;
          expectClose(`${c.id} grad ${name}`, got, want, c.rtol, c.atol);
        }
        const sd = m.stateDict();
        for (const [name, want] of Object.entries(c.buffersAfter ?? {})) expectClose(`${c.id} buffer ${name}`, sd[name], want, c.rtol, c.atol);
      });
  });
