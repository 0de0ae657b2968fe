import type { FusedKernel } from '@tensile/core';
import type { AdamStepKernelOptions } from '@tensile/optim';
import { dataOf } from '../strided.js';

/**
 * One Adam step in place over contiguous float32 (param, grad, expAvg,
 * expAvgSq[, maxExpAvgSq]) in a single pass. Each step is rounded to float32
 * where the composite's kernels round it, and scalars are rounded to float32
 * as this backend's binary kernels take them, so the result is the composite's.
 */
export const adamKernel: FusedKernel = (inputs, options, out) => {
  const f = Math.fround;
  const [P, G, M, V] = inputs.slice(0, 4).map(dataOf) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [po, go, mo, vo] = inputs.slice(0, 4).map((t) => t.offset) as [number, number, number, number];
  const ams = inputs[4];
  const X = ams === undefined ? null : (dataOf(ams) as Float32Array);
  const xo = ams === undefined ? 0 : ams.offset;
  const o = options as unknown as AdamStepKernelOptions;
  const decay = o.weightDecay !== 0;
  const [beta1, beta2, weightDecay, eps] = [f(o.beta1), f(o.beta2), f(o.weightDecay), f(o.eps)];
  const shrink = f(1 - o.lr * o.weightDecay);
  const a1 = f(1 - o.beta1);
  const a2 = f(1 - o.beta2);
  const bias2Sqrt = f(o.bias2Sqrt);
  const negStep = f(-o.stepSize);
  const n = out.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    let p = P[po + i]!;
    let d = o.maximize ? -G[go + i]! : G[go + i]!;
    if (decay) {
      if (o.decoupled) p = f(p * shrink);
      else d = f(d + f(p * weightDecay));
    }
    const m = f(f(M[mo + i]! * beta1) + f(d * a1));
    let v = f(f(V[vo + i]! * beta2) + f(f(d * d) * a2));
    V[vo + i] = v;
    if (X !== null) {
      v = Math.max(X[xo + i]!, v);
      X[xo + i] = v;
    }
    M[mo + i] = m;
    P[po + i] = p + f(f(m / f(f(f(Math.sqrt(v)) / bias2Sqrt) + eps)) * negStep);
  }
};
