import { describe, expect, it } from 'vitest';
import '@tensile/backend-cpu';
// The package entry (registers and selects wasm), imported by path so its types match the kernel factories below.
import { wasmBackend } from '../src/index.js';
import {
  amax, amin, argmax, argmin, binary, empty, type BinaryOp, castTo, cumprod, cumsum, type DType, DTYPES, expand, fill_, fromHostArray, gather,
  kernelCoverage, logSoftmax, matmul, narrow, permute, PRIMITIVES, prod, scatter, scatterAdd, slice, softmax, sort, sum, type Tensor, transpose, unary, type UnaryOp, where,
} from '@tensile/core';
import { elementwiseKernels } from '../src/kernels/elementwise.js';
import { softmaxKernel } from '../src/kernels/softmax.js';
import { expectClose, pair, same } from './helpers.js';
import { FUSED } from '../src/fused.js';

const UNARY = Object.entries(PRIMITIVES).filter(([, s]) => s.kind === 'unary').map(([op]) => op as UnaryOp);
const BINARY = Object.entries(PRIMITIVES).filter(([, s]) => s.kind === 'binary').map(([op]) => op as BinaryOp);
/** float32 transcendentals are vector polynomials (1-2 ulp), not double-then-round. */
const F32_RTOL = 3e-6;

/** The layouts a kernel must handle: contiguous, transposed, sliced with a step, broadcast, 0-d, size 0. */
const LAYOUTS: { name: string; shape: number[]; view: (t: Tensor) => Tensor }[] = [
  { name: 'contiguous', shape: [3, 37], view: (t) => t },
  { name: 'transposed', shape: [9, 13], view: (t) => transpose(t, 0, 1) },
  { name: 'stepped', shape: [4, 30], view: (t) => slice(t, 1, 1, 29, 3) },
  { name: 'broadcast', shape: [5, 1], view: (t) => expand(t, [5, 6]) },
  { name: '0-d', shape: [], view: (t) => t },
  { name: 'empty', shape: [0, 3], view: (t) => t },
];

