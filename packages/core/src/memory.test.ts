import { beforeEach, describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import '../test/helpers.js';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  T.manualSeed(0);
});

// What is live (peakBytes moves with every allocation, so it is not part of the comparison).
const liveOf = ({ tensors, bytes }: { tensors: number; bytes: number }) => ({ tensors, bytes });

function sgdStep(params: T.Tensor[], x: T.Tensor, y: T.Tensor) {
  const [w1, b1, w2, b2] = params as [T.Tensor, T.Tensor, T.Tensor, T.Tensor];
  const h = T.relu(T.linear(x, w1, b1));
  const out = T.linear(h, w2, b2);
  const loss = T.mean(T.square(T.sub(out, y)));
  loss.backward();
  T.noGrad(() => {
    for (const p of params) {
      p.sub_(p.grad!, 0.05);
      p.grad!.zero_();
    }
  });
  return loss;
}

describe('memory', () => {
  test('1,000 training steps inside tidy leave memory() unchanged; a deliberate leak is detected', () => {
    T.manualSeed(0);
    const params = [T.randn(8, 4), T.zeros(8), T.randn(2, 8), T.zeros(2)].map((p) => T.keep(p.mul(0.3).requiresGrad_()));
    const x = T.randn(16, 4);
    const y = T.randn(16, 2);
    T.tidy(() => sgdStep(params, x, y)); // first step creates the .grad tensors
    const before = T.memory();
    let first = 0;
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const l = T.tidy(() => sgdStep(params, x, y).itemSync());
      if (i === 0) first = l;
      last = l;
    }
    expect(liveOf(T.memory())).toEqual(liveOf(before));
    expect(last).toBeLessThan(first);

    const leaked: T.Tensor[] = [];
    for (let i = 0; i < 3; i++)
      T.tidy(() => {
        sgdStep(params, x, y);
        leaked.push(T.keep(T.ones(5)));
      });
    expect(T.memory().tensors).toBe(before.tensors + 3);
    expect(T.memory().bytes).toBe(before.bytes + 3 * 5 * 4);
    T.dispose(leaked);
    expect(liveOf(T.memory())).toEqual(liveOf(before));
  });

  test('views and saved tensors keep storage alive after their handle is disposed', () => {
    const before = T.memory();
    const a = T.randn(4, 4, { requiresGrad: true });
    const v = a.t();
    const e = v.exp();
    a.dispose();
    expect(T.memory().tensors).toBe(before.tensors + 2);
    e.sum().backward();
    expect(v.dataSync().length).toBe(16);
    T.dispose([v, e, a.grad]);
    e.dispose();
    v.dispose();
    expect(T.memory().tensors).toBe(before.tensors + (a.grad ? 1 : 0));
  });

  test('tidy returns survive, nested scopes hand tensors to their parent', () => {
    const before = T.memory();
    const out = T.tidy(() => {
      const inner = T.tidy(() => {
        T.ones(3);
        return { kept: T.zeros(2), list: [T.ones(1)] };
      });
      T.ones(7);
      return inner.kept;
    });
    expect(out.dataSync()).toEqual(new Float32Array(2));
    // the inner list was returned from the inner scope, so the outer scope disposed it
    expect(T.memory().tensors).toBe(before.tensors + 1);
    out.dispose();
    expect(liveOf(T.memory())).toEqual(liveOf(before));
  });

  test('two tidyAsync scopes interleaving across awaits each dispose only their own tensors', async () => {
    const before = T.memory();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = T.tidyAsync(async () => {
      const x = T.ones(3);
      await gate;
      const y = x.add(1);
      return y;
    });
    const b = T.tidyAsync(async () => {
      const z = T.ones(5);
      release();
      await Promise.resolve();
      return z.mul(2).sum();
    });
    const [ya, sb] = await Promise.all([a, b]);
    expect(Array.from(ya.dataSync())).toEqual([2, 2, 2]);
    expect(sb.itemSync()).toBe(10);
    expect(T.memory().tensors).toBe(before.tensors + 2);
    T.dispose([ya, sb]);
    expect(liveOf(T.memory())).toEqual(liveOf(before));
  });

  test('a forward that is never backpropagated frees its saved tensors when its outputs are disposed', () => {
    const w = T.keep(T.randn([16, 16], { requiresGrad: true }));
    const x = T.randn(8, 16);
    const before = T.memory();
    for (let i = 0; i < 20; i++)
      T.tidy(() => {
        T.softmax(T.matmul(x, w).tanh().exp(), 1).sum();
      });
    expect(liveOf(T.memory())).toEqual(liveOf(before));
    // A graph kept alive by a live output still backpropagates.
    const y = T.tidy(() => T.matmul(x, w).tanh().sum());
    y.backward();
    expect(w.grad).not.toBeNull();
    y.dispose();
    expect(T.memory().tensors).toBe(before.tensors + 1);
  });

  test('.grad and kept tensors are never swept by a scope', () => {
    const w = T.keep(T.randn(3, { requiresGrad: true }));
    T.tidy(() => w.mul(2).sum().backward());
    expect(w.grad).not.toBeNull();
    expect(Array.from(w.grad!.dataSync())).toEqual([2, 2, 2]);
    expect(w.isDisposed).toBe(false);
  });
});
