import { DTypeError, isFloat, keep, Tensor } from '@tensile/core';

/**
 * A tensor that a Module registers as a trainable weight. It shares storage
 * with the tensor it wraps, requires grad by default, and is owned by its
 * module: no tidy scope disposes it.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    data._live('Parameter');
    if (requiresGrad && !isFloat(data.dtype)) throw new DTypeError(`Parameter: only floating point tensors can require gradients, got ${data.dtype}`);
    super(data.storage, data.shape, data.strides, data.offset);
    this._requiresGrad = requiresGrad;
    keep(this);
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

export function isParameter(x: unknown): x is Parameter {
  return x instanceof Parameter;
}
