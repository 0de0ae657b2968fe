// Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_),
// written with device ops so the default path never reads back to JS.
import { amax, abs, checkOptions, clamp, DTypeError, isTensor, noGrad, norm, scalarTensor, stack, type Tensor, tidy, ValueError } from '@tensile/core';

/** A tensor or any iterable of them (module.parameters(), an array, a generator). */
export type Parameters = Tensor | Iterable<Tensor>;

function gradsOf(op: string, parameters: Parameters): Tensor[] {
  const list = isTensor(parameters) ? [parameters] : [...parameters];
  list.forEach((p, i) => {
    if (!isTensor(p)) throw new ValueError(`${op}: parameters must be tensors, item ${i} is ${p === null ? 'null' : typeof p}`);
  });
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite (this reads the norm back, so only on synchronous backends). */
  errorIfNonfinite?: boolean;
}

/**
 * Scales the gradients in place so that their joint normType-norm (as if all
 * were concatenated into one vector) is at most maxNorm, and returns that
 * total norm (before clipping) as a 0-d tensor. The scale is
 * min(1, maxNorm / (total + 1e-6)), as PyTorch.
 */
export function clipGradNorm_(parameters: Parameters, maxNorm: number, normType = 2, options?: ClipGradNormOptions): Tensor {
  const o = checkOptions('clipGradNorm_', options, ['errorIfNonfinite']);
  if (typeof maxNorm !== 'number' || Number.isNaN(maxNorm)) throw new ValueError(`clipGradNorm_: maxNorm must be a number, got ${String(maxNorm)}`);
  if (typeof normType !== 'number' || Number.isNaN(normType)) throw new ValueError(`clipGradNorm_: normType must be a number (Infinity for the max norm), got ${String(normType)}`);
  const grads = gradsOf('clipGradNorm_', parameters);
  if (grads.length === 0) return scalarTensor(0);
  const device = grads[0]!.device;
  const dtype = grads[0]!.dtype;
  grads.forEach((g) => {
    if (g.device !== device) throw new ValueError(`clipGradNorm_: gradients are on different devices (${device} and ${g.device})`);
  });
  return noGrad(() =>
    tidy(() => {
      const per = grads.map((g) => (normType === Infinity ? amax(abs(g)) : norm(g, normType)).to(dtype));
      const total = normType === Infinity ? amax(stack(per)) : norm(stack(per), normType);
      if (o.errorIfNonfinite && !Number.isFinite(total.itemSync()))
        throw new ValueError(
          `clipGradNorm_: the total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set {errorIfNonfinite: false}`,
        );
      const coef = clamp(total.add(1e-6).reciprocal().mul(maxNorm), null, 1);
      for (const g of grads) g.mul_(g.dtype === coef.dtype ? coef : coef.to(g.dtype));
      return total;
    }),
  );
}

/** Clamps every gradient in place to [-clipValue, clipValue]. */
export function clipGradValue_(parameters: Parameters, clipValue: number): void {
  if (typeof clipValue !== 'number' || Number.isNaN(clipValue)) throw new ValueError(`clipGradValue_: clipValue must be a number, got ${String(clipValue)}`);
  const grads = gradsOf('clipGradValue_', parameters);
  for (const g of grads) if (!(g.dtype === 'float32' || g.dtype === 'float64')) throw new DTypeError(`clipGradValue_: expected floating point gradients, got ${g.dtype}`);
  noGrad(() => {
    for (const g of grads) g.clamp_(-clipValue, clipValue);
  });
}
