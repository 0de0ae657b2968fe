import { test, expect } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { Module, Parameter } from '@tensile/nn';

class Lin extends Module<[T.Tensor], T.Tensor> {
  weight = new Parameter(T.randn(3, 2));
  bias: Parameter | null;
  constructor() { super(); this.bias = new Parameter(T.zeros(3)); this.registerBuffer('running', T.zeros(3)); }
  forward(x: T.Tensor) { return T.linear(x, this.weight, this.bias); }
}
class Net extends Module<[T.Tensor], T.Tensor> {
  a = new Lin(); b = new Lin();
  forward(x: T.Tensor) { return this.b(this.a(x).narrow(1,0,2)); }
}
test('module', () => {
  const n = new Net();
  expect(Object.keys(n.stateDict())).toEqual(['a.weight', 'a.bias', 'a.running', 'b.weight', 'b.bias', 'b.running']);
  const y = n(T.randn(4, 2));
  expect(y.shape).toEqual([4, 3]);
  y.sum().backward();
  expect(n.a.weight.grad!.shape).toEqual([3, 2]);
  expect(n.parameters().length).toBe(4);
  console.log(String(n));
});

test('a new module is in training mode until eval()', () => {
  const n = new Net();
  expect(n.training).toBe(true);
  expect(n.a.training).toBe(true);
  n.eval();
  expect([n.training, n.a.training]).toEqual([false, false]);
});
