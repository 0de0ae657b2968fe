// multinomial on every backend this machine can start (issue 18): the same seed gives the same
// samples as on cpu, for every path (one sample, without and with replacement, 1-d and 2-d,
// zero weights, tied weights, the default generator after manualSeed, the Tensor method); the
// value checks throw their ValueError (at the next readback on an asynchronous device); nothing
// leaks. Random, so no PyTorch goldens: the distribution is core's test (chi-square).
import { describe, expect, test, vi } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { Generator, ValueError } from '@tensile/core';
import { KNOWN_BACKENDS, startBackend } from '@tensile/conformance';
import { sameValuesAsCpu } from './same-as-cpu.js';

vi.setConfig({ testTimeout: 120_000 });

const W = [0.05, 0, 0.3, 0.15, 0.15, 0.35, 0, 1e-3];
const ROWS = [W, [1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 2.5, 0], W.map((v, i) => v * (i + 1) * 100)];

const CALLS: Record<string, (d: string) => T.Tensor> = {
  'one sample, 1-d': (d) => T.multinomial(T.tensor(W, { device: d }), 1, { generator: new Generator(1) }),
  'without replacement, 2-d, all categories': (d) => T.multinomial(T.tensor(ROWS, { device: d }), 8, { generator: new Generator(2) }),
  'without replacement, 2-d, 3 of 8': (d) => T.multinomial(T.tensor(ROWS, { device: d }), 3, { generator: new Generator(3) }),
  'with replacement, 2-d, 200 samples': (d) => T.multinomial(T.tensor(ROWS, { device: d }), 200, { replacement: true, generator: new Generator(4) }),
  'with replacement, 1-d, 1000 samples': (d) => T.multinomial(T.tensor(W, { device: d }), 1000, true),
  'Tensor.multinomial, default generator after manualSeed': (d) => {
    T.manualSeed(5);
    return T.softmax(T.arange(64, { device: d }).mul(0.05).reshape([4, 16]), 1).multinomial(4);
  },
};

for (const backend of KNOWN_BACKENDS)
  describe(backend, async () => {
    const started = await startBackend(backend);
    sameValuesAsCpu(backend, started, CALLS, 'int32', 'samples', T.manualSeed);

    test.skipIf(!started.ok)('a negative, NaN or infinite weight and an all-zero row throw ValueError (at once, or at the next readback)', async () => {
      for (const [rows, replacement] of [[[[0.5, -1]], false], [[[1, 1], [0, 0]], false], [[[1, NaN]], false], [[[1, Infinity]], false], [[[1, Infinity]], true], [[[0, 0]], true]] as [number[][], boolean][]) {
        let caught: unknown = null;
        try {
          await T.multinomial(T.tensor(rows, { device: backend }), replacement ? 3 : 1, { replacement }).data();
        } catch (e) {
          caught = e;
        }
        expect(caught, JSON.stringify(rows)).toBeInstanceOf(ValueError);
      }
      // The device is usable afterwards.
      expect((await T.multinomial(T.tensor([0, 1], { device: backend }), 1).data())[0]).toBe(1);
    });
  });
