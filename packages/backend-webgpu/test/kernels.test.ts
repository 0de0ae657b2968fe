import { expect, it } from 'vitest';
import {
  argmax,
  argmin,
  amax,
  amin,
  binary,
  type BinaryOp,
  castTo,
  cumprod,
  cumsum,
  type DType,
  fromHostArray,
  gather,
  Generator,
  IndexError,
  grad,
  kernelCoverage,
  logSoftmax,
  logsumexp,
  matmul,
  mean,
  norm,
  PRIMITIVES,
  prod,
  scatter,
  scatterAdd,
  softmax,
  sort,
  std,
  sum,
  type Tensor,
  topk,
  unary,
  type UnaryOp,
  variance,
  where,
} from '@tensile/core';
import { webgpuBackend } from '@tensile/backend-webgpu';
import { BLOCK, TILE } from '../src/kernels/reduce.wgsl.js';
import { bools, describeGpu, expectClose, floats, ints, pair } from './gpu.js';
import { FUSED } from '../src/fused.js';

const UNARY = Object.keys(PRIMITIVES).filter((op) => PRIMITIVES[op as UnaryOp].kind === 'unary') as UnaryOp[];
const BINARY = Object.keys(PRIMITIVES).filter((op) => PRIMITIVES[op as BinaryOp].kind === 'binary') as BinaryOp[];

/** Random floats with the special values every kernel must get right mixed in. */
function special(n: number, seed: number): Float32Array {
  const d = floats(n, seed, -4, 4);
  const s = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1e-4, -1e-4, 30, -30, 100, -100, 1e-30];
  for (let i = 0; i < s.length && i < n; i++) d[(i * 7) % n] = s[i]!;
  return d;
}

