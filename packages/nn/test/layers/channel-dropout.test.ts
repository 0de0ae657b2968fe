// Dropout1d / Dropout2d draw one mask value per (sample, channel): random masks
// have no golden values, so this checks the structure of the mask instead.
import { beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { Generator, manualSeed, ones, randn, ShapeError, type Tensor, ValueError } from '@tensile/core';
import * as nn from '@tensile/nn';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  manualSeed(0);
});

const F = nn.functional;

/** For each (n, c) of a [N, C, ...] result of dropout on all-ones: the distinct values of that channel. */
async function channelValues(y: Tensor): Promise<number[][]> {
  const [N, C] = y.shape as [number, number];
  const per = y.numel() / (N * C);
  const d = await y.data();
  const out: number[][] = [];
  for (let i = 0; i < N * C; i++) out.push([...new Set(Array.from(d.slice(i * per, (i + 1) * per)))]);
  return out;
}

describe.each([
  ['Dropout1d', (p: number, g?: Generator) => new nn.Dropout1d({ p, ...(g ? { generator: g } : {}) }), [8, 16, 5]],
  ['Dropout2d', (p: number, g?: Generator) => new nn.Dropout2d({ p, ...(g ? { generator: g } : {}) }), [8, 16, 3, 2]],
] as const)('%s', (_name, make, shape) => {
  test('training: whole channels are zeroed, the others scaled by 1 / (1 - p); about p of them dropped', async () => {
    manualSeed(5);
    const p = 0.3;
    const y = make(p)(ones([...shape]));
    const channels = await channelValues(y);
    let dropped = 0;
    for (const vs of channels) {
      expect(vs.length).toBe(1); // one value per channel: the mask is shared by the whole channel
      expect([0, Math.fround(1 / (1 - p))]).toContain(vs[0]);
      if (vs[0] === 0) dropped++;
    }
    // 128 channels: the drop rate is p within five standard errors (seeded, so only a wrong p fails).
    const n = channels.length;
    expect(Math.abs(dropped / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  test('eval mode and p = 0 are the identity (the input itself)', () => {
    const x = randn([...shape]);
    const m = make(0.5);
    m.eval();
    expect(m(x)).toBe(x);
    expect(make(0)(x)).toBe(x);
  });

  test('the gradient uses the forward mask; one seed, one mask', async () => {
    const x = ones([...shape], { requiresGrad: true });
    const y = make(0.5, new Generator(11))(x);
    y.sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual(Array.from(await y.data()));
    const again = make(0.5, new Generator(11))(ones([...shape]));
    expect(Array.from(await again.data())).toEqual(Array.from(await y.data()));
  });

  test('p outside [0, 1] is a ValueError naming the layer', () => {
    expect(() => make(1.5)).toThrow(ValueError);
    expect(() => make(-0.1)).toThrow(/Dropout\dd/);
  });
});

describe('channel dropout input ranks', () => {
  test('Dropout1d takes an unbatched (C, L) input: one draw per channel', async () => {
    manualSeed(2);
    const y = F.dropout1d(ones([64, 4]), 0.5);
    expect(y.shape).toEqual([64, 4]);
    const d = await y.data();
    for (let c = 0; c < 64; c++) expect(new Set(Array.from(d.slice(c * 4, c * 4 + 4))).size).toBe(1);
  });
  test('Dropout1d refuses 1-d and 4-d inputs; dropout2d needs 2 dims', () => {
    expect(() => F.dropout1d(ones([4]), 0.5)).toThrow(ShapeError);
    expect(() => F.dropout1d(ones([1, 2, 3, 4]), 0.5)).toThrow(/dropout1d: Expected 2D or 3D input/);
    expect(() => F.dropout2d(ones([4]), 0.5)).toThrow(ShapeError);
  });
  test('Dropout2d reads a 3-d input as (N, C, L), as PyTorch 1.13 and 2.x', async () => {
    manualSeed(3);
    const y = F.dropout2d(ones([4, 16, 3]), 0.5);
    for (const vs of await channelValues(y)) expect(vs.length).toBe(1);
  });
});
