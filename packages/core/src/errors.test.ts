import { beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CpuBackend, registerCpuBackend } from '@tensile/backend-cpu';
import * as T from '@tensile/core';
import '../test/helpers.js';

// Random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  T.manualSeed(0);
});

beforeAll(() => {
  registerCpuBackend({ backend: new CpuBackend('cpu2'), select: false });
  T.setBackend('cpu');
});

/** Everything a failed call must leave as it was. */
function snapshot(ts: T.Tensor[]) {
  return {
    data: ts.map((t) => Array.from(t.dataSync())),
    grads: ts.map((t) => (t.grad ? Array.from(t.grad.dataSync()) : null)),
    versions: ts.map((t) => t.storage.version),
    memory: { ...T.memory('cpu') },
  };
}

function expectRejected(fn: () => unknown, cls: new (...a: never[]) => Error, pattern: RegExp, inputs: T.Tensor[]) {
  const before = snapshot(inputs);
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, 'the call must throw').toBeInstanceOf(cls);
  expect((err as Error).message).toMatch(pattern);
  expect(snapshot(inputs)).toEqual(before);
}

describe('bad input raises the exported error class, naming the op, and changes nothing', () => {
  test('ShapeError: broadcasting, matmul, reshape, cat, expand', () => {
    const a = T.randn(2, 3, { requiresGrad: true });
    const b = T.randn(4, 3);
    const c = T.randn(2, 4);
    expectRejected(() => T.add(a, b), T.ShapeError, /add.*\[2, 3\].*\[4, 3\]/, [a, b]);
    expectRejected(() => T.matmul(a, b), T.ShapeError, /matmul.*2x3 and 4x3/, [a, b]);
    expectRejected(() => a.reshape(4, 2), T.ShapeError, /reshape.*\[4, 2\].*size 6/, [a]);
    expectRejected(() => T.cat([a, c], 0), T.ShapeError, /cat.*Expected size 3 but got size 4/, [a]);
    expectRejected(() => a.expand(3, 4), T.ShapeError, /expand/, [a]);
  });

  test('DTypeError: float index, grad on integers, bool arithmetic where undefined', () => {
    const x = T.randn(3, 4);
    const idx = T.tensor([[0, 1]]);
    expectRejected(() => T.gather(x, 1, idx), T.DTypeError, /gather.*int32/, [x, idx]);
    const i = T.tensor([1, 2], { dtype: 'int32' });
    expectRejected(() => i.requiresGrad_(), T.DTypeError, /requiresGrad_.*floating point/, [i]);
    const m = T.tensor([true, false]);
    const notBool = T.tensor([1, 0]);
    expectRejected(() => T.where(notBool, x, x), T.DTypeError, /where.*bool/, [x]);
    expectRejected(() => T.neg(m), T.DTypeError, /neg.*bool/, [m]);
  });

  test('DeviceError: tensors on two devices', () => {
    const a = T.randn(2, 2);
    const b = T.randn(2, 2, { device: 'cpu2' });
    expectRejected(() => T.add(a, b), T.DeviceError, /add.*cpu and cpu2/, [a]);
    expectRejected(() => T.setBackend('nope'), T.DeviceError, /unknown device "nope"/, [a]);
  });

  test('IndexError: index values and dims out of range', () => {
    const x = T.randn(3, 4, { requiresGrad: true });
    const idx = T.tensor([[0, 4]], { dtype: 'int32' });
    expectRejected(() => T.gather(x, 1, idx), T.IndexError, /gather: index 4 is out of bounds for dimension 1 with size 4/, [x, idx]);
    expectRejected(() => T.sum(x, 2), T.IndexError, /sum: Dimension out of range/, [x]);
    const three = T.tensor([3], { dtype: 'int32' });
    const five = T.tensor([0, 5], { dtype: 'int32' });
    expectRejected(() => T.indexSelect(x, 0, three), T.IndexError, /indexSelect/, [x]);
    expectRejected(() => T.oneHot(five, 3), T.IndexError, /oneHot/, [x]);
    // A broadcast index is checked once per distinct element (its zero-stride dims read at size 1), still catching a bad one.
    const src = T.randn(5, 3, 4);
    const wide = T.tensor([[[0, 1, 2, 7]]], { dtype: 'int32' }).expand([5, 3, 4]);
    expectRejected(() => T.gather(src, 2, wide), T.IndexError, /gather: index 7 is out of bounds for dimension 2 with size 4/, [src, wide]);
    const ok = T.tensor([[[3, 0]]], { dtype: 'int32' }).expand([5, 3, 2]);
    expect(T.gather(src, 2, ok).shape).toEqual([5, 3, 2]);
  });

  test('ValueError: unknown option keys list the valid ones; int64 out of range', () => {
    expect(() => T.zeros([2], { dtpye: 'float32' } as never)).toThrow(/unknown option 'dtpye'; valid options are dtype, device, requiresGrad/);
    expect(() => T.zeros([2], { dtpye: 'float32' } as never)).toThrow(T.ValueError);
    expect(() => T.tensor(BigInt64Array.of(2n ** 40n))).toThrow(T.ValueError);
    const x = T.randn(2, { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    const g = Array.from(x.grad!.dataSync());
    expectRejected(() => y.backward(), T.ValueError, /backward through the graph a second time/, [x]);
    expect(Array.from(x.grad!.dataSync())).toEqual(g);
  });

  test('backward through a saved tensor modified in place is an error that says so', () => {
    const a = T.randn(3, { requiresGrad: true });
    const e = a.exp();
    const y = e.sum();
    T.noGrad(() => e.mul_(2));
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
    expect(a.grad).toBeNull();
  });

  test('in-place on a leaf that requires grad is refused outside noGrad', () => {
    const p = T.randn(3, { requiresGrad: true });
    expectRejected(() => p.add_(1), T.ValueError, /add_: a leaf tensor that requires grad/, [p]);
    T.noGrad(() => p.add_(1));
    expect(p.storage.version).toBe(1);
  });

  test('in-place ops that would change the shape or dtype are refused', () => {
    const t = T.zeros(3);
    const i = T.zeros([3], { dtype: 'int32' });
    const wide = T.ones(2, 3);
    expectRejected(() => t.add_(wide), T.ShapeError, /add_.*doesn't match the broadcast shape \[2, 3\]/, [t]);
    expectRejected(() => i.add_(0.5), T.DTypeError, /add_/, [i]);
  });

  test('a disposed tensor cannot be used', () => {
    const t = T.ones(2);
    t.dispose();
    expect(() => t.exp()).toThrow(/was disposed/);
  });
});
