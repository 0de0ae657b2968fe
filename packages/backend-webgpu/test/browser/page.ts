// Bundled for the browser test: runs ops and losses on webgpu and on cpu in the page and reports every mismatch.
import { amax, argmax, binary, cumsum, fromHostArray, matmul, prod, ready, softmax, sort, sum, type Tensor, unary, webgpuReason } from './imports.js';
import { functional as F } from '@tensile/nn';

interface Outcome {
  adapter: string | null;
  unavailable: string | null;
  checked: number;
  mismatches: string[];
}

function rand(n: number, seed: number, lo = -2, hi = 2): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * a) / 4294967296;
  });
}

async function run(): Promise<Outcome> {
  const out: Outcome = { adapter: null, unavailable: null, checked: 0, mismatches: [] };
  try {
    await ready('webgpu');
  } catch (e) {
    out.unavailable = (e as Error).message;
    return out;
  }
  out.adapter = webgpuReason();
  const both = (data: Float32Array, shape: number[]) => [fromHostArray(data, shape, 'float32', 'cpu'), fromHostArray(data, shape, 'float32', 'webgpu')] as const;
  const compare = async (what: string, c: Tensor, g: Tensor, tol = 1e-4) => {
    out.checked++;
    const x = await g.data();
    const y = await c.data();
    for (let i = 0; i < y.length; i++) {
      const a = x[i]!;
      const b = y[i]!;
      if (!(Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b)))) {
        out.mismatches.push(`${what}[${i}]: webgpu ${a}, cpu ${b}`);
        return;
      }
    }
  };
  const [cx, gx] = both(rand(60, 1), [6, 10]);
  const [cy, gy] = both(rand(60, 2, 0.05, 0.95), [6, 10]);
  for (const op of ['exp', 'log', 'tanh', 'sigmoid', 'erf', 'sin'] as const) await compare(op, unary(op, cx), unary(op, gx));
  for (const op of ['add', 'mul', 'div', 'pow', 'maximum', 'remainder'] as const) await compare(op, binary(op, cx, cy), binary(op, gx, gy));
  await compare('matmul', matmul(cx, cy.t()), matmul(gx, gy.t()));
  await compare('sum', sum(cx, 1), sum(gx, 1));
  // Rows of several tiles: reductions in passes (with subgroup operations where the adapter has them).
  const [cl, gl] = both(rand(2 * 3000, 3), [2, 3000]);
  await compare('sum of rows of 3000', sum(cl, 1), sum(gl, 1));
  await compare('prod of rows of 3000', prod(cl.mul(0.001).add(1), 1), prod(gl.mul(0.001).add(1), 1));
  await compare('amax of rows of 3000', amax(cl, 1), amax(gl, 1));
  await compare('argmax of rows of 3000', argmax(cl, 1), argmax(gl, 1));
  await compare('softmax of rows of 3000', softmax(cl, 1), softmax(gl, 1), 1e-6);
  await compare('cumsum', cumsum(cx, 1), cumsum(gx, 1));
  await compare('sort', sort(cx, 1)[0], sort(gx, 1)[0]);
  const target = (t: Tensor) => t.argmax(1);
  await compare('mseLoss', F.mseLoss(cx, cy), F.mseLoss(gx, gy));
  await compare('crossEntropy', F.crossEntropy(cx, target(cy)), F.crossEntropy(gx, target(gy)));
  await compare('binaryCrossEntropy', F.binaryCrossEntropy(cy, cy.mul(0.5)), F.binaryCrossEntropy(gy, gy.mul(0.5)));
  await compare('smoothL1Loss', F.smoothL1Loss(cx, cy), F.smoothL1Loss(gx, gy));
  return out;
}

(window as unknown as { tensileWebgpu: Promise<Outcome> }).tensileWebgpu = run();
