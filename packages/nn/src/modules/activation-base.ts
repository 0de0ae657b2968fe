// The base classes of the activation modules (activation.ts, extra-activations.ts); internal to nn.
import { checkOptions, type Tensor } from '@tensile/core';
import { applyInplace } from '../functional/layers.js';
import { Module } from '../module.js';

export interface InplaceOptions {
  /** Write the result into the input and return it (PyTorch's inplace=True); refused on a leaf that requires grad. */
  inplace?: boolean;
}

/** An activation without arguments: its constructor accepts only an empty options object. */
export abstract class Parameterless extends Module<[Tensor], Tensor> {
  constructor(options?: Record<string, never>) {
    super();
    checkOptions(new.target.name, options, []);
  }
}

/** An activation whose only option is inplace (ReLU, SiLU, Mish). */
export abstract class InplaceOnly extends Module<[Tensor], Tensor> {
  readonly inplace: boolean;
  constructor(options?: InplaceOptions) {
    super();
    this.inplace = checkOptions(new.target.name, options, ['inplace']).inplace ?? false;
  }

  protected abstract fn(x: Tensor): Tensor;

  forward(x: Tensor): Tensor {
    return applyInplace(this.constructor.name, x, this.inplace, (t) => this.fn(t));
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=true' : '';
  }
}
