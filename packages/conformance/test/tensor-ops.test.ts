// Each tensor op issue 20 adds, called by its public name (function and Tensor method) on a small
// input on every backend this machine can start, against the cpu result: the goldens check the
// values, this checks that every spelling of every name is wired on every device.
import { describe, expect, test, vi } from 'vitest';
import '@tensile/backend-cpu';
import * as T from '@tensile/core';
import { KNOWN_BACKENDS, startBackend } from '@tensile/conformance';

vi.setConfig({ testTimeout: 120_000 });

type Out = T.Tensor | T.Tensor[] | Promise<boolean> | boolean;
type Call = (d: string) => Out;
const x = (d: string, shape: number[], offset = 0) => T.arange(shape.reduce((a, b) => a * b, 1), { device: d }).add(offset).mul(0.25).reshape(shape);
const ints = (d: string, v: number[]) => T.tensor(v, { dtype: 'int32', device: d });

const CALLS: Record<string, Call> = {
  flip: (d) => T.flip(x(d, [2, 3]), [0, 1]),
  'Tensor.flip': (d) => x(d, [2, 3]).flip(1),
  roll: (d) => T.roll(x(d, [2, 3]), [1, -1], [0, 1]),
  'roll flattened': (d) => T.roll(x(d, [2, 3]), 2),
  'Tensor.roll': (d) => x(d, [4]).roll(1, 0),
  outer: (d) => T.outer(x(d, [3]), x(d, [2], 1)),
  'Tensor.outer': (d) => x(d, [2]).outer(x(d, [3])),
  diag: (d) => T.diag(x(d, [3]), 1),
  'diag of a matrix': (d) => T.diag(x(d, [3, 4]), -1),
  'Tensor.diag': (d) => x(d, [2, 2]).diag(),
  trace: (d) => T.trace(x(d, [3, 4])),
  'Tensor.trace': (d) => x(d, [2, 2]).trace(),
  diff: (d) => T.diff(x(d, [2, 4]).square(), 2, 1),
  'diff prepend append': (d) => T.diff(x(d, [3]), { prepend: x(d, [1], 5), append: x(d, [2], -3) }),
  'Tensor.diff': (d) => x(d, [4]).square().diff(),
  lerp: (d) => T.lerp(x(d, [2, 3]), x(d, [3], 2), 0.3),
  'lerp tensor weight': (d) => T.lerp(x(d, [2, 3]), x(d, [2, 3], -1), x(d, [2, 1])),
  'Tensor.lerp': (d) => x(d, [3]).lerp(x(d, [3], 4), 0.75),
  isclose: (d) => T.isclose(x(d, [3]), x(d, [3]).add(1e-7), { rtol: 0 }),
  'Tensor.isclose': (d) => x(d, [2, 2]).isclose(x(d, [2])),
  allclose: (d) => T.allclose(x(d, [3]), x(d, [3]).add(1e-7)),
  'Tensor.allclose': (d) => x(d, [3]).allclose(x(d, [3], 1)),
  equal: (d) => T.equal(x(d, [3]), x(d, [3])),
  'Tensor.equal': (d) => x(d, [3]).equal(x(d, [3], 1)),
  cross: (d) => T.cross(x(d, [2, 3]), x(d, [1, 3], 2), 1),
  'Tensor.cross': (d) => x(d, [3]).cross(x(d, [3], 1).square()),
  cdist: (d) => T.cdist(x(d, [3, 2]), x(d, [4, 2], 1).square()),
  'cdist p1 batched': (d) => T.cdist(x(d, [2, 3, 2]), x(d, [4, 2], -1), { p: 1 }),
  meshgrid: (d) => T.meshgrid(x(d, [3]), x(d, [2]), { indexing: 'xy' }).map((t) => t.contiguous()),
  'meshgrid list': (d) => T.meshgrid([x(d, [2]), x(d, [3])]).map((t) => t.contiguous()),
  repeatInterleave: (d) => T.repeatInterleave(x(d, [2, 2]), 2),
  'Tensor.repeatInterleave': (d) => x(d, [2, 2]).repeatInterleave(3, 1),
  randintLike: (d) => {
    T.manualSeed(5);
    return T.randintLike(x(d, [2, 3]), 1, 7);
  },
  'Tensor.long': (d) => x(d, [3], -1.5).mul(3).long(),
  'Tensor.int': (d) => x(d, [3]).mul(3).int(),
  'Tensor.float': (d) => ints(d, [1, -2]).float(),
  'Tensor.bool': (d) => x(d, [3]).bool(),
  'Tensor.typeAs': (d) => x(d, [3]).mul(5).typeAs(ints(d, [0])),
  'Tensor.viewAs': (d) => x(d, [2, 3]).viewAs(x(d, [3, 2])),
  'Tensor.reshapeAs': (d) => x(d, [2, 3]).t().reshapeAs(x(d, [6])),
};

type Got = (number | boolean | unknown[])[];
async function read(o: Out): Promise<Got> {
  const v = await o;
  if (typeof v === 'boolean') return [v];
  return Promise.all([v].flat().map((t) => t.tolist())) as Promise<Got>;
}

const cpu: Record<string, Got> = {};
for (const [name, f] of Object.entries(CALLS)) cpu[name] = await read(f('cpu'));

for (const backend of KNOWN_BACKENDS)
  describe(backend, async () => {
    const started = await startBackend(backend);
    for (const [name, f] of Object.entries(CALLS))
      test.skipIf(!started.ok)(`${name} agrees with cpu${started.ok ? '' : ` (skipped: ${started.reason})`}`, async () => {
        const got = await read(f(backend));
        const want = cpu[name]!;
        expect(got.length).toBe(want.length);
        const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);
        got.forEach((g, i) => {
          expect(Array.isArray(g)).toBe(Array.isArray(want[i]));
          const [a, b] = [flat(g), flat(want[i])];
          expect(a.length).toBe(b.length);
          a.forEach((v, k) => expect(Math.abs(v - b[k]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(b[k]!))));
        });
      });
    test.skipIf(!started.ok)('long() of a value outside int32 is a ValueError (at once, or at the next readback on async devices)', async () => {
      await expect(async () => {
        const t = x(backend, [2], 1).mul(1e10).long();
        await t.data();
        await T.ready(backend);
      }).rejects.toThrow(T.ValueError);
      await expect(async () => {
        await T.tensor([3e9], { device: backend }).long().data();
        await T.ready(backend);
      }).rejects.toThrow(T.ValueError);
    });
  });
