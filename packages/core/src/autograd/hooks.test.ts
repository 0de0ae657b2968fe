// Tensor.registerHook: PyTorch's register_hook semantics on leaves and non-leaves, checked against
// closed-form gradients of small expressions.
import '@tensile/backend-cpu';
import { expect, test } from 'vitest';
import * as T from '@tensile/core';

const vals = (t: T.Tensor | null) => [...t!.dataSync()];

test('a hook on a leaf sees the gradient and its result is what accumulates into .grad', () => {
  const a = T.tensor([1, 2, 3], { requiresGrad: true });
  const seen: number[][] = [];
  a.registerHook((g) => void seen.push(vals(g)));
  a.registerHook((g) => T.mul(g, 10));
  T.mul(a, 5).sum().backward();
  expect(seen).toEqual([[5, 5, 5]]);
  expect(vals(a.grad)).toEqual([50, 50, 50]);
  // Accumulation: the hook runs on the new gradient only, then it adds to .grad.
  T.mul(a, 2).sum().backward();
  expect(vals(a.grad)).toEqual([70, 70, 70]);
});

test('several hooks run in registration order, each on the previous result', () => {
  const a = T.tensor([1, 1], { requiresGrad: true });
  a.registerHook((g) => T.add(g, 1));
  a.registerHook((g) => T.mul(g, 10));
  T.mul(a, 5).sum().backward();
  expect(vals(a.grad)).toEqual([60, 60]); // (5 + 1) * 10, not 5 * 10 + 1
});

test('a hook on a non-leaf changes the gradient that flows on to the leaves', () => {
  const a = T.tensor([1, 2], { requiresGrad: true });
  const x = T.mul(a, 3);
  const seen: number[][] = [];
  x.registerHook((g) => {
    seen.push(vals(g));
    return T.mul(g, 2);
  });
  T.mul(x, x).sum().backward();
  expect(seen).toEqual([[6, 12]]); // d(x^2)/dx = 2x
  expect(vals(a.grad)).toEqual([36, 72]); // 2 * 2x * 3
  expect(x.grad).toBeNull();
});

test('the hook runs once, on the summed gradient of a tensor used twice', () => {
  const a = T.tensor([1, 2], { requiresGrad: true });
  const x = T.mul(a, 1);
  let calls = 0;
  x.registerHook((g) => {
    calls++;
    expect(vals(g)).toEqual([5, 5]);
  });
  T.add(T.mul(x, 2), T.mul(x, 3)).sum().backward();
  expect(calls).toBe(1);
});

test('remove() unregisters the hook; retainGrad keeps the gradient as it is at its place among the hooks (PyTorch 1.13)', () => {
  const a = T.tensor([1, 1], { requiresGrad: true });
  const h = a.registerHook((g) => T.mul(g, 100));
  h.remove();
  h.remove();
  T.mul(a, 5).sum().backward();
  expect(vals(a.grad)).toEqual([5, 5]);

  const b = T.tensor([1, 1], { requiresGrad: true });
  const x = T.mul(b, 3);
  x.retainGrad();
  x.registerHook((g) => T.mul(g, 2));
  T.mul(x, 5).sum().backward();
  expect(vals(x.grad)).toEqual([5, 5]);
  expect(vals(b.grad)).toEqual([30, 30]);

  const c = T.tensor([1, 1], { requiresGrad: true });
  const y = T.mul(c, 3);
  y.registerHook((g) => T.mul(g, 2));
  y.retainGrad();
  T.mul(y, 5).sum().backward();
  expect(vals(y.grad)).toEqual([10, 10]);
});

test('bad hooks and bad targets are errors that say what was expected', () => {
  expect(() => T.tensor([1, 2]).registerHook((g) => g)).toThrow(T.ValueError);
  expect(() => T.tensor([1, 2]).registerHook((g) => g)).toThrow(/doesn't require gradient/);
  const a = T.tensor([1, 2], { requiresGrad: true });
  a.registerHook(() => T.ones([3]));
  expect(() => T.mul(a, 2).sum().backward()).toThrow(T.ShapeError);
  expect(() => T.mul(a, 2).sum().backward()).toThrow(/changed the size .*\[3\].*\[2\]/);
  expect(a.grad).toBeNull();
});

test('a hook that replaces the gradient keeps memory flat across steps', () => {
  const a = T.tensor([1, 2], { requiresGrad: true });
  a.registerHook((g) => T.mul(g, 2));
  T.mul(a, 1).sum().backward();
  const before = T.memory().tensors;
  for (let i = 0; i < 5; i++) T.tidy(() => T.mul(a, 1).sum().backward());
  expect(T.memory().tensors).toBe(before);
  expect(vals(a.grad)).toEqual([12, 12]);
});
