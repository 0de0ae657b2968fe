// In-place writes through views (PyTorch's CopySlices): the cases are PyTorch's, from the golden
// generator's hand-written view programs (tools/golden, programs/views.json), replayed here on cpu
// in float64; plus the errors PyTorch raises for in-place ops on special views.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { runProgram, type Program } from '@tensile/conformance';

interface ViewCase {
  id: string;
  program: Program;
  error?: string;
  values?: Record<string, { shape: number[]; data: (number | string)[] }>;
  grads?: Record<string, { shape: number[]; data: (number | string)[] } | null>;
}
const file = fileURLToPath(new URL('../../conformance/golden/programs/views.json', import.meta.url));
const cases = (JSON.parse(readFileSync(file, 'utf8')) as { cases: ViewCase[] }).cases;
const num = (v: number | string) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : Number(v));
const near = (got: ArrayLike<number>, want: (number | string)[]) =>
  expect(Array.from(got).every((g, i) => Math.abs(g - num(want[i]!)) <= 1e-9 + 1e-7 * Math.abs(num(want[i]!))) && got.length === want.length).toBe(true);

describe('PyTorch programs that write through views', () => {
  test('the golden file has them', () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases)
    test(c.id, async () => {
      const r = await runProgram(c.program, { device: 'cpu', dtype: 'float64' });
      if (c.error !== undefined) {
        expect(r.error?.message).toMatch(/modified by an inplace operation/);
        return;
      }
      expect(r.error).toBeUndefined();
      for (const v of r.values) near(v.data, c.values![String(v.ref)]!.data);
      for (const g of r.grads) {
        const want = c.grads![String(g.ref)];
        if (want === null) expect(g.data).toBeNull();
        else near(g.data!, want!.data);
      }
    });
});

describe('in-place on special views, as PyTorch refuses', () => {
  test('a view of a leaf that requires grad', () => {
    const x = T.tensor([1, 2, 3], { requiresGrad: true });
    expect(() => x.slice(0, 0, 1).mul_(2)).toThrow(/a view of a leaf tensor that requires grad/);
    expect(() => x.select(0, 1).zero_()).toThrow(T.ValueError);
    T.noGrad(() => x.slice(0, 0, 1).mul_(2)); // untracked: allowed
    expect(x.tolistSync()).toEqual([2, 2, 3]);
  });
  test('a view made in noGrad mode, written with grad mode on', () => {
    const y = T.tensor([1, 2, 3], { requiresGrad: true }).mul(1);
    const v = T.noGrad(() => y.slice(0, 0, 1));
    expect(() => v.mul_(2)).toThrow(/created in noGrad mode/);
    const w = T.tensor([1], { requiresGrad: true });
    const z = T.noGrad(() => T.zeros([3]).slice(0, 0, 1));
    expect(() => z.add_(w)).toThrow(/created in noGrad mode/);
    z.add_(1); // nothing tracked: allowed
  });
  test('outputs of split, chunk and unbind', () => {
    const y = T.tensor([1, 2, 3, 4], { requiresGrad: true }).mul(1);
    expect(() => y.split(2)[0]!.mul_(2)).toThrow(/SplitBackward0 .*multiple views/);
    expect(() => y.chunk(2)[1]!.add_(1)).toThrow(/multiple views/);
    expect(() => y.unbind()[0]!.fill_(0)).toThrow(/UnbindBackward0/);
    T.tensor([1, 2]).split(1)[0]!.mul_(2); // no grad anywhere: allowed
  });
  test('the base and the written view both see the new history; double backward', () => {
    const x = T.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(1);
    const v = y.slice(0, 1);
    v.mul_(y.slice(0, 0, 2).clone());
    expect(y.gradFn?.name).toBe('CopySlices');
    const [g] = T.grad(y.mul(y).sum(), x, null, { createGraph: true });
    g!.sum().backward();
    // The same function written out of place (y = [x0, x1 x0, x2 x1]), no views involved.
    const x2 = T.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const y2 = T.cat([x2.slice(0, 0, 1), x2.slice(0, 1).mul(x2.slice(0, 0, 2))]);
    const [g2] = T.grad(y2.mul(y2).sum(), x2, null, { createGraph: true });
    g2!.sum().backward();
    expect(g!.tolistSync()).toEqual(g2!.tolistSync());
    expect(x.grad!.tolistSync()).toEqual(x2.grad!.tolistSync());
    expect(v.gradFn).not.toBeNull();
  });
});
