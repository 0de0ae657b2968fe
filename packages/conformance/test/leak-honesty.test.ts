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
  const byId = Object.fromEntries(r.cases.map((c) => [c.id, c]));
  expect(byId['neg/2d']!.failures.map((f) => f.what)).toEqual(['memory']);
  expect(byId['exp/2d']!.status).toBe('passed');
});

test('a non-cpu backend that runs a cpu kernel or reads back while computing fails honesty', async () => {
  const r = await runConformance({ backend: 'dishonest', kinds: ['ops'], differential: false, filter: '/^(exp|sigmoid|neg)\\//' });
  const byId = Object.fromEntries(r.cases.map((c) => [c.id, c]));
  expect(byId['exp/2d']!.failures.map((f) => f.message)).toEqual([expect.stringContaining('kernel exp ran on "cpu" instead of "dishonest"')]);
  expect(byId['sigmoid/2d']!.failures.map((f) => f.message)).toEqual([expect.stringContaining('readback(s) to the host while computing')]);
  expect(byId['neg/2d']!.status).toBe('passed');
  // The coverage counts come from the same traces.
  expect(r.backends[0]!.foreignCalls).toMatchObject({ 'exp@cpu': expect.any(Number) });
  expect(r.backends[0]!.kernelCalls!.neg).toBeGreaterThan(0);
});
