import { expect, test } from 'vitest';
import { cpuBackend } from '@tensile/backend-cpu';
import { exp, findBackend, fusedKernel, type KernelSignatures, tensor, zeros } from '@tensile/core';
import { leakProbe, runConformance, withLeakCheck } from '@tensile/conformance';
import { scratchBackend } from './scratch.js';

const cpuNeg = fusedKernel('neg', cpuBackend) as KernelSignatures['unary'];
const cpuExp = fusedKernel('exp', cpuBackend) as KernelSignatures['unary'];

// neg that also allocates a storage on its device and never frees it.
scratchBackend('leaky', {
  neg: (x, out) => {
    findBackend('leaky')!.alloc('float32', 16);
    cpuNeg(x, out);
  },
});
// exp that quietly runs a kernel on the cpu device; sigmoid that reads a value back to the host.
scratchBackend('dishonest', {
  exp: (x, out) => {
    exp(tensor([0], { device: 'cpu' })).dispose();
    cpuExp(x, out);
  },
  sigmoid: (x, out) => {
    tensor([1], { device: 'dishonest' }).dataSync();
    (fusedKernel('sigmoid', cpuBackend) as KernelSignatures['unary'])(x, out);
  },
});

test('the leak check fires on a deliberate leak and stays quiet without one', async () => {
  expect((await leakProbe('cpu')).leak?.message).toMatch(/leak on cpu: memory\(\) went from \d+ storages/);
  expect((await withLeakCheck('cpu', async () => void zeros([4]))).leak).toBeNull();
});

test('a kernel that leaks device memory fails the golden cases that call it', async () => {
  const r = await runConformance({ backend: 'leaky', kinds: ['ops'], differential: false, filter: '/^(neg|exp)\\//' });
  const of = (op: string) => r.cases.filter((c) => c.subject === op);
  expect(of('neg').some((c) => c.failures.map((f) => f.what).join() === 'memory')).toBe(true);
  expect(of('exp').length).toBeGreaterThan(0);
  expect(of('exp').filter((c) => c.status !== 'passed')).toEqual([]);
});

test('a non-cpu backend that runs a cpu kernel or reads back while computing fails honesty', async () => {
  const r = await runConformance({ backend: 'dishonest', kinds: ['ops'], differential: false, filter: '/^(exp|sigmoid|neg)\\//' });
  const messages = (op: string) => r.cases.filter((c) => c.subject === op).map((c) => c.failures.map((f) => f.message).join('; '));
  expect(messages('exp')).toContainEqual(expect.stringContaining('kernel exp ran on "cpu" instead of "dishonest"'));
  expect(messages('sigmoid')).toContainEqual(expect.stringContaining('readback(s) to the host while computing'));
  expect(messages('neg').length).toBeGreaterThan(0);
  expect(messages('neg').filter((m) => m !== '')).toEqual([]);
  // The coverage counts come from the same traces.
  expect(r.backends[0]!.foreignCalls).toMatchObject({ 'exp@cpu': expect.any(Number) });
  expect(r.backends[0]!.kernelCalls!.neg).toBeGreaterThan(0);
});
