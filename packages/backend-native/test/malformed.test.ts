import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as T from '@tensile/core';
import { DeviceError, DTypeError, IndexError, memory, ShapeError, type TensorView, TensileError, ValueError } from '@tensile/core';
import '@tensile/backend-cpu';
import { nativeBackend } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ADDON_PATH } from '../src/addon.js';
import { CALLS } from '../src/calls.js';
import { nativeKernels } from '../src/kernels.js';
import { make, values } from './helpers.js';

/**
 * Bad input never crashes the process: through the public API (clear errors
 * of core's classes, nothing changed), through the kernel table (the TS
 * checks, then the addon's), and through the addon's raw entry points.
 */

const dev = 'native';
const f = (shape: number[]) => make(values(T.numel(shape), 1), shape, 'float32', dev);
const ints = (data: number[], shape: number[]) => make(data, shape, 'int32', dev);

describe('public API on native rejects bad input with core errors and changes nothing', () => {
  it('out-of-range and negative indices', () => {
    const x = f([3, 4]);
    const before = memory('native');
    for (const bad of [[3], [-1], [1000000]]) {
      const index = ints([0, bad[0]!, 1, 2], [1, 4]);
      const list = ints([bad[0]!], [1]);
      const src = f([1, 4]);
      const snapshot = x.dataSync();
      const b = memory('native');
      expect(() => T.gather(x, 0, index)).toThrow(IndexError);
      expect(() => T.scatter(x, 0, index, src)).toThrow(IndexError);
      expect(() => T.scatterAdd(x, 0, index, src)).toThrow(IndexError);
      expect(() => T.indexSelect(x, 0, list)).toThrow(IndexError);
      expect(x.dataSync()).toEqual(snapshot);
      expect(memory('native')).toEqual(b);
      T.dispose([index, list, src]);
    }
    expect(memory('native').tensors).toBe(before.tensors);
  });

  it('shape, dtype and device mistakes', () => {
    expect(() => T.matmul(f([2, 3]), f([4, 5]))).toThrow(ShapeError);
    expect(() => T.add(f([2, 3]), f([4, 3]))).toThrow(ShapeError);
    expect(() => T.where(f([2]), f([2]), 0)).toThrow(DTypeError);
    expect(() => T.add(f([2]), T.zeros([2], { device: 'cpu' }))).toThrow(DeviceError);
    const d = f([2]);
    d.dispose();
    expect(() => T.exp(d)).toThrow(ValueError);
    expect(() => d.dataSync()).toThrow(ValueError);
  });
});

