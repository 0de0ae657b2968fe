import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CpuBackend, registerCpuBackend } from '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { kernelsRun } from '../../test/helpers.js';

// Tests that do not seed for themselves still see the same numbers every run.
beforeEach(() => {
  T.manualSeed(0);
});

/**
 * A backend may register a fused kernel for softmax/logSoftmax; core then
 * runs it for the forward and uses the composite's own gradient formula, so
 * values, gradients and second derivatives match the composed path.
 */
let calls = 0;
beforeAll(() => {
  registerCpuBackend({ backend: new CpuBackend('fusedcpu'), select: false });
  for (const op of ['softmax', 'logSoftmax'] as const)
    T.registerKernel(op, 'fusedcpu', (inputs, options, out) => {
      calls++;
      // The composite, computed on the same device, stands in for a fused kernel.
      const view = (v: T.TensorView) => new T.Tensor(v.storage, v.shape, v.strides, v.offset);
      const x = view(inputs[0]!);
      const o = view(out);
      T.noGrad(() => {
        const y = op === 'softmax' ? T.softmaxComposed(x, options.dim as number) : T.logSoftmaxComposed(x, options.dim as number);
        o.copy_(y);
        y.dispose();
      });
      x.dispose();
      o.dispose();
    });
});

function firstAndSecond(op: 'softmax' | 'logSoftmax', device: string, data: Float32Array, w: T.Tensor, v: T.Tensor) {
  const x = T.tensor(data, { shape: [3, 5], device, requiresGrad: true });
  const y = T[op](x, 1);
  const [g] = T.grad([y], [x], [w.to(device)], { createGraph: true });
  const [gg] = T.grad([g!], [x], [v.to(device)]);
  return [Array.from(y.dataSync()), Array.from(g!.dataSync()), Array.from(gg!.dataSync())];
}

describe('fused softmax / logSoftmax dispatch', () => {
  test('the fused kernel runs for float32; values, gradients and second derivatives match the composed path', () => {
    T.manualSeed(4);
    const data = T.randn(3, 5).dataSync() as Float32Array;
    const w = T.randn(3, 5);
    const v = T.randn(3, 5);
    for (const op of ['softmax', 'logSoftmax'] as const) {
      const before = calls;
      const fused = firstAndSecond(op, 'fusedcpu', data, w, v);
      expect(calls).toBe(before + 1);
      const composed = firstAndSecond(op, 'cpu', data, w, v);
      fused.forEach((vals, k) => vals.forEach((x, i) => expect(x).toBeCloseTo(composed[k]![i]!, 5)));
    }
  });

  test('float64 inputs take the composed path', () => {
    const before = calls;
    T.softmax(T.randn([2, 4], { dtype: 'float64', device: 'fusedcpu' }), 1);
    expect(calls).toBe(before);
  });
});

describe('fused softmax / logSoftmax gradients', () => {
  for (const op of ['softmax', 'logSoftmax'] as const) {
    const backwardOp = `${op}Backward` as const;
    const composed = op === 'softmax' ? T.softmaxBackwardComposed : T.logSoftmaxBackwardComposed;

    test(`${op}: a plain backward runs the fused ${backwardOp} kernel once and gives the composite's gradient, for any upstream layout`, () => {
      T.manualSeed(5);
      const x = T.randn([4, 6]).requiresGrad_(true);
      const w = T.randn([6, 4]);
      // sum() sends y a broadcast (zero-stride) gradient, y.t() a transposed one: the kernel gets both contiguous.
      const upstreams: [(y: T.Tensor) => T.Tensor, T.Tensor][] = [
        [(y) => y.sum(), T.ones([4, 6])],
        [(y) => T.mul(y.t(), w).sum(), w.t()],
      ];
      for (const [loss, u] of upstreams) {
        x.grad = null;
        let y!: T.Tensor;
        const ops = kernelsRun(() => {
          y = T[op](x, 0);
          loss(y).backward();
        });
        expect(ops.filter((o) => o === backwardOp)).toHaveLength(1);
        const want = composed(u, y.detach(), 0).dataSync();
        Array.from(x.grad!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
      }
    });

    test(`${op}: with createGraph the gradient stays differentiable (the fused ${backwardOp} kernel is not used)`, () => {
      const x = T.randn([3, 5]).requiresGrad_(true);
      const ops = kernelsRun(() => {
        const [g] = T.grad([T[op](x, 1)], [x], [T.randn([3, 5])], { createGraph: true });
        expect(g!.requiresGrad).toBe(true);
      });
      expect(ops).not.toContain(backwardOp);
    });
  }
});

test('softmaxBackward / logSoftmaxBackward reject a gradient of another shape, a bad dim and integer tensors', () => {
  const y = T.randn([2, 3]);
  for (const f of [T.softmaxBackward, T.logSoftmaxBackward]) {
    expect(() => f(T.randn([3, 2]), y, 1)).toThrow(T.ShapeError);
    expect(() => f(T.randn([2, 3]), y, 2)).toThrow(T.IndexError);
    expect(() => f(T.zeros([2, 3], { dtype: 'int32' }), y, 1)).toThrow(T.DTypeError);
    expect(f(T.randn([2, 3]), y, -1).shape).toEqual([2, 3]);
  }
});