describeGpu('webgpu kernels against the cpu backend', () => {
  it('registers a kernel for every primitive (no fallback to cpu)', () => {
    expect(kernelCoverage('webgpu').missing).toEqual([]);
  });

  it('unary ops on float32, including NaN, infinities, zeros and large values', async () => {
    const [c, g] = pair(special(96, 1), [8, 12], 'float32');
    for (const op of UNARY) await expectClose(unary(op, g), unary(op, c), op, 4e-6, 1e-6);
  });

  it('unary ops on strided and broadcast views', async () => {
    const [c, g] = pair(floats(60, 2, 0.1, 3), [3, 4, 5], 'float32');
    const views = (t: Tensor) => [t.transpose(0, 2), t.narrow(1, 1, 2), t.slice(2, 0, 5, 2), t.select(1, 0).unsqueeze(1).expand([3, 4, 5])];
    const cv = views(c);
    const gv = views(g);
    for (let v = 0; v < cv.length; v++) for (const op of ['exp', 'log', 'sqrt', 'neg', 'tanh'] as const) await expectClose(unary(op, gv[v]!), unary(op, cv[v]!), `${op} view ${v}`);
  });

  it('unary ops on int32 and bool', async () => {
    const [ci, gi] = pair(ints(40, 3), [40], 'int32');
    for (const op of UNARY) await expectClose(unary(op, gi), unary(op, ci), `${op} int32`, 4e-6, 1e-6);
    const [cb, gb] = pair(bools(40, 4), [40], 'bool');
    for (const op of ['sign', 'logicalNot', 'isnan', 'isinf'] as const) await expectClose(unary(op, gb), unary(op, cb), `${op} bool`);
  });

  it('binary ops with broadcasting, scalars and special values', async () => {
    const [ca, ga] = pair(special(60, 5), [3, 1, 20], 'float32');
    const [cb, gb] = pair(special(80, 6).map((v, i) => (i % 5 === 0 ? v : Math.round(v * 2) / 2)), [4, 20], 'float32');
    for (const op of BINARY) {
      // remainder by a tiny divisor is ill-conditioned in float32 (the cpu computes in float64): tested on its own below.
      if (op === 'remainder') continue;
      // WGSL's pow is exp2(y * log2(x)), whose error grows with |y log2 x| (3 + 2|y log2 x| ulp): up to about 2^-15
      // relative for results near float32's largest (here 3^80 = 1.2e38); the cpu computes in float64.
      const rtol = op === 'pow' ? 3.1e-5 : 4e-6;
      await expectClose(binary(op, ga, gb), binary(op, ca, cb), op, rtol, 1e-6);
      await expectClose(binary(op, ga, 2), binary(op, ca, 2), `${op} scalar`, 4e-6, 1e-6);
      await expectClose(binary(op, 0.5, gb), binary(op, 0.5, cb), `scalar ${op}`, 4e-6, 1e-6);
    }
  });

  it('zeros keep their sign as on the cpu: sin, sign, relu, remainder, maximum and minimum (issue 25)', async () => {
    const bits = async (t: Tensor) => Array.from(await t.data(), (v) => (Object.is(v, -0) ? '-0' : String(v)));
    const [c, g] = pair(Float32Array.of(0, -0, NaN, -4, 4), [5], 'float32');
    const [cz, gz] = pair(Float32Array.of(-0, 0, 0, -0, 2), [5], 'float32');
    for (const op of ['sin', 'cos', 'sign', 'relu', 'neg', 'abs'] as const) expect([op, await bits(unary(op, g))]).toEqual([op, await bits(unary(op, c))]);
    for (const op of ['remainder', 'maximum', 'minimum', 'mul'] as const) {
      expect([op, await bits(binary(op, g, 2))]).toEqual([op, await bits(binary(op, c, 2))]);
      expect([op, await bits(binary(op, g, gz))]).toEqual([op, await bits(binary(op, c, cz))]);
    }
  });

  it('remainder takes the sign of the divisor, and is NaN for a zero or infinite divisor', async () => {
    const [ca, ga] = pair(Float32Array.of(5.5, -5.5, 7, -7, 0, 3, NaN, Infinity, 1e-3, 2.25), [10, 1], 'float32');
    const [cb, gb] = pair(Float32Array.of(2, -2, 0.75, 0, Infinity, -3), [6], 'float32');
    await expectClose(binary('remainder', ga, gb), binary('remainder', ca, cb), 'remainder', 1e-6, 1e-7);
  });

  it('pow keeps integer powers exact and handles negative bases', async () => {
    const [c, g] = pair(Float32Array.of(-3, -2, -0.5, 0, 0.5, 2, 10, 123.25), [8], 'float32');
    for (const e of [2, 3, -1, -2, 0.5, 1.5, 0, 7]) await expectClose(binary('pow', g, e), binary('pow', c, e), `pow ${e}`, 2e-6, 0);
  });

  it('binary ops on int32 and bool', async () => {
    const [ca, ga] = pair(ints(30, 7), [5, 6], 'int32');
    const [cb, gb] = pair(ints(6, 8, -3, 3), [6], 'int32');
    for (const op of BINARY) {
      if (op === 'div') continue; // true division promotes to float32 in core
      await expectClose(binary(op, ga, gb), binary(op, ca, cb), `${op} int32`);
      await expectClose(binary(op, ga, 3), binary(op, ca, 3), `${op} int32 scalar`);
    }
    await expectClose(binary('div', ga, gb), binary('div', ca, cb), 'div int32');
    const [cx, gx] = pair(bools(12, 9), [12], 'bool');
    const [cy, gy] = pair(bools(12, 10), [12], 'bool');
    for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor'] as const)
      await expectClose(binary(op, gx, gy), binary(op, cx, cy), `${op} bool`);
  });

  it('in-place ops write into their own storage, including through strided views', async () => {
    const [c, g] = pair(floats(24, 11), [4, 6], 'float32');
    c.add_(1).mul_(c);
    g.add_(1).mul_(g);
    await expectClose(g, c, 'add_ then mul_ by itself');
    // Read where written, without a snapshot copy.
    expect(webgpuBackend.pipelineKeys().some((k) => k.startsWith('ew:mul:of32,of32:f32'))).toBe(true);
    const [cs, gs] = pair(floats(12, 12), [2, 6], 'float32');
    c.narrow(0, 1, 2).t().copy_(cs.t());
    g.narrow(0, 1, 2).t().copy_(gs.t());
    await expectClose(g, c, 'copy_ into a transposed narrow view');
    c.select(1, 2).fill_(7);
    g.select(1, 2).fill_(7);
    await expectClose(g, c, 'fill_ of a column');
    c.narrow(0, 0, 2).copy_(c.narrow(0, 2, 2));
    g.narrow(0, 0, 2).copy_(g.narrow(0, 2, 2));
    await expectClose(g, c, 'copy_ between two views of one storage');
  });

  it('where, cast between every dtype pair, and size-0 tensors', async () => {
    const [cc, gc] = pair(bools(20, 13), [4, 5], 'bool');
    const [ca, ga] = pair(floats(5, 14), [5], 'float32');
    await expectClose(where(gc, ga, -1), where(cc, ca, -1), 'where tensor, scalar');
    await expectClose(where(gc, 2, 3), where(cc, 2, 3), 'where scalars');
    const [cf, gf] = pair(special(32, 15).map((v) => (Number.isFinite(v) && Math.abs(v) < 1e9 ? v : 2.5)), [32], 'float32');
    const dtypes: DType[] = ['float32', 'int32', 'bool'];
    for (const a of dtypes)
      for (const b of dtypes) {
        const cx = castTo(cf, a);
        const gx = castTo(gf, a);
        await expectClose(castTo(gx, b), castTo(cx, b), `cast ${a} -> ${b}`);
      }
    const [ce, ge] = pair(new Float32Array(0), [0, 3], 'float32');
    await expectClose(ge.exp().add(1), ce.exp().add(1), 'size-0 elementwise');
    await expectClose(sum(ge, 0), sum(ce, 0), 'sum over a size-0 dim');
    await expectClose(prod(ge, 0), prod(ce, 0), 'prod over a size-0 dim');
  });

  it('reductions over every layout, with NaN, ties and long rows', async () => {
    const data = floats(2 * 300 * 3, 16).map((v) => Math.round(v * 4) / 4);
    data[5] = NaN;
    const [c, g] = pair(data, [2, 300, 3], 'float32');
    for (const dims of [[0], [1], [2], [0, 2], [0, 1, 2]])
      for (const f of [sum, prod, amax, amin] as const) await expectClose(f(g, dims), f(c, dims), `${f.name} ${dims}`, 1e-5, 1e-5);
    for (const d of [0, 1, 2]) {
      await expectClose(argmax(g, d), argmax(c, d), `argmax ${d}`);
      await expectClose(argmin(g, d), argmin(c, d), `argmin ${d}`);
    }
    await expectClose(sum(g.transpose(0, 2), 1), sum(c.transpose(0, 2), 1), 'sum of a transposed view');
    const [ci, gi] = pair(ints(70, 17), [7, 10], 'int32');
    for (const f of [sum, prod, amax, amin, argmax, argmin] as const) await expectClose(f(gi, 1), f(ci, 1), `${f.name} int32`);
    const [cb, gb] = pair(bools(30, 18), [3, 10], 'bool');
    await expectClose(sum(gb, 1), sum(cb, 1), 'sum bool');
  });

  it('fused softmax and logSoftmax, forward and gradient, along every dim, on strided views and with NaN, infinities and huge logits', async () => {
    expect(kernelCoverage('webgpu').fused.sort()).toEqual([...FUSED].sort());
    const data = special(4 * 70 * 3, 30);
    data.fill(1e4, 300, 310); // large logits: the shift by the max keeps them exact
    const [c, g] = pair(data, [4, 70, 3], 'float32');
    const [cw, gw] = pair(floats(4 * 70 * 3, 31), [4, 70, 3], 'float32');
    for (const f of [softmax, logSoftmax])
      for (const dim of [0, 1, 2, -1]) {
        await expectClose(f(g, dim), f(c, dim), `${f.name} dim ${dim}`, 1e-5, 1e-6);
        await expectClose(f(g.transpose(0, 2), dim), f(c.transpose(0, 2), dim), `${f.name} of a transposed view, dim ${dim}`, 1e-5, 1e-6);
        // The gradient with the upstream gradient w: the fused backward kernel on webgpu.
        const gx = g.detach().requiresGrad_(true);
        const cx = c.detach().requiresGrad_(true);
        const [dg] = grad([f(gx, dim)], [gx], [gw]);
        const [dc] = grad([f(cx, dim)], [cx], [cw]);
        await expectClose(dg!, dc!, `${f.name} gradient, dim ${dim}`, 1e-5, 1e-5);
      }
  });

  it('a reduction row longer than 64 x 65535 elements (Mesa 22 llvmpipe ends every loop once a shader ran 65535 loop iterations in all)', async () => {
    const n = 64 * 65535 + 4096;
    const data = new Float32Array(n).fill(1);
    data[n - 3] = 5;
    const [c, g] = pair(data, [n], 'float32');
    await expectClose(sum(g), sum(c), 'sum', 1e-6, 0);
    await expectClose(argmax(g), argmax(c), 'argmax');
  });

  it('reductions in passes: short rows, rows of one, two, three and many tiles, strided lines, ties and NaN in later tiles', async () => {
    for (const r of [1, 7, 64 * BLOCK + 1, 64 * BLOCK * 5 + 3, TILE - 1, TILE, TILE + 1, 3 * TILE + 1, 64 * TILE + 5]) {
      // Quarters within [-3, 3]: every partial sum is exact, so any order gives the cpu's sum exactly.
      const data = floats(2 * r, r % 1000).map((v) => Math.round(v * 4) / 4);
      data[r - 1] = 10; // a tie for the max in row 0's last tile: the first wins
      data[Math.max(0, r - 2)] = 10;
      data[(TILE + 6) % r] = -10;
      data[r + (r >> 1)] = NaN; // row 1: NaN (twice) in a later tile propagates, argmax finds the first
      data[2 * r - 1] = NaN;
      const [c, g] = pair(data, [2, r], 'float32');
      for (const f of [sum, amax, amin, argmax, argmin] as const) await expectClose(f(g, 1), f(c, 1), `${f.name} of rows of ${r}`, 0, 0);
      const signs = data.map((v, i) => (i % 5 === 0 ? 2 : i % 7 === 0 ? 0.5 : v < 0 ? -1 : 1));
      const [cp, gp] = pair(signs, [2, r], 'float32');
      await expectClose(prod(gp, 1), prod(cp, 1), `prod of rows of ${r}`, 1e-6, 0);
      const [ci, gi] = pair(ints(r, r % 1000), [r], 'int32');
      for (const f of [sum, argmax, argmin] as const) await expectClose(f(gi), f(ci), `${f.name} int32 of ${r}`);
    }
    // Lines with inner > 1 (a reduction over a middle or leading dim) and a permuted view, in several passes.
    const L = 2 * TILE + 100;
    const data = floats(2 * L * 3, 55).map((v) => Math.round(v * 4) / 4);
    data[2 * L * 3 - 4] = 20;
    const [c, g] = pair(data, [2, L, 3], 'float32');
    for (const f of [sum, amax, argmax, argmin] as const) {
      await expectClose(f(g, 1), f(c, 1), `${f.name} over dim 1 of [2, ${L}, 3]`, 0, 0);
      await expectClose(f(g.reshape([2 * L, 3]), 0), f(c.reshape([2 * L, 3]), 0), `${f.name} over dim 0 of [${2 * L}, 3]`, 0, 0);
    }
    await expectClose(sum(g, [0, 2]), sum(c, [0, 2]), 'sum over dims 0 and 2', 0, 0);
    await expectClose(sum(g.transpose(1, 2), 2), sum(c.transpose(1, 2), 2), 'sum of a transposed view', 0, 0);
  });

  it('long sums drift like log n, not n: mean, var, std, norm and logsumexp of 1.4M and 4.2M elements within 1e-6 of float64', async () => {
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    for (const n of [1_400_000, 4_200_000]) {
      const u = new Generator(n).uniform(n);
      const cases: [string, Float32Array][] = [
        ['constant 1.1', new Float32Array(n).fill(1.1)],
        ['uniform squared', Float32Array.from(u, (v) => v * v)],
        ['3 + uniform', Float32Array.from(u, (v) => 3 + v)],
      ];
      for (const [name, x] of cases) {
        let s = 0;
        let sq = 0;
        let max = -Infinity;
        for (const v of x) {
          s += v;
          sq += v * v;
          max = Math.max(max, v);
        }
        let d2 = 0;
        let e = 0;
        for (const v of x) {
          d2 += (v - s / n) ** 2;
          e += Math.exp(v - max);
        }
        const g = fromHostArray(x, [n], 'float32', 'webgpu');
        const what = `${name}, ${n} elements`;
        expect(rel(await sum(g).item(), s), `sum of ${what}`).toBeLessThan(1e-6);
        expect(rel(await mean(g).item(), s / n), `mean of ${what}`).toBeLessThan(1e-6);
        expect(rel(await norm(g).item(), Math.sqrt(sq)), `norm of ${what}`).toBeLessThan(1e-6);
        expect(rel(await logsumexp(g, 0).item(), max + Math.log(e)), `logsumexp of ${what}`).toBeLessThan(1e-6);
        if (d2 > 0) {
          expect(rel(await variance(g).item(), d2 / (n - 1)), `var of ${what}`).toBeLessThan(1e-6);
          expect(rel(await std(g).item(), Math.sqrt(d2 / (n - 1))), `std of ${what}`).toBeLessThan(1e-6);
        }
        // The same run as a strided line: columns of [n / 4, 4].
        const cols = await sum(g.reshape([n / 4, 4]), 0).data();
        for (let k = 0; k < 4; k++) {
          let t = 0;
          for (let i = k; i < n; i += 4) t += x[i]!;
          expect(rel(cols[k]!, t), `column ${k} of ${what}`).toBeLessThan(1e-6);
        }
        g.dispose();
      }
    }
  });

  it('softmax and logSoftmax over lines longer than a tile (in passes): values, gradients, strided views, and 1.4M-element denominators', async () => {
    const n = 1_400_000;
    const x = floats(n, 78, -2, 2);
    let max = -Infinity;
    for (const v of x) max = Math.max(max, v);
    let e = 0;
    for (const v of x) e += Math.exp(v - max);
    const line = fromHostArray(x, [n], 'float32', 'webgpu');
    const p = await softmax(line, 0).data();
    const lp = await logSoftmax(line, 0).data();
    let total = 0;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      total += p[i]!;
      const want = x[i]! - max - Math.log(e);
      worst = Math.max(worst, Math.abs(Math.exp(want) - p[i]!) / Math.exp(want), Math.abs(lp[i]! - want));
    }
    expect(Math.abs(total - 1), 'softmax of 1.4M elements sums to 1').toBeLessThan(1e-6);
    expect(worst, 'softmax and logSoftmax of 1.4M elements').toBeLessThan(2e-6);
    for (const [shape, dim] of [
      [[2, TILE], 1],
      [[2, TILE + 1], 1],
      [[3, 2 * TILE + 5, 2], 1],
      [[TILE + 3, 3], 0],
    ] as [number[], number][]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = floats(size, size % 1000, -8, 8);
      data[7] = NaN;
      data[size - 2] = 1e4;
      const [c, g] = pair(data, shape, 'float32');
      const [cw, gw] = pair(floats(size, 77), shape, 'float32');
      // The same long lines through a transposed (strided) view: copied into the output, then transformed in place.
      const last = shape.length - 1;
      const td = dim === 0 ? last : dim === last ? 0 : dim;
      for (const f of [softmax, logSoftmax]) {
        const what = `${f.name} of [${shape.join(', ')}] along ${dim}`;
        await expectClose(f(g, dim), f(c, dim), what, 1e-5, 1e-6);
        await expectClose(f(g.transpose(0, last), td), f(c.transpose(0, last), td), `${what}, transposed`, 1e-5, 1e-6);
        const gx = g.detach().requiresGrad_(true);
        const cx = c.detach().requiresGrad_(true);
        const [dg] = grad([f(gx, dim)], [gx], [gw]);
        const [dc] = grad([f(cx, dim)], [cx], [cw]);
        await expectClose(dg!, dc!, `${what}, gradient`, 1e-5, 1e-5);
      }
    }
    expect(webgpuBackend.pipelineKeys().some((k) => k.startsWith('softmax:max'))).toBe(true);
  });

  it('matmul with K past one dispatch (K in chunks that add to C): exact integer-valued float32 and int32', async () => {
    const K = 1_100_000; // past 65535 steps of 16
    const [ca, ga] = pair(floats(2 * K, 80, 0, 3).map(Math.floor), [2, K], 'float32');
    const [cb, gb] = pair(floats(3 * K, 81, 0, 3).map(Math.floor), [3, K], 'float32');
    await expectClose(matmul(ga, gb.t()), matmul(ca, cb.t()), `[2, ${K}] x [${K}, 3]`, 0, 0);
    const [ci, gi] = pair(ints(2 * K, 82, -2, 2), [2, K], 'int32');
    await expectClose(matmul(gi, gi.t()), matmul(ci, ci.t()), `int32 [2, ${K}] x [${K}, 2]`);
  });

  it('matmul: tiles, strided and batch-broadcast operands, K = 0, int32', async () => {
    const [ca, ga] = pair(floats(3 * 37 * 19, 19), [3, 37, 19], 'float32');
    const [cb, gb] = pair(floats(19 * 23, 20), [19, 23], 'float32');
    await expectClose(matmul(ga, gb), matmul(ca, cb), 'batched x broadcast', 1e-5, 1e-5);
    await expectClose(matmul(gb.t(), ga.transpose(1, 2)), matmul(cb.t(), ca.transpose(1, 2)), 'transposed operands', 1e-5, 1e-5);
    await expectClose(matmul(ga.select(0, 1), ga.select(0, 2).t()), matmul(ca.select(0, 1), ca.select(0, 2).t()), 'A A^T', 1e-5, 1e-5);
    const [cv, gv] = pair(floats(19, 21), [19], 'float32');
    await expectClose(matmul(ga, gv), matmul(ca, cv), 'matrix-vector', 1e-5, 1e-5);
    const [cz, gz] = pair(new Float32Array(0), [4, 0], 'float32');
    const [cw, gw] = pair(new Float32Array(0), [0, 5], 'float32');
    await expectClose(matmul(gz, gw), matmul(cz, cw), 'K = 0 gives zeros');
    const [ci, gi] = pair(ints(20, 22), [4, 5], 'int32');
    await expectClose(matmul(gi, gi.t()), matmul(ci, ci.t()), 'int32');
  });

  it('gather, scatter and scatterAdd, with duplicate destinations and strided operands', async () => {
    const [cx, gx] = pair(floats(30, 23), [5, 6], 'float32');
    const [ci, gi] = pair(ints(40, 24, 0, 4), [5, 8], 'int32');
    await expectClose(gather(gx, 1, gi.remainder(6)), gather(cx, 1, ci.remainder(6)), 'gather dim 1');
    await expectClose(gather(gx.t(), 0, gi.t().narrow(0, 0, 6)), gather(cx.t(), 0, ci.t().narrow(0, 0, 6)), 'gather strided');
    const [cs, gs] = pair(floats(40, 25), [5, 8], 'float32');
    await expectClose(scatterAdd(gx, 1, gi, gs), scatterAdd(cx, 1, ci, cs), 'scatterAdd with duplicates');
    await expectClose(scatter(gx, 1, gi, gs), scatter(cx, 1, ci, cs), 'scatter: the last write wins');
    const [cj, gj] = pair(ints(12, 26, 0, 4), [2, 6], 'int32');
    await expectClose(scatterAdd(gx, 0, gj, gs.narrow(1, 0, 6)), scatterAdd(cx, 0, cj, cs.narrow(1, 0, 6)), 'scatterAdd dim 0');
    const [cn, gn] = pair(ints(10, 27), [10], 'int32');
    const [c0, g0] = pair(Int32Array.of(2), [], 'int32');
    await expectClose(gather(gn, 0, g0), gather(cn, 0, c0), '0-d index');
  });

  it('an out-of-range index computed on the device raises IndexError at the next readback', async () => {
    const [, gx] = pair(floats(6, 28), [2, 3], 'float32');
    const [, gi] = pair(Int32Array.of(0, 1, 2, 0), [2, 2], 'int32');
    const bad = gi.add(gi); // values 0..4: no host copy, so only the device can check them
    const out = gather(gx, 1, bad);
    await expect(out.data()).rejects.toThrow(IndexError);
    await expect(out.data()).resolves.toBeDefined(); // the flag is cleared once reported
    scatterAdd(gx, 1, bad, gx.narrow(1, 0, 2));
    await expect(sum(gx).item()).rejects.toThrow(/scatterAdd: index 4 is out of bounds for dimension 1 with size 3/);
  });

  it('cumsum, cumprod, and a stable sort with ties, NaN and descending order', async () => {
    const [c, g] = pair(floats(4 * 9 * 3, 29, -1.5, 1.5), [4, 9, 3], 'float32');
    for (const d of [0, 1, 2]) {
      await expectClose(cumsum(g, d), cumsum(c, d), `cumsum ${d}`, 1e-5, 1e-6);
      await expectClose(cumprod(g, d), cumprod(c, d), `cumprod ${d}`, 1e-5, 1e-6);
    }
    const [ci, gi] = pair(ints(30, 30), [30], 'int32');
    await expectClose(cumsum(gi, 0), cumsum(ci, 0), 'cumsum int32');
    const data = floats(5 * 37, 31).map((v) => Math.round(v));
    data[3] = NaN;
    data[40] = NaN;
    data[41] = -Infinity;
    const [cs, gs] = pair(data, [5, 37], 'float32');
    for (const d of [0, 1])
      for (const desc of [false, true]) {
        const [cv, cix] = sort(cs, d, desc);
        const [gv, gix] = sort(gs, d, desc);
        await expectClose(gv, cv, `sort values dim ${d} desc ${desc}`);
        await expectClose(gix, cix, `sort indices dim ${d} desc ${desc}`);
      }
    await expectClose(sort(gi, 0)[1], sort(ci, 0)[1], 'sort int32 ties keep order');
    // Past one workgroup's worth: the multi-dispatch network in global memory.
    const long = floats(2 * 700, 43).map((v) => Math.round(v * 3));
    long[11] = NaN;
    const [cl, gl] = pair(long, [2, 700], 'float32');
    for (const desc of [false, true]) await expectClose(sort(gl, 1, desc)[1], sort(cl, 1, desc)[1], `sort of 700 desc ${desc}`);
    await expectClose(topk(gs, 4, 1)[1], topk(cs, 4, 1)[1], 'topk');
  });

  it('long lines: multi-block scans, and a scatterAdd fiber longer than a shader loop may run', async () => {
    const [c, g] = pair(floats(2 * 3000, 40, -1, 1), [2, 3000], 'float32');
    await expectClose(cumsum(g, 1), cumsum(c, 1), 'cumsum over 3 blocks', 1e-4, 1e-4);
    await expectClose(cumprod(g.mul(0.01).add(1), 1), cumprod(c.mul(0.01).add(1), 1), 'cumprod over 3 blocks', 1e-4, 1e-5);
    const n = 70000;
    const [ci, gi] = pair(ints(n, 41, 0, 9), [n], 'int32');
    const [cs, gs] = pair(floats(n, 42), [n], 'float32');
    const [cd, gd] = pair(new Float32Array(10), [10], 'float32');
    await expectClose(scatterAdd(gd, 0, gi, gs), scatterAdd(cd, 0, ci, cs), 'one fiber of 70000 indices');
  });

  it('autograd through webgpu kernels matches cpu', async () => {
    const [cx, gx] = pair(floats(12, 32), [4, 3], 'float32');
    const [cw, gw] = pair(floats(6, 33), [3, 2], 'float32');
    for (const w of [cw, gw]) w.requiresGrad = true;
    const loss = (x: Tensor, w: Tensor) => matmul(x, w).tanh().logSoftmax(1).mul(-1).sum();
    loss(cx, cw).backward();
    loss(gx, gw).backward();
    await expectClose(gw.grad!, cw.grad!, 'grad of w', 1e-5, 1e-6);
  });

  it('fromHostArray, int64-style and bool uploads read back unchanged', async () => {
    const t = fromHostArray(Uint8Array.of(1, 0, 1), [3], 'bool', 'webgpu');
    expect(Array.from(await t.data())).toEqual([1, 0, 1]);
    expect(await t.tolist()).toEqual([true, false, true]);
  });
});
