import { describe, expect } from 'vitest';
import { type DType, fromHostArray, Generator, type HostArray, ready, type Tensor } from '@tensile/core';
import '@tensile/backend-cpu';
import { webgpuBackend } from '@tensile/backend-webgpu';

/** Why the webgpu backend cannot start here, or null when it runs. */
export const unavailable: string | null = await ready('webgpu').then(
  () => null,
  (e: unknown) => (e as Error).message,
);
if (unavailable !== null) console.warn(`webgpu tests skipped: ${unavailable}`);
else console.info(`webgpu tests run on ${webgpuBackend.source}`);

/** describe() when an adapter exists; otherwise a skipped suite whose name carries the reason. */
export function describeGpu(name: string, fn: () => void): void {
  if (unavailable === null) describe(name, fn);
  else describe.skip(`${name} (skipped: ${unavailable})`, fn);
}

/** n uniform numbers in [0, 1) from core's Philox generator, so failures reproduce from the seed. */
function uniform(n: number, seed: number): Float64Array {
  return new Generator(seed).uniform(n);
}

export function floats(n: number, seed: number, lo = -3, hi = 3): Float32Array {
  return Float32Array.from(uniform(n, seed), (u) => lo + (hi - lo) * u);
}

export function ints(n: number, seed: number, lo = -5, hi = 5): Int32Array {
  return Int32Array.from(uniform(n, seed), (u) => lo + Math.floor((hi - lo + 1) * u));
}

export function bools(n: number, seed: number): Uint8Array {
  return Uint8Array.from(uniform(n, seed), (u) => (u < 0.5 ? 1 : 0));
}

/** The same data on cpu and on webgpu. */
export function pair(data: HostArray, shape: readonly number[], dtype: DType): [Tensor, Tensor] {
  return [fromHostArray(data, shape, dtype, 'cpu'), fromHostArray(data, shape, dtype, 'webgpu')];
}

/** Equal shapes and dtypes, identical NaN/inf positions, and |gpu - cpu| <= atol + rtol |cpu| (exact for int and bool). */
export async function expectClose(gpu: Tensor, cpu: Tensor, what: string, rtol = 1e-5, atol = 1e-6): Promise<void> {
  expect(gpu.device, what).toBe('webgpu');
  expect(gpu.shape, what).toEqual(cpu.shape);
  expect(gpu.dtype, what).toBe(cpu.dtype);
  const g = await gpu.data();
  const c = cpu.dataSync();
  const exact = cpu.dtype !== 'float32';
  for (let i = 0; i < c.length; i++) {
    const x = g[i]!;
    const y = c[i]!;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) || exact ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y);
    if (!ok) expect.fail(`${what}: element ${i} is ${x} on webgpu, ${y} on cpu`);
  }
}
