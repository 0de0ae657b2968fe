import { expect, test } from 'vitest';
import type { KernelSignatures, TensorView } from '@tensile/core';
import { runConformance } from '@tensile/conformance';
import { scratchBackend } from './scratch.js';

type Unary = KernelSignatures['unary'];
interface HostView extends TensorView {
  storage: TensorView['storage'] & { data: Float32Array };
}

// exp off by 0.1% on every element: small enough to look plausible, large enough for rtol 1e-4.
const sloppyExp: Unary = (x, out) => {
  const src = (x as HostView).storage.data;
  const dst = (out as HostView).storage.data;
  const n = out.shape.reduce((a, b) => a * b, 1);
  // Walk x's strides so views are read right; only the value is wrong.
  const idx = new Array<number>(x.shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = x.offset;
    for (let d = 0; d < idx.length; d++) off += idx[d]! * x.strides[d]!;
    dst[out.offset + i] = Math.exp(src[off]!) * 1.001;
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < x.shape[d]!) break;
      idx[d] = 0;
    }
  }
};

scratchBackend('sloppy', { exp: sloppyExp });

test('a wrong exp kernel fails the golden exp cases and the composites built on exp', async () => {
  const r = await runConformance({ backend: 'sloppy', kinds: ['ops'], differential: false, filter: '/^(exp|logsumexp|add)\\//' });
  const failed = (op: string) => r.cases.filter((c) => c.subject === op && c.status === 'failed');
  expect(failed('exp').length).toBeGreaterThan(0);
  // logsumexp is composed from exp; (log)softmax would not show it, having fused forward and backward kernels here.
  expect(failed('logsumexp').length).toBeGreaterThan(0);
  // Ops that never call exp still pass on the same backend.
  expect(r.cases.filter((c) => c.subject === 'add').length).toBeGreaterThan(0);
  expect(failed('add')).toEqual([]);
  const f = failed('exp').map((c) => c.failures[0]!).find((m) => m.what === 'output')!;
  expect(f.what).toBe('output');
  expect(f.index).toBeTypeOf('number');
  expect(f.maxRelError).toBeGreaterThan(9e-4);
});

test('the differential check catches the same kernel against cpu, with the seed that reproduces it', async () => {
  const r = await runConformance({ backend: 'sloppy', kinds: [], filter: '/^differential\\/(exp|neg|sigmoid)$/', seed: 1234 });
  const byOp = Object.fromEntries(r.cases.map((c) => [c.subject, c]));
  expect(byOp.exp?.status).toBe('failed');
  expect(byOp.exp?.failures[0]?.message).toContain(`seed ${byOp.exp!.seed}`);
  expect(byOp.neg?.status).toBe('passed');
  expect(byOp.sigmoid?.status).toBe('passed');
});
