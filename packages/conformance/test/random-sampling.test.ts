// bernoulli and normal on every backend this machine can start (issue 20): the same seed gives the
// same values as on cpu, for every form (tensor and scalar p, bernoulli_, the four forms of normal,
// normal_, the default generator after manualSeed); the value checks throw their ValueError (at
// once, or at the next readback on an asynchronous device); nothing leaks. Random, so no PyTorch
// goldens: the distributions are core's test (packages/core/test/random-sampling.test.ts).
import { describe, expect, test, vi } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { Generator, ValueError } from '@tensile/core';
import { KNOWN_BACKENDS, startBackend } from '@tensile/conformance';
import { sameValuesAsCpu } from './same-as-cpu.js';

vi.setConfig({ testTimeout: 120_000 });

const P = [[0, 0.1, 0.5, 0.9999, 1, 0.3], [0.25, 0.75, 0.01, 0.99, 0.5, 0.5]];

const CALLS: Record<string, (d: string) => T.Tensor> = {
  'bernoulli, tensor p': (d) => T.bernoulli(T.tensor(P, { device: d }), { generator: new Generator(1) }),
  'bernoulli, scalar p': (d) => T.bernoulli(T.zeros([300], { device: d }), 0.3, { generator: new Generator(2) }),
  'bernoulli_, broadcast tensor p': (d) => T.zeros([50, 6], { device: d }).bernoulli_(T.tensor(P[0]!, { device: d }), { generator: new Generator(3) }),
  'bernoulli, default generator after manualSeed': (d) => {
    T.manualSeed(4);
    return T.tensor(P, { device: d }).bernoulli();
  },
  'normal(tensor, tensor), broadcast': (d) => T.normal(T.tensor([[-1], [0], [2.5]], { device: d }), T.tensor([0.5, 1, 3], { device: d }), { generator: new Generator(5) }),
  'normal(tensor, number)': (d) => T.normal(T.arange(100, { device: d }).float(), 0.25, { generator: new Generator(6) }),
  'normal(number, tensor)': (d) => T.normal(-3, T.full([64], 2, { device: d }), { generator: new Generator(7) }),
  'normal(number, number, size)': (d) => T.normal(1.5, 0.1, [1001], { generator: new Generator(8), device: d }),
  'normal_, default generator after manualSeed': (d) => {
    T.manualSeed(9);
    return T.zeros([3, 33], { device: d }).normal_(4, 2);
  },
};

for (const backend of KNOWN_BACKENDS)
  describe(backend, async () => {
    const started = await startBackend(backend);
    sameValuesAsCpu(backend, started, CALLS, 'float32', 'values', T.manualSeed);

    test.skipIf(!started.ok)('a probability outside [0, 1] or NaN and a negative std throw ValueError (at once, or at the next readback)', async () => {
      const bad: (() => T.Tensor)[] = [
        () => T.bernoulli(T.tensor([0.5, 1.5], { device: backend })),
        () => T.bernoulli(T.tensor([NaN], { device: backend })),
        () => T.zeros([2], { device: backend }).bernoulli_(T.tensor([-0.5], { device: backend })),
        () => T.normal(T.zeros([2], { device: backend }), T.tensor([1, -1], { device: backend })),
      ];
      for (const f of bad) {
        let caught: unknown = null;
        try {
          await f().data();
        } catch (e) {
          caught = e;
        }
        expect(caught, String(f)).toBeInstanceOf(ValueError);
      }
      expect((await T.bernoulli(T.tensor([1, 0], { device: backend })).data())[0]).toBe(1);
    });
  });
