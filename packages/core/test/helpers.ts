import '@tensile/backend-cpu';
import { backward, cat, grad, noGrad, setTrace, tensor, type Tensor } from '@tensile/core';

/** The kernel names the backends ran while fn did (core's trace hook). */
export function kernelsRun(fn: () => void): string[] {
  const ops: string[] = [];
  setTrace({ kernel: (op) => void ops.push(op), transfer: () => {} });
  try {
    fn();
  } finally {
    setTrace(null);
  }
  return ops;
}

/** Deterministic float64 inputs in [lo, hi) from a small LCG (independent of the library's generator). */
export function values(n: number, seed = 1, lo = -1, hi = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 16777216) * (hi - lo);
  }
  return out;
}

export function f64(shape: readonly number[], seed = 1, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(values(n, seed, lo, hi), { shape: shape.slice(), dtype: "float64" });
}

/** sum(f(...) * w) for fixed random weights w, as a JS number. */
function scalarize(fn: (...xs: Tensor[]) => Tensor, xs: Tensor[], w: Tensor | null): number {
  const y = fn(...xs);
  return noGrad(() => (w === null ? y.sum() : y.mul(w).sum()).itemSync());
}

/**
 * Compares autograd's gradient of <f(x), w> with central differences in
 * float64, for every input (as PyTorch's gradcheck does with a random vector).
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: { eps?: number; atol?: number; rtol?: number } = {}): void {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-4;
  const xs = inputs.map((x) => x.detach().requiresGrad_(true));
  const y = fn(...xs);
  const w = f64(y.shape, 99);
  backward([y], [w]);
  xs.forEach((x, k) => {
    const analytic = x.grad === null ? new Float64Array(x.numel()) : x.grad.dataSync();
    const base = x.dataSync() as Float64Array;
    for (let i = 0; i < base.length; i++) {
      const plus = Float64Array.from(base);
      plus[i]! += eps;
      const minus = Float64Array.from(base);
      minus[i]! -= eps;
      const at = (d: Float64Array) => {
        const args = xs.map((o, j) => (j === k ? tensor(d, { shape: o.shape.slice(), dtype: 'float64' }) : o));
        return scalarize(fn, args, w);
      };
      const numeric = (at(plus) - at(minus)) / (2 * eps);
      const got = analytic[i]!;
      if (!(Math.abs(got - numeric) <= atol + rtol * Math.abs(numeric)))
        throw new Error(`gradcheck: input ${k} element ${i}: autograd ${got}, finite differences ${numeric}`);
    }
  });
}

/** Checks second derivatives: the gradient of <grad_x <f(x), v>, w> against finite differences of that first gradient. */
export function gradgradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: { eps?: number; atol?: number; rtol?: number } = {}): void {
  const probe = noGrad(() => fn(...inputs));
  const v = f64(probe.shape, 7);
  const firstGrads = (...xs: Tensor[]): Tensor => {
    const ys = xs.map((x) => (x.requiresGrad ? x : x.detach().requiresGrad_(true)));
    const out = fn(...ys);
    const grads = grad([out], ys, [v], { createGraph: true, allowUnused: true });
    return cat(grads.map((g, i) => (g ?? ys[i]!.mul(0)).reshape(-1)));
  };
  gradcheck(firstGrads, inputs, opts);
}

/** Plain float64 reference arrays for comparisons. */
export function close(got: ArrayLike<number>, want: ArrayLike<number>, atol = 1e-5, rtol = 1e-4): void {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) throw new Error(`element ${i}: got ${g}, want ${w}`);
  }
}