describe('the native kernel table rejects malformed views before and inside the addon', () => {
  const kernels = nativeKernels(nativeBackend.bridge!) as unknown as Record<string, (...args: unknown[]) => void>;

  // Views that lie about their storage: past its end, before its start, fractional, forged, freed, foreign.
  const liars = (): [string, TensorView][] => {
    const s = f([6]).storage;
    const freed = f([6]);
    const freedStorage = freed.storage;
    freed.dispose();
    const cpu = T.zeros([6], { device: 'cpu' }).storage;
    const v = (shape: number[], strides: number[], offset: number, storage = s): TensorView => ({ storage, dtype: storage.dtype, shape, strides, offset });
    return [
      ['shape past the end', v([7], [1], 0)],
      ['offset past the end', v([2], [1], 5)],
      ['negative stride before the start', v([3], [-1], 1)],
      ['huge stride', v([2], [1e12], 0)],
      ['negative offset', v([1], [1], -1)],
      ['fractional offset', v([1], [1], 0.5)],
      ['NaN shape', v([NaN], [1], 0)],
      ['negative shape', v([-3], [1], 0)],
      ['17 dims', v(new Array(17).fill(1), new Array(17).fill(1), 0)],
      ['freed storage', v([1], [1], 0, freedStorage)],
      ['cpu storage', v([1], [1], 0, cpu)],
      ['forged handle', v([1], [1], 0, { ...s, handle: 123456789 } as never)],
    ];
  };

  const good = () => f([6]);
  const goodIdx = () => ints([0, 1, 2, 3, 4, 5], [6]);
  // Every kernel with each argument position in turn replaced by a liar (extra numbers: a dim or a flag).
  const calls: Record<string, (bad: TensorView) => unknown[][]> = {};
  for (const op of Object.keys(T.PRIMITIVES)) {
    const kind = T.PRIMITIVES[op as keyof typeof T.PRIMITIVES].kind;
    calls[op] =
      kind === 'unary' || kind === 'copy'
        ? (b) => [[b, good()], [good(), b]]
        : kind === 'binary'
          ? (b) => [[b, good(), good()], [good(), b, good()], [good(), 2, b]]
          : kind === 'where'
            ? (b) => [[b, good(), good(), good()], [T.gt(good(), 0), b, 1, good()], [T.gt(good(), 0), 1, 2, b]]
            : kind === 'fill'
              ? (b) => [[b, 1]]
              : kind === 'reduce' || kind === 'scan'
                ? (b) => [[b, good()], [T.reshape(good(), [1, 6, 1]), b]]
                : kind === 'matmul'
                  ? (b) => [[b, good(), good()], [T.reshape(good(), [1, 2, 3]), b, good()]]
                  : kind === 'gather'
                    ? (b) => [[b, goodIdx(), 0, good()], [good(), b, 0, good()], [good(), goodIdx(), 0, b]]
                    : kind === 'scatter'
                      ? (b) => [[b, goodIdx(), good(), 0], [good(), b, good(), 0], [good(), goodIdx(), b, 0]]
                      : (b) => [[b, good(), goodIdx(), false], [T.reshape(good(), [1, 6, 1]), b, goodIdx(), true]];
  }

  for (const op of Object.keys(T.PRIMITIVES))
    it(`${op}: every malformed view is a TensileError`, () => {
      T.tidy(() => {
        for (const [what, bad] of liars())
          for (const args of calls[op]!(bad)) expect(() => kernels[op]!(...args), `${op} with ${what}`).toThrow(TensileError);
      });
    });

  it('wrong layouts, dtypes and out-of-range indices inside well-formed views', () => {
    T.tidy(() => {
      const x = f([2, 3]);
      expect(() => kernels.matmul!(T.reshape(x, [1, 2, 3]), T.reshape(x, [1, 2, 3]), T.zeros([1, 2, 3], { device: dev }))).toThrow(ShapeError);
      expect(() => kernels.sum!(x.t(), f([3]))).toThrow(TensileError); // not the [outer, r, inner] layout
      expect(() => kernels.where!(x, x, x, x)).toThrow(DTypeError);
      expect(() => kernels.exp!(ints([1], [1]), f([1]))).toThrow(DTypeError);
      expect(() => kernels.gather!(f([4]), ints([4], [1]), 0, f([1]))).toThrow(IndexError);
      expect(() => kernels.gather!(f([4]), ints([-1], [1]), 0, f([1]))).toThrow(IndexError);
      const dst = f([4]);
      const snapshot = dst.dataSync();
      expect(() => kernels.scatterAdd!(dst, ints([0, 9], [2]), f([2]), 0)).toThrow(IndexError);
      expect(dst.dataSync()).toEqual(snapshot); // checked before the first write
      expect(() => kernels.gather!(f([4]), ints([0], [1]), 3, f([1]))).toThrow(TensileError);
      expect(() => kernels.argmax!(T.reshape(f([0]), [1, 0, 1]), ints([0], [1, 1]))).toThrow(IndexError);
      expect(() => kernels.softmax!([ints([1, 2], [2])], { dim: 0 }, ints([0, 0], [2]))).toThrow(DTypeError);
      expect(() => kernels.softmax!([f([2, 3])], { dim: 2 }, f([2, 3]))).toThrow(IndexError);
      expect(() => kernels.logSoftmax!([f([2, 3])], { dim: 1 }, f([3, 2]))).toThrow(ShapeError);
      for (const [what, bad] of liars()) {
        expect(() => kernels.softmax!([bad], { dim: 0 }, f([1])), `softmax input with ${what}`).toThrow(TensileError);
        expect(() => kernels.softmax!([f([1])], { dim: 0 }, bad), `softmax out with ${what}`).toThrow(TensileError);
      }
      // The fused gradients and the Adam step: wrong shapes, dtypes, layouts and lying views, each refused.
      for (const op of ['softmaxBackward', 'logSoftmaxBackward']) {
        expect(() => kernels[op]!([f([2, 3]), f([3, 2])], { dim: 1 }, f([2, 3])), `${op} shapes`).toThrow(ShapeError);
        expect(() => kernels[op]!([f([2, 3]), ints([1, 2, 3, 4, 5, 6], [2, 3])], { dim: 1 }, f([2, 3])), `${op} dtype`).toThrow(DTypeError);
        expect(() => kernels[op]!([x.t(), f([3, 2])], { dim: 1 }, f([3, 2])), `${op} layout`).toThrow(ValueError);
        expect(() => kernels[op]!([f([2, 3]), f([2, 3])], { dim: 2 }, f([2, 3])), `${op} dim`).toThrow(IndexError);
        for (const [what, bad] of liars())
          for (const args of [[[bad, f([1])], f([1])], [[f([1]), bad], f([1])], [[f([1]), f([1])], bad]] as const)
            expect(() => kernels[op]!(args[0], { dim: 0 }, args[1]), `${op} with ${what}`).toThrow(TensileError);
      }
      const adam = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 1 };
      const p = f([6]);
      const before = p.dataSync();
      expect(() => kernels.adamStep!([p, f([6]), f([6]), f([5])], adam, p)).toThrow(ShapeError);
      expect(() => kernels.adamStep!([p, f([6]), ints([0, 0, 0, 0, 0, 0], [6]), f([6])], adam, p)).toThrow(DTypeError);
      for (const [what, bad] of liars())
        for (let k = 0; k < 5; k++) {
          const ts = [p, f([6]), f([6]), f([6]), f([6])];
          ts[k] = bad;
          expect(() => kernels.adamStep!(ts, adam, ts[0]), `adamStep tensor ${k} with ${what}`).toThrow(TensileError);
        }
      const sgd = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, first: false };
      expect(() => kernels.sgdStep!([p, f([6]), f([5])], sgd, p)).toThrow(ShapeError);
      expect(() => kernels.sgdStep!([p, ints([0, 0, 0, 0, 0, 0], [6]), f([6])], sgd, p)).toThrow(DTypeError);
      const rmsprop = { lr: 0.1, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.5, centered: true, maximize: false };
      expect(() => kernels.rmspropStep!([p, f([6]), f([6]), f([6]), f([5])], rmsprop, p)).toThrow(ShapeError);
      expect(() => kernels.rmspropStep!([p, f([6]), f([6]), ints([0, 0, 0, 0, 0, 0], [6]), f([6])], rmsprop, p)).toThrow(DTypeError);
      for (const [what, bad] of liars())
        for (let k = 0; k < 5; k++) {
          const ts = [p, f([6]), f([6]), f([6]), f([6])];
          ts[k] = bad;
          expect(() => kernels.rmspropStep!(ts, rmsprop, ts[0]), `rmspropStep tensor ${k} with ${what}`).toThrow(TensileError);
          if (k < 3) expect(() => kernels.sgdStep!(ts.slice(0, 3), sgd, ts[0]), `sgdStep tensor ${k} with ${what}`).toThrow(TensileError);
        }
      expect(p.dataSync()).toEqual(before); // checked before the first write
    });
  });
});

describe("the addon's raw entry points", () => {
  it('survive thousands of malformed parameter blocks and arguments (child process)', () => {
    const script = fileURLToPath(new URL('./fuzz-addon.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, DEFAULT_ADDON_PATH, JSON.stringify(CALLS), '4000', '7'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { survived: boolean; ok: number; rejected: number };
    expect(summary.survived).toBe(true);
    // Most blocks are rejected, and some well-formed ones ran: both paths were exercised.
    expect(summary.rejected).toBeGreaterThan(summary.ok);
    expect(summary.ok).toBeGreaterThan(0);
  });
});
