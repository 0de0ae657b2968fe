// Activation layers: thin modules over functional/layers.ts.
import { checkOptions, type Tensor } from '@tensile/core';
import { Module } from '../module.js';
import { type InplaceOptions, InplaceOnly, Parameterless } from './activation-base.js';
import * as F from '../functional/layers.js';
import * as checks from '../functional/layer-checks.js';
import { numberOrOptions } from './args.js';

export type { InplaceOptions } from './activation-base.js';

export class ReLU extends InplaceOnly {
  protected fn(x: Tensor): Tensor {
    return F.relu(x);
  }
}

export class Tanh extends Parameterless {
  forward(x: Tensor): Tensor {
    return F.tanh(x);
  }
}

export class Sigmoid extends Parameterless {
  forward(x: Tensor): Tensor {
    return F.sigmoid(x);
  }
}

export class SiLU extends InplaceOnly {
  protected fn(x: Tensor): Tensor {
    return F.silu(x);
  }
}

export class Mish extends InplaceOnly {
  protected fn(x: Tensor): Tensor {
    return F.mish(x);
  }
}

export interface LeakyReLUOptions extends InplaceOptions {
  negativeSlope?: number;
}

/** `new LeakyReLU()`, `new LeakyReLU(0.2)` or `new LeakyReLU({negativeSlope: 0.2})`. */
export class LeakyReLU extends Module<[Tensor], Tensor> {
  readonly negativeSlope: number;
  readonly inplace: boolean;

  constructor(negativeSlopeOrOptions?: number | LeakyReLUOptions) {
    super();
    const o = numberOrOptions<LeakyReLUOptions>('LeakyReLU', negativeSlopeOrOptions, 'negativeSlope', ['negativeSlope', 'inplace']);
    this.negativeSlope = o.negativeSlope ?? 0.01;
    this.inplace = o.inplace ?? false;
  }

  forward(x: Tensor): Tensor {
    return F.applyInplace('LeakyReLU', x, this.inplace, (t) => F.leakyRelu(t, this.negativeSlope));
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}${this.inplace ? ', inplace=true' : ''}`;
  }
}

export interface ELUOptions extends InplaceOptions {
  alpha?: number;
}

/** `new ELU()`, `new ELU(0.5)` or `new ELU({alpha: 0.5})`. */
export class ELU extends Module<[Tensor], Tensor> {
  readonly alpha: number;
  readonly inplace: boolean;

  constructor(alphaOrOptions?: number | ELUOptions) {
    super();
    const o = numberOrOptions<ELUOptions>('ELU', alphaOrOptions, 'alpha', ['alpha', 'inplace']);
    this.alpha = o.alpha ?? 1;
    this.inplace = o.inplace ?? false;
  }

  forward(x: Tensor): Tensor {
    return F.applyInplace('ELU', x, this.inplace, (t) => F.elu(t, this.alpha));
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}${this.inplace ? ', inplace=true' : ''}`;
  }
}

export interface GELUOptions {
  /** 'none' (default): exact, with erf; 'tanh': the tanh approximation. */
  approximate?: F.GeluApproximate;
}

export class GELU extends Module<[Tensor], Tensor> {
  readonly approximate: F.GeluApproximate;

  constructor(options?: GELUOptions) {
    super();
    const o = checkOptions('GELU', options, ['approximate']);
    this.approximate = checks.checkGeluApproximate('GELU', o.approximate ?? 'none');
  }

  forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export interface SoftplusOptions {
  beta?: number;
  /** Above beta * x > threshold the output is x itself (default 20). */
  threshold?: number;
}

export class Softplus extends Module<[Tensor], Tensor> {
  readonly beta: number;
  readonly threshold: number;

  constructor(options?: SoftplusOptions) {
    super();
    const o = checkOptions('Softplus', options, ['beta', 'threshold']);
    this.beta = o.beta ?? 1;
    this.threshold = o.threshold ?? 20;
  }

  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

export interface HardtanhOptions extends InplaceOptions {
  minVal?: number;
  maxVal?: number;
}

export class Hardtanh extends Module<[Tensor], Tensor> {
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;

  constructor(options?: HardtanhOptions) {
    super();
    const o = checkOptions('Hardtanh', options, ['minVal', 'maxVal', 'inplace']);
    this.minVal = o.minVal ?? -1;
    this.maxVal = o.maxVal ?? 1;
    this.inplace = o.inplace ?? false;
    checks.checkHardtanhBounds('Hardtanh', this.minVal, this.maxVal);
  }

  forward(x: Tensor): Tensor {
    return F.applyInplace('Hardtanh', x, this.inplace, (t) => F.hardtanh(t, this.minVal, this.maxVal));
  }

  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}${this.inplace ? ', inplace=true' : ''}`;
  }
}

export interface SoftmaxOptions {
  /** The dim that sums to 1. Without it, PyTorch's legacy choice: 0 for 0-, 1- and 3-d inputs, else 1. */
  dim?: number | null;
}

/** `new Softmax(1)` or `new Softmax({dim: 1})`. */
export class Softmax extends Module<[Tensor], Tensor> {
  readonly dim: number | null;

  constructor(dimOrOptions?: number | SoftmaxOptions) {
    super();
    this.dim = numberOrOptions<SoftmaxOptions>('Softmax', dimOrOptions, 'dim', ['dim']).dim ?? null;
  }

  forward(x: Tensor): Tensor {
    return F.softmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** `new LogSoftmax(1)` or `new LogSoftmax({dim: 1})`. */
export class LogSoftmax extends Module<[Tensor], Tensor> {
  readonly dim: number | null;

  constructor(dimOrOptions?: number | SoftmaxOptions) {
    super();
    this.dim = numberOrOptions<SoftmaxOptions>('LogSoftmax', dimOrOptions, 'dim', ['dim']).dim ?? null;
  }

  forward(x: Tensor): Tensor {
    return F.logSoftmax(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
