import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { grad, Generator, randn, setTrace, type Tensor, type Trace } from '@tensile/core';
import { functional as F } from '@tensile/nn';
import { startBackend } from '../src/backends.js';

/**
 * The fused conv2d kernels (wasm and native) inside autograd: conv1d/conv2d
 * values and gradients against cpu's composed path, proof that the fused
 * kernels ran, and double backward (which needs the composed gradients).
 */
const backends = ['wasm', 'native'] as const;
const started = await Promise.all(backends.map(async (b) => [b, await startBackend(b)] as const));

interface Case {
  readonly d: 1 | 2;
  readonly x: number[];
  readonly w: number[];
  readonly o: Record<string, unknown>;
  readonly dtype: 'float32' | 'float64';
}
const CASES: Case[] = [
  { d: 2, x: [2, 4, 9, 7], w: [6, 2, 3, 3], o: { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 }, dtype: 'float32' },
  { d: 2, x: [5, 3, 6], w: [4, 5, 2, 3], o: { padding: 'same' }, dtype: 'float32' }, // unbatched, asymmetric 'same' padding
  { d: 1, x: [2, 6, 17], w: [9, 2, 4], o: { stride: 2, padding: 3, dilation: 2, groups: 3 }, dtype: 'float64' },
  { d: 2, x: [2, 3, 5, 8], w: [4, 3, 1, 3], o: { stride: [1, 3], padding: [0, 2] }, dtype: 'float64' },
];

function run(device: string, c: Case, seed: number, order: 1 | 2): number[][] {
  const g = new Generator(seed);
  const x = randn(c.x, { device, dtype: c.dtype, generator: g, requiresGrad: true });
  const w = randn(c.w, { device, dtype: c.dtype, generator: g, requiresGrad: true });
  const conv = c.d === 2 ? F.conv2d : F.conv1d;
  const y = conv(x, w, null, c.o);
  const loss = y.square().sum();
  const [gx, gw] = grad(loss, [x, w], null, { createGraph: order === 2 }) as [Tensor, Tensor];
  if (order === 1) return [y, gx, gw].map((t) => Array.from(t.dataSync() as ArrayLike<number>));
  // Second order: the gradient of sum(gx^2) + sum(gw^2) with respect to x and w.
  const [ggx, ggw] = grad(gx.square().sum().add(gw.square().sum()), [x, w]) as [Tensor, Tensor];
  return [gx, gw, ggx, ggw].map((t) => Array.from(t.dataSync() as ArrayLike<number>));
}

function expectClose(got: number[][], want: number[][], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((a, i) => {
    const b = want[i]!;
    expect(a.length).toBe(b.length);
    const scale = Math.max(1, ...b.map(Math.abs));
    const worst = Math.max(...a.map((v, j) => Math.abs(v - b[j]!)));
    expect(worst / scale).toBeLessThan(tol);
  });
}

function counting(): Trace & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return { counts, kernel: (op) => void counts.set(op, (counts.get(op) ?? 0) + 1), transfer: () => undefined };
}

for (const [backend, start] of started)
  describe.skipIf(!start.ok)(`fused conv2d on ${backend}${start.ok ? '' : ` (skipped: ${start.reason})`}`, () => {
    CASES.forEach((c, i) => {
      test(`conv${c.d}d case ${i} (${c.dtype}): values and gradients match cpu, through the fused kernels`, () => {
        const trace = counting();
        setTrace(trace);
        let got: number[][];
        try {
          got = run(backend, c, 7 + i, 1);
        } finally {
          setTrace(null);
        }
        expectClose(got, run('cpu', c, 7 + i, 1), c.dtype === 'float32' ? 1e-5 : 1e-12);
        for (const op of ['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad']) expect(trace.counts.get(op), op).toBe(1);
        expect(trace.counts.get('gather') ?? 0).toBe(0); // no im2col
      });
      test(`conv${c.d}d case ${i} (${c.dtype}): double backward matches cpu`, () => {
        expectClose(run(backend, c, 11 + i, 2), run('cpu', c, 11 + i, 2), c.dtype === 'float32' ? 1e-4 : 1e-11);
      });
    });
  });
