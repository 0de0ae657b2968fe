import type { FusedKernel } from '@tensile/core';
import type { AdamStepKernelOptions, RMSpropStepOptions, SGDStepOptions } from '@tensile/optim';
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

/**
 * One SGD step in place over contiguous float32 (param, grad[, momentumBuffer]),
 * rounded where the composite rounds, as adamKernel.
 */
export const sgdKernel: FusedKernel = (inputs, options, out) => {
  const f = Math.fround;
  const [P, G] = inputs.slice(0, 2).map(dataOf) as [Float32Array, Float32Array];
  const [po, go] = [inputs[0]!.offset, inputs[1]!.offset];
  const bt = inputs[2];
  const B = bt === undefined ? null : (dataOf(bt) as Float32Array);
  const bo = bt === undefined ? 0 : bt.offset;
  const o = options as unknown as SGDStepOptions;
  const [wd, mom, damp, negLr] = [f(o.weightDecay), f(o.momentum), f(1 - o.dampening), f(-o.lr)];
  const n = out.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    const p = P[po + i]!;
    let d = o.maximize ? -G[go + i]! : G[go + i]!;
    if (o.weightDecay !== 0) d = f(d + f(p * wd));
    if (B !== null) {
      const b = o.first ? d : f(f(B[bo + i]! * mom) + f(d * damp));
      B[bo + i] = b;
      d = o.nesterov ? f(d + f(b * mom)) : b;
    }
    P[po + i] = p + f(d * negLr);
  }
};

/**
 * One RMSprop step in place over contiguous float32 (param, grad, squareAvg[,
 * gradAvg][, momentumBuffer]), rounded where the composite rounds, as adamKernel.
 */
export const rmspropKernel: FusedKernel = (inputs, options, out) => {
  const f = Math.fround;
  const o = options as unknown as RMSpropStepOptions;
  const view = (t: (typeof inputs)[number] | undefined) => (t === undefined ? null : { a: dataOf(t) as Float32Array, o: t.offset });
  const [P, G, S] = [view(inputs[0])!, view(inputs[1])!, view(inputs[2])!];
  let k = 3;
  const A = o.centered ? view(inputs[k++]) : null;
  const B = o.momentum > 0 ? view(inputs[k++]) : null;
  const [wd, alpha, a1, eps, mom, negLr] = [f(o.weightDecay), f(o.alpha), f(1 - o.alpha), f(o.eps), f(o.momentum), f(-o.lr)];
  const n = out.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    const p = P.a[P.o + i]!;
    let d = o.maximize ? -G.a[G.o + i]! : G.a[G.o + i]!;
    if (o.weightDecay !== 0) d = f(d + f(p * wd));
    const sq = f(f(S.a[S.o + i]! * alpha) + f(f(d * d) * a1));
    S.a[S.o + i] = sq;
    let avg: number;
    if (A !== null) {
      const ga = f(f(A.a[A.o + i]! * alpha) + f(d * a1));
      A.a[A.o + i] = ga;
      avg = f(Math.sqrt(f(sq - f(ga * ga))));
    } else avg = f(Math.sqrt(sq));
    avg = f(avg + eps);
    if (B !== null) {
      const b = f(f(B.a[B.o + i]! * mom) + f(d / avg));
      B.a[B.o + i] = b;
      P.a[P.o + i] = p + f(b * negLr);
    } else P.a[P.o + i] = p + f(f(d / avg) * negLr);
  }
};
