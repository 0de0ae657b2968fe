import { beforeEach, test, expect } from 'vitest';
import { CpuBackend, registerCpuBackend } from '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { Module, Parameter } from '@tensile/nn';

// Parameters and inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  T.manualSeed(0);
});

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

test('to() moves parameters in place with their gradients, so references taken before (an optimizer, a tied weight) follow', () => {
  registerCpuBackend({ backend: new CpuBackend('cpu-to'), select: false });
  const n = new Net();
  n.b.weight = n.a.weight; // tied
  const params = n.parameters();
  const before = params.map((p) => Array.from(p.dataSync()));
  n(T.randn(4, 2)).sum().backward();
  const grads = params.map((p) => Array.from(p.grad!.dataSync()));
  const live = T.memory('cpu').tensors;
  expect(n.to('cpu-to')).toBe(n);
  expect(n.parameters()).toEqual(params);
  expect(n.b.weight).toBe(n.a.weight);
  params.forEach((p, i) => {
    expect(p).toBeInstanceOf(Parameter);
    expect(p.device).toBe('cpu-to');
    expect(p.requiresGrad).toBe(true);
    expect(Array.from(p.dataSync())).toEqual(before[i]);
    expect(p.grad!.device).toBe('cpu-to');
    expect(Array.from(p.grad!.dataSync())).toEqual(grads[i]);
  });
  expect(n.buffers().every((b) => b.device === 'cpu-to')).toBe(true);
  // The old copies are freed: only the buffers' and parameters' cpu storages went away.
  expect(T.memory('cpu').tensors).toBeLessThan(live);
  // The moved parameters train on the new device.
  for (const p of params) {
    p.grad?.dispose();
    p.grad = null;
  }
  const y = n(T.randn([4, 2], { device: 'cpu-to' }));
  expect(y.device).toBe('cpu-to');
  y.sum().backward();
  expect(params.every((p) => p.grad !== null && p.grad.device === 'cpu-to')).toBe(true);
});
