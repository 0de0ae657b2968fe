import { describe, expect, it } from 'vitest';
import '@tensile/backend-cpu';
import * as core from '@tensile/core';
import { checkProgram, formatFuzzFailure, type Program, removeSteps, runFuzz, runProgram, startBackend } from '@tensile/conformance';

/**
 * The program fuzzer: on cpu its float32 run is judged against cpu in float64
 * (the other backends run it through describeBackend), and the programs it
 * found, minimised, stay as regressions on every backend that starts here.
 */

const inp = (shape: number[], data: (number | string)[], grad = true) => ({ op: 'input', args: [], p: { shape, data, grad } });

/** Minimised programs from fuzz failures (issue 25), each a bug that is fixed now. */
const FOUND: Record<string, Program> = {
  // bug 9: tanh(-0) was +0 on wasm and native (a polynomial rounds it), so rsqrt gave +inf, not -inf.
  'tanh(-0) then rsqrt': { steps: [inp([3], ['-0', 0, -1]), { op: 'tanh', args: [0] }, { op: 'rsqrt', args: [1] }], loss: [2] },
  // bug 10: softmax's composed path (float64; backends without a fused kernel) saved its inputs, not its output,
  // so an in-place write to the output passed backward's version check there and failed it in float32 on cpu.
  'softmax output written in place': { steps: [inp([], [-0.5]), { op: 'softmax', args: [0], p: { dim: -1 } }, { op: 'sub_', args: [1], p: { scalar: '-0' } }], loss: [2] },
  'logSoftmax output written in place': { steps: [inp([2, 3], [1, 2, 3, -1, 0, 0.5]), { op: 'logSoftmax', args: [0], p: { dim: 1 } }, { op: 'mul_', args: [1], p: { scalar: 2 } }], loss: [2] },
  // cumsum's and cumprod's backward took total - cumsum + g: a 3% error in float32 where the tail of a line is small.
  'cumprod of a small tail': {
    steps: [inp([4, 1, 1], ['-inf', -1.4525988101959229, 9.999999974752427e-7, -1.1435520648956299]), { op: 'expm1', args: [0] }, { op: 'cumprod', args: [1], p: { dim: -3 } }],
    loss: [2],
  },
  'cumsum with an infinite gradient': { steps: [inp([3], [1, 2, 3]), { op: 'cumsum', args: [0], p: { dim: 0 } }, inp([3], [1, 'inf', 1], false), { op: 'mul', args: [1, 2] }], loss: [3] },
  // pow(x, 0)'s gradient was 0 * x^-1: NaN at 0 and at tiny x, where PyTorch's is 0.
  'pow(x, 0) at 0': { steps: [inp([3], [0, 1e-6, 2]), { op: 'pow', args: [0], p: { scalar: 0 } }], loss: [1] },
};

describe('program fuzzer', () => {
  it('cpu in float32 agrees with cpu in float64 over 1500 programs', async () => {
    const r = await runFuzz('cpu', { count: 1500 });
    expect(r.failed.map((f) => formatFuzzFailure(f, 'cpu'))).toEqual([]);
    expect(r.programs).toBe(1500);
  }, 120_000);

  for (const backend of ['cpu', 'wasm', 'native'])
    it(`the programs it found agree on ${backend}`, async (ctx) => {
      const start = await startBackend(backend);
      if (!start.ok) return ctx.skip(start.reason);
      for (const [name, prog] of Object.entries(FOUND)) expect([name, await checkProgram(prog, backend)]).toEqual([name, []]);
    });

  it('an in-place write to a saved softmax output fails backward in float32 and float64 alike', async () => {
    for (const name of ['softmax output written in place', 'logSoftmax output written in place']) {
      const [f32, f64] = await Promise.all((['float32', 'float64'] as const).map((dtype) => runProgram(FOUND[name]!, { device: 'cpu', dtype })));
      expect(f32.error?.at).toBe('backward');
      expect([f64.error?.cls, f64.error?.at]).toEqual([f32.error?.cls, 'backward']);
    }
  });

  it('cumsum backward keeps an infinity to the elements it reaches', async () => {
    // d/dx_i of sum_j w_j cumsum(x)_j is the sum of the weights from i on: infinite for i <= 1, finite for i = 2.
    const r = await runProgram(FOUND['cumsum with an infinite gradient']!, { device: 'cpu', dtype: 'float64' });
    const g = Array.from(r.grads[0]!.data!);
    expect(g.slice(0, 2).every((v) => v === Infinity)).toBe(true);
    expect(Number.isFinite(g[2])).toBe(true);
  });

  it('pow(x, 0) has a zero gradient everywhere, 0 and tiny x included', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = core.tensor([0, 1e-30, -0, 3], { dtype, requiresGrad: true });
      core.sum(core.pow(x, 0)).backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0, 0]);
    }
  });

  it('shrinking drops a step with every step that depends on it', () => {
    const prog: Program = { steps: [inp([2, 3], [1, 2, 3, 4, 5, 6]), { op: 'exp', args: [0] }, { op: 'sum', args: [1], p: { dim: 1 } }], loss: [2] };
    expect(removeSteps(prog, new Set([1]))).toEqual({ steps: [prog.steps[0]], loss: [0] });
  });
});