describe('wasm kernels match cpu', () => {
  it('registers a kernel for every primitive', () => {
    expect(kernelCoverage('wasm').missing).toEqual([]);
    expect(kernelCoverage('wasm').fused.sort()).toEqual([...FUSED].sort());
  });

  it('unary ops on every dtype and layout', () => {
    let seed = 1;
    for (const dtype of DTYPES)
      for (const layout of LAYOUTS) {
        const [c, w] = pair(layout.shape, dtype, seed++);
        for (const op of UNARY) same(`${op} ${dtype} ${layout.name}`, ([x]) => unary(op, layout.view(x!)), [c], [w], dtype === 'float64' ? 1e-12 : F32_RTOL, 1e-30);
      }
  });

  it('binary ops on every dtype, with broadcasting and scalars', () => {
    let seed = 100;
    for (const dtype of DTYPES) {
      const [a, aw] = pair([3, 1, 7], dtype, seed++);
      const [b, bw] = pair([5, 1], dtype, seed++);
      const [c, cw] = pair([6, 5], dtype, seed++);
      const [e, ew] = pair([0, 5], dtype, seed++);
      for (const op of BINARY) {
        const tol = dtype === 'float32' && op === 'pow' ? 1e-6 : 1e-12;
        same(`${op} ${dtype} broadcast`, ([x, y]) => binary(op, x!, y!), [a, b], [aw, bw], tol, 1e-30);
        same(`${op} ${dtype} transposed`, ([x, y]) => binary(op, transpose(x!, 0, 1), y!), [c, narrow(b, 0, 0, 5)], [cw, narrow(bw, 0, 0, 5)], tol, 1e-30);
        same(`${op} ${dtype} scalar right`, ([x]) => binary(op, x!, 2), [a], [aw], tol, 1e-30);
        same(`${op} ${dtype} scalar 2.5 right`, ([x]) => binary(op, x!, 2.5), [a], [aw], tol, 1e-30);
        same(`${op} ${dtype} scalar left`, ([x]) => binary(op, 3, x!), [a], [aw], tol, 1e-30);
        same(`${op} ${dtype} empty`, ([x, y]) => binary(op, x!, y!), [e, b], [ew, bw]);
      }
    }
  });

  it('int32 arithmetic wraps as cpu does', () => {
    const big = Int32Array.of(2147483647, -2147483648, 65536, -7, 7, 0);
    const other = Int32Array.of(1, -1, 65536, 2, -2, 0);
    for (const op of ['add', 'sub', 'mul', 'remainder', 'pow', 'maximum'] as const) {
      const f = ([x, y]: Tensor[]) => binary(op, x!, y!);
      same(op, f, [fromHostArray(big, [6], 'int32', 'cpu'), fromHostArray(other, [6], 'int32', 'cpu')], [
        fromHostArray(big, [6], 'int32', 'wasm'),
        fromHostArray(other, [6], 'int32', 'wasm'),
      ]);
    }
  });

  it('where, cast, copy and fill', () => {
    let seed = 200;
    const [cond, condW] = pair([4, 1], 'bool', seed++);
    for (const dtype of DTYPES) {
      const [a, aw] = pair([4, 6], dtype, seed++);
      const [b, bw] = pair([6], dtype, seed++);
      same(`where ${dtype}`, ([c, x, y]) => where(c!, x!, y!), [cond, a, b], [condW, aw, bw]);
      same(`where ${dtype} scalar`, ([c, x]) => where(c!, x!, 0), [cond, a], [condW, aw]);
      for (const to of DTYPES) same(`cast ${dtype} -> ${to}`, ([x]) => castTo(transpose(x!, 0, 1), to), [a], [aw]);
      same(`fill ${dtype}`, ([x]) => fill_(transpose(x!.clone(), 0, 1), 2.75), [a], [aw]);
    }
    same('where scalars', ([c]) => where(c!, 1.5, -2), [cond], [condW]);
  });

  it('reductions over every dim, all dims and empty dims', () => {
    let seed = 300;
    for (const dtype of DTYPES) {
      const [x, xw] = pair([4, 5, 70], dtype, seed++, false);
      const [z, zw] = pair([3, 0, 2], dtype, seed++);
      for (const dim of [0, 1, 2, [0, 2], null] as const) {
        const d = dim === null ? undefined : dim;
        same(`sum ${dtype} ${dim}`, ([t]) => sum(t!, d), [x], [xw], 1e-6, 1e-5);
        same(`prod ${dtype} ${dim}`, ([t]) => prod(t!, d), [x], [xw], 1e-6, 1e-30);
        same(`amax ${dtype} ${dim}`, ([t]) => amax(t!, d), [x], [xw]);
        same(`amin ${dtype} ${dim}`, ([t]) => amin(t!, d), [x], [xw]);
        same(`sum ${dtype} empty ${dim}`, ([t]) => sum(t!, d), [z], [zw]);
      }
      for (const dim of [0, 1, 2]) {
        same(`argmax ${dtype} ${dim}`, ([t]) => argmax(t!, dim), [x], [xw]);
        same(`argmin ${dtype} ${dim}`, ([t]) => argmin(permute(t!, [2, 0, 1]), dim), [x], [xw]);
      }
    }
    // NaN propagates through the vector max and wins argmax.
    const [n, nw] = pair([3, 50], 'float32', 7);
    same('amax with NaN', ([t]) => amax(t!, 1), [n], [nw]);
    same('argmax with NaN', ([t]) => argmax(t!, 1), [n], [nw]);
  });

  it('float32 sums of 2^24 ones stay exact (float64 partial sums)', () => {
    const ones = fromHostArray(new Float32Array(1 << 24).fill(1), [1 << 24], 'float32', 'wasm');
    expect(sum(ones).itemSync()).toBe(1 << 24);
    ones.dispose();
  });

  it('cumsum, cumprod and stable sort', () => {
    let seed = 400;
    for (const dtype of DTYPES) {
      const [x, xw] = pair([3, 9, 4], dtype, seed++);
      for (const dim of [0, 1, 2]) {
        same(`cumsum ${dtype} ${dim}`, ([t]) => cumsum(t!, dim), [x], [xw], 1e-6, 1e-5);
        same(`cumprod ${dtype} ${dim}`, ([t]) => cumprod(t!, dim), [x], [xw], 1e-6, 1e-30);
        for (const descending of [false, true]) {
          same(`sort ${dtype} ${dim} ${descending}`, ([t]) => sort(t!, dim, descending).values, [x], [xw]);
          same(`sort indices ${dtype} ${dim} ${descending}`, ([t]) => sort(t!, dim, descending).indices, [x], [xw]);
        }
      }
    }
  });

  it('gather, scatter and scatterAdd', () => {
    let seed = 500;
    const idx = Int32Array.from({ length: 24 }, (_, i) => (i * 7) % 5);
    const index = fromHostArray(idx, [4, 6], 'int32', 'cpu');
    const indexW = fromHostArray(idx, [4, 6], 'int32', 'wasm');
    for (const dtype of DTYPES) {
      const [x, xw] = pair([5, 6], dtype, seed++);
      const [src, srcW] = pair([4, 7], dtype, seed++);
      same(`gather ${dtype}`, ([t, i]) => gather(t!, 0, i!), [x, index], [xw, indexW]);
      same(`gather ${dtype} transposed`, ([t, i]) => gather(transpose(t!, 0, 1), 1, transpose(i!, 0, 1)), [x, index], [xw, indexW]);
      same(`scatter ${dtype}`, ([t, i, s]) => scatter(t!, 0, i!, s!), [x, index, src], [xw, indexW, srcW]);
      if (dtype !== 'bool') same(`scatterAdd ${dtype}`, ([t, i, s]) => scatterAdd(t!, 0, i!, s!), [x, index, src], [xw, indexW, srcW]);
    }
  });

  it('gather and scatterAdd through one index line shared by every row (an expanded table, as convolution windows use)', () => {
    const line = Int32Array.from([4, 0, 2, 2, 5, 1, 3, 0, 5]);
    const [lc, lw] = [fromHostArray(line, [1, 1, 9], 'int32', 'cpu'), fromHostArray(line, [1, 1, 9], 'int32', 'wasm')];
    const [x, xw] = pair([3, 4, 6], 'float32', 520);
    const [src, srcW] = pair([3, 4, 9], 'float32', 521);
    const wide = (i: Tensor) => expand(i, [3, 4, 9]);
    same('gather shared line', ([t, i]) => gather(t!, 2, wide(i!)), [x, lc], [xw, lw]);
    same('gather shared line, strided rows', ([t, i]) => gather(transpose(t!, 0, 1), 2, expand(i!, [4, 3, 9])), [x, lc], [xw, lw]);
    same('scatterAdd shared line (repeated positions accumulate in order)', ([t, i, s]) => scatterAdd(t!, 2, wide(i!), s!), [x, lc, src], [xw, lw, srcW], 1e-6, 1e-6);
    same('scatter shared line', ([t, i, s]) => scatter(t!, 2, wide(i!), s!), [x, lc, src], [xw, lw, srcW]);
    const bad = fromHostArray(Int32Array.from([0, 1, 6]), [1, 1, 3], 'int32', 'wasm');
    expect(() => gather(xw, 2, expand(bad, [3, 4, 3]))).toThrow(/index 6 is out of bounds/);
  });

  it('matmul across blocking edges, strides and batch broadcast', () => {
    let seed = 600;
    // Sizes straddle wasm's micro-tile (4 x 8), its k panel (512), row block (96) and column panel (1024).
    for (const [M, K, N] of [[1, 1, 1], [5, 7, 3], [33, 65, 17], [97, 257, 70], [9, 515, 1030], [4, 0, 3], [0, 4, 3]]) {
      for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
        const [a, aw] = pair([2, M!, K!], dtype, seed++, false);
        const [b, bw] = pair([K!, N!], dtype, seed++, false);
        const tol = dtype === 'float32' ? 1e-4 : 1e-12;
        // cpu accumulates float32 products in float64, wasm in float32: over K = 515 terms of up to 16 the
        // float32 sum is off by a few ulps of its ~2000 absolute size (measured up to 2.6e-7 of it), 1e-3 where cancellation leaves a small result.
        const atol = dtype === 'float32' && K! > 300 ? 1e-3 : 1e-4;
        same(`matmul ${dtype} ${M}x${K}x${N}`, ([x, y]) => matmul(x!, y!), [a, b], [aw, bw], tol, atol);
        same(`matmul ${dtype} ${M}x${K}x${N} transposed`, ([x, y]) => matmul(transpose(y!, 0, 1), transpose(x!, 1, 2)), [a, b], [aw, bw], tol, atol);
      }
    }
  });

  it('fused softmax and logSoftmax agree with the composed ops', () => {
    const copy = elementwiseKernels(wasmBackend).copy;
    for (const [shape, dim] of [[[7, 37], 1], [[3, 5, 4], 1], [[6, 9], 0]] as [number[], number][]) {
      const [x, xw] = pair(shape, 'float32', 700, false);
      for (const [name, composed] of [['softmax', softmax], ['logSoftmax', logSoftmax]] as const) {
        const k = softmaxKernel(wasmBackend, name === 'logSoftmax', copy);
        const out = empty(shape, { device: 'wasm' });
        k([transpose(transpose(xw, 0, 1), 0, 1)], { dim }, out);
        expectClose(out, composed(x, dim), 1e-5, 1e-6, `${name} ${shape} ${dim}`);
        const outT = empty([shape[1]!, shape[0]!, ...shape.slice(2)], { device: 'wasm' });
        k([transpose(xw, 0, 1)], { dim: 0 }, outT);
        expectClose(outT, composed(transpose(x, 0, 1), 0), 1e-5, 1e-6, `${name} ${shape} strided`);
      }
    }
  });
});
