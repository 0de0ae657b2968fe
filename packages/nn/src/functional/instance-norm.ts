import { add, deviceOf, fmtShape, mean, mul, noGrad, reshape, requireFloat, rsqrt, ShapeError, sub, type Tensor, tidy, ValueError, checkOptions } from '@tensile/core';

export interface InstanceNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalize with each instance's own statistics (default true); false uses runningMean / runningVar. */
  useInputStats?: boolean;
  /** Update factor of the running statistics (default 0.1). */
  momentum?: number;
  eps?: number;
}

/**
 * Instance normalization (PyTorch's F.instance_norm) of [N, C, *]: each
 * sample's channel is normalized with its own mean and biased variance over
 * the spatial dims, then weight * x + bias per channel. With useInputStats
 * and running statistics given, those are blended in place with the batch
 * average of the instance means and unbiased variances; useInputStats false
 * normalizes with the running statistics instead.
 *
 * ```ts
 * const y = F.instanceNorm(x, null, null, { weight, bias, eps: 1e-5 });
 * ```
 */
export function instanceNorm(input: Tensor, runningMean: Tensor | null = null, runningVar: Tensor | null = null, options: InstanceNormOptions = {}): Tensor {
  const op = 'instanceNorm';
  const o = checkOptions(op, options, ['weight', 'bias', 'useInputStats', 'momentum', 'eps']);
  deviceOf(op, input, runningMean, runningVar);
  deviceOf(op, input, o.weight ?? null, o.bias ?? null);
  requireFloat(op, input);
  if (input.ndim < 3) throw new ShapeError(`${op}: expected an input of at least 3 dims [N, C, *], got shape ${fmtShape(input.shape)}`);
  const c = input.shape[1]!;
  for (const [name, t] of [['weight', o.weight], ['bias', o.bias], ['running_mean', runningMean], ['running_var', runningVar]] as const)
    if (t != null && t.numel() !== c) throw new ShapeError(`${op}: ${name} should contain ${c} elements not ${t.numel()} (input shape ${fmtShape(input.shape)})`);
  const useInputStats = o.useInputStats ?? true;
  if (!useInputStats && (runningMean === null || runningVar === null)) throw new ValueError(`${op}: Expected running_mean and running_var to be defined when useInputStats is false`);
  const momentum = o.momentum ?? 0.1;
  if (typeof momentum !== 'number') throw new ValueError(`${op}: momentum must be a number, got ${String(momentum)}`);
  const eps = o.eps ?? 1e-5;
  const spatialSize = input.shape.slice(2).reduce((a, b) => a * b, 1);
  if (useInputStats && spatialSize === 1) throw new ValueError(`${op}: Expected more than 1 spatial element when training, got input size ${fmtShape(input.shape)}`);
  const dims = input.shape.slice(2).map((_, i) => i + 2);
  const bshape = [1, c, ...dims.map(() => 1)];
  return tidy(() => {
    let y: Tensor;
    if (input.numel() === 0) y = input;
    else if (useInputStats) {
      const m = mean(input, dims, true);
      const centered = sub(input, m);
      const v = mean(mul(centered, centered), dims, true);
      y = mul(centered, rsqrt(add(v, eps)));
      noGrad(() => {
        const n = input.shape[0]!;
        const batchMean = reshape(mean(reshape(m, [n, c]), 0), [c]);
        const batchVar = reshape(mean(reshape(mul(v, spatialSize / (spatialSize - 1)), [n, c]), 0), [c]);
        if (runningMean !== null) runningMean.copy_(add(mul(runningMean, 1 - momentum), mul(batchMean, momentum)));
        if (runningVar !== null) runningVar.copy_(add(mul(runningVar, 1 - momentum), mul(batchVar, momentum)));
      });
    } else y = mul(sub(input, reshape(runningMean!, bshape)), rsqrt(add(reshape(runningVar!, bshape), eps)));
    if (o.weight != null) y = mul(y, reshape(o.weight, bshape));
    if (o.bias != null) y = add(y, reshape(o.bias, bshape));
    return y === input ? input.contiguous() : y;
  });
}
