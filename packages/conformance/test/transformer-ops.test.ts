// Each op and layer issue 18 adds, called by its public name (function, Tensor method, getter, F.) on a
// small input on every backend this machine can start, against the cpu result: the goldens
// check the values, this checks that every spelling of every name is wired on every device.
import { describe, expect, test, vi } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import * as nn from '@tensile/nn';
import { functional as F } from '@tensile/nn';
import { KNOWN_BACKENDS, startBackend } from '@tensile/conformance';

vi.setConfig({ testTimeout: 120_000 });

type Call = (d: string) => T.Tensor | T.Tensor[];
const x = (d: string, shape: number[], offset = 0) => T.arange(shape.reduce((a, b) => a * b, 1), { device: d }).add(offset).mul(0.25).reshape(shape);

const CALLS: Record<string, Call> = {
  tril: (d) => T.tril(x(d, [3, 4]), 1),
  'Tensor.tril': (d) => x(d, [3, 4]).tril(-1),
  triu: (d) => T.triu(x(d, [2, 3, 3])),
  'Tensor.triu': (d) => x(d, [3, 4]).triu(2),
  bmm: (d) => T.bmm(x(d, [2, 2, 3]), x(d, [2, 3, 2], 1)),
  'Tensor.bmm': (d) => x(d, [1, 2, 3]).bmm(x(d, [1, 3, 1])),
  addmm: (d) => T.addmm(x(d, [2]), x(d, [2, 3]), x(d, [3, 2], -1), { beta: 0.5, alpha: 2 }),
  'Tensor.addmm': (d) => x(d, [2, 2]).addmm(x(d, [2, 3]), x(d, [3, 2])),
  baddbmm: (d) => T.baddbmm(x(d, [1, 2, 2]), x(d, [2, 2, 3]), x(d, [2, 3, 2]), { beta: 0 }),
  'Tensor.baddbmm': (d) => x(d, [2, 2, 2]).baddbmm(x(d, [2, 2, 3]), x(d, [2, 3, 2])),
  unbind: (d) => T.unbind(x(d, [3, 2]), 1),
  'Tensor.unbind': (d) => x(d, [2, 3]).unbind(),
  'Tensor.T': (d) => x(d, [2, 3, 4]).T.contiguous(),
  'Tensor.mT': (d) => x(d, [2, 3, 4]).mT.contiguous(),
  repeat: (d) => T.repeat(x(d, [2, 1]), [2, 1, 3]),
  'Tensor.repeat': (d) => x(d, [3]).repeat(2, 2),
  diagonal: (d) => T.diagonal(x(d, [3, 4]), 1),
  'Tensor.diagonal': (d) => x(d, [2, 3, 3]).diagonal(0, 1, 2),
  einsum: (d) => T.einsum('bij,bjk->bik', x(d, [2, 2, 3]), x(d, [2, 3, 2])),
  'einsum ellipsis and trace': (d) => T.einsum('...ii->...', x(d, [2, 3, 3])),
  scaledDotProductAttention: (d) => T.scaledDotProductAttention(x(d, [1, 2, 3]), x(d, [1, 4, 3], -1), x(d, [1, 4, 2]), { isCausal: true }),
  'F.scaledDotProductAttention': (d) =>
    F.scaledDotProductAttention(x(d, [2, 3]), x(d, [3, 3]), x(d, [3, 2]), { attnMask: T.tensor([[true, false, true], [false, false, false]], { device: d }) }),
  'F.groupNorm': (d) => F.groupNorm(x(d, [2, 4, 3]), 2, { weight: x(d, [4]), bias: x(d, [4], 1) }),
  'F.rmsNorm': (d) => F.rmsNorm(x(d, [2, 3], 1), [3], { weight: x(d, [3]) }),
  'nn.GroupNorm': (d) => new nn.GroupNorm(2, 4, { device: d }).forward(x(d, [2, 4, 2])),
  'nn.RMSNorm': (d) => new nn.RMSNorm([2, 2], { device: d }).forward(x(d, [3, 2, 2], -2)),
  // Layers: initialised from the shared generator, so the same seed gives the same weights on every device.
  'nn.MultiheadAttention': (d) => {
    T.manualSeed(1);
    const m = new nn.MultiheadAttention(4, 2, { device: d, addBiasKv: true, addZeroAttn: true });
    const kpm = T.tensor([[false, false, true], [false, true, false]], { device: d });
    const [out, w] = m(x(d, [2, 2, 4]), x(d, [3, 2, 4], -1), x(d, [3, 2, 4], 1), { keyPaddingMask: kpm, attnMask: T.tensor([[0, 0.5, -1], [1, 0, 0]], { device: d }) });
    return [out, w!];
  },
  'nn.MultiheadAttention kdim/vdim batchFirst': (d) => {
    T.manualSeed(2);
    const m = new nn.MultiheadAttention(4, 1, { device: d, kdim: 2, vdim: 3, batchFirst: true });
    const [out, w] = m(x(d, [1, 2, 4]), x(d, [1, 3, 2]), x(d, [1, 3, 3], -1), { averageAttnWeights: false });
    return [out, w!];
  },
  'F.multiHeadAttentionForward': (d) =>
    F.multiHeadAttentionForward(x(d, [2, 4]), x(d, [3, 4], 1), x(d, [3, 4], -1), 4, 2, x(d, [12, 4], -3).mul(0.1), x(d, [12]), null, null, false, 0, x(d, [4, 4]).mul(0.1), null, {
      needWeights: true,
    }) as T.Tensor[],
  'nn.TransformerEncoderLayer': (d) => {
    T.manualSeed(3);
    return new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, device: d })(x(d, [3, 2, 4]), { srcMask: nn.Transformer.generateSquareSubsequentMask(3, { device: d }) });
  },
  'nn.TransformerDecoderLayer': (d) => {
    T.manualSeed(4);
    return new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, normFirst: true, activation: 'gelu', device: d })(x(d, [2, 4]), x(d, [3, 4], -1));
  },
  'nn.TransformerEncoder': (d) => {
    T.manualSeed(5);
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, batchFirst: true, device: d });
    return new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(4, { device: d }) })(x(d, [2, 3, 4]), { srcKeyPaddingMask: T.tensor([[false, false, true], [false, false, false]], { device: d }) });
  },
  'nn.TransformerDecoder': (d) => {
    T.manualSeed(6);
    const layer = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, device: d });
    return new nn.TransformerDecoder(layer, 2)(x(d, [2, 1, 4]), x(d, [3, 1, 4], 1), { tgtMask: nn.Transformer.generateSquareSubsequentMask(2, { device: d }), tgtIsCausal: true });
  },
  'nn.Transformer': (d) => {
    T.manualSeed(7);
    const m = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 6, dropout: 0, device: d });
    return m(x(d, [3, 2, 4]), x(d, [2, 2, 4], -1), { tgtMask: nn.Transformer.generateSquareSubsequentMask(2, { device: d }) });
  },
};

const cpu = Object.fromEntries(Object.entries(CALLS).map(([name, f]) => [name, [f('cpu')].flat().map((t) => t.tolistSync())]));

for (const backend of KNOWN_BACKENDS)
  describe(backend, async () => {
    const started = await startBackend(backend);
    for (const [name, f] of Object.entries(CALLS))
      test.skipIf(!started.ok)(`${name} agrees with cpu${started.ok ? '' : ` (skipped: ${started.reason})`}`, async () => {
        const got = await Promise.all([f(backend)].flat().map((t) => t.tolist()));
        const want = cpu[name]!;
        expect(got.length).toBe(want.length);
        const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);
        got.forEach((g, i) => {
          expect(JSON.stringify(got.map((v) => (Array.isArray(v) ? 'a' : 's')))).toBe(JSON.stringify(want.map((v) => (Array.isArray(v) ? 'a' : 's'))));
          const [a, b] = [flat(g), flat(want[i])];
          expect(a.length).toBe(b.length);
          a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(b[k]!))));
        });
      });
  });
