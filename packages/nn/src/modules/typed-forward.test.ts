// Types a TS user leans on: a model call keeps its types. expectTypeOf is checked by
// `tsc` (the package's typecheck covers src/, tests included); at run time it is a no-op,
// so the values are checked as well. The packed .d.ts are pinned the same way by
// conformance's consumer test.
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import '@tensile/backend-cpu';
import { manualSeed, randn, type Tensor } from '@tensile/core';
import { Module } from '../module.js';
import { Sequential, ModuleList, ModuleDict } from './container.js';
import { Linear } from './linear.js';
import { ReLU } from './activation.js';
import { MaxPool1d } from './pooling.js';
import { LSTM } from './rnn.js';
import { MultiheadAttention } from './transformer.js';

describe('typed forwards', () => {
  // Layers and inputs draw from the default generator: seeded, every run sees the same numbers.
  beforeEach(() => {
    manualSeed(0);
  });

  it('Sequential is Tensor -> Tensor, and so are the layers', () => {
    const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 3));
    const y = model(randn([2, 4]));
    expectTypeOf(y).toEqualTypeOf<Tensor>();
    expectTypeOf(model.forward).parameters.toEqualTypeOf<[Tensor]>();
    expectTypeOf(new Linear(4, 8)).toBeCallableWith(randn([1, 4]));
    expectTypeOf(new Linear(4, 8)).returns.toEqualTypeOf<Tensor>();
    expect(y.shape).toEqual([2, 3]);
  });

  it('layers with several outputs give their real tuples', () => {
    expectTypeOf(new LSTM(3, 5)).returns.toEqualTypeOf<[Tensor, Tensor | Tensor[]]>();
    expectTypeOf(new MultiheadAttention(4, 2)).returns.toEqualTypeOf<[Tensor, Tensor | null]>();
    expectTypeOf(new MaxPool1d(2)).returns.toEqualTypeOf<Tensor | [Tensor, Tensor]>();
  });

  it('a Module<[Tensor], Tensor> subclass is typed, and a container of it too', () => {
    class Net extends Module<[Tensor], Tensor> {
      fc = new Linear(2, 1);
      forward(x: Tensor): Tensor {
        return this.fc(x);
      }
    }
    const out = new Sequential(new Net(), new ReLU())(randn([3, 2]));
    expectTypeOf(out).toEqualTypeOf<Tensor>();
    expect(out.shape).toEqual([3, 1]);
  });

  it('ModuleList and ModuleDict are not callable, for the type checker too', () => {
    expectTypeOf(new ModuleList([new ReLU()])).returns.toBeNever();
    expectTypeOf(new ModuleDict({ act: new ReLU() })).returns.toBeNever();
    // @ts-expect-error a ModuleList takes no input
    expect(() => new ModuleList([new ReLU()])(randn([1]))).toThrow(/not callable/);
  });
});
