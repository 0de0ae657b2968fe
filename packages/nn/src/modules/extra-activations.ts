// Activation layers of issue 20: thin modules over functional/activations.ts.
import type { Tensor } from '@tensile/core';
import { Module } from '../module.js';
import * as A from '../functional/activations.js';
import { applyInplace } from '../functional/layers.js';
import { layerArgs, numberOrOptions } from './args.js';
import { InplaceOnly, type InplaceOptions, Parameterless } from './activation-base.js';

/** min(max(x, 0), 6). `new ReLU6()` or `new ReLU6({inplace: true})`. */
export class ReLU6 extends InplaceOnly {
  protected fn(x: Tensor): Tensor {
    return A.relu6(x);
  }
}

/** x * relu6(x + 3) / 6. */
export class Hardswish extends InplaceOnly {
  protected fn(x: Tensor): Tensor {
    return A.hardswish(x);
  }
}

/** relu6(x + 3) / 6. */
export class Hardsigmoid extends InplaceOnly {
  protected fn(x: Tensor): Tensor {
    return A.hardsigmoid(x);
  }
}

/** scale * elu(x, alpha) with PyTorch's fixed constants. */
export class SELU extends InplaceOnly {
  protected fn(x: Tensor): Tensor {
    return A.selu(x);
  }
}

export interface CELUOptions extends InplaceOptions {
  /** Default 1; 0 is an error. */
  alpha?: number;
}

/** max(0, x) + min(0, alpha (e^(x / alpha) - 1)). `new CELU()`, `new CELU(0.5)` or `new CELU({alpha: 0.5, inplace})`. */
export class CELU extends Module<[Tensor], Tensor> {
  readonly alpha: number;
  readonly inplace: boolean;

  constructor(alphaOrOptions?: number | CELUOptions) {
    super();
    const o = numberOrOptions<CELUOptions>('CELU', alphaOrOptions, 'alpha', ['alpha', 'inplace']);
    this.alpha = A.checkCeluAlpha('CELU', o.alpha ?? 1);
    this.inplace = o.inplace ?? false;
  }

  forward(x: Tensor): Tensor {
    return applyInplace('CELU', x, this.inplace, (t) => A.celu(t, this.alpha));
  }

  override extraRepr(): string {
    return `alpha=${this.alpha}${this.inplace ? ', inplace=true' : ''}`;
  }
}

export interface DimOptions {
  dim?: number;
}

/** a * sigmoid(b) of the two halves along dim (default -1). `new GLU()`, `new GLU(1)` or `new GLU({dim: 1})`. */
export class GLU extends Module<[Tensor], Tensor> {
  readonly dim: number;

  constructor(dimOrOptions?: number | DimOptions) {
    super();
    this.dim = numberOrOptions<DimOptions>('GLU', dimOrOptions, 'dim', ['dim']).dim ?? -1;
  }

  forward(x: Tensor): Tensor {
    return A.glu(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** log(sigmoid(x)), stable in both tails. */
export class LogSigmoid extends Parameterless {
  forward(x: Tensor): Tensor {
    return A.logsigmoid(x);
  }
}

/** x / (1 + |x|). */
export class Softsign extends Parameterless {
  forward(x: Tensor): Tensor {
    return A.softsign(x);
  }
}

/** x - tanh(x). */
export class Tanhshrink extends Parameterless {
  forward(x: Tensor): Tensor {
    return A.tanhshrink(x);
  }
}

export interface ThresholdOptions extends InplaceOptions {
  threshold: number;
  value: number;
}

/** value where x <= threshold, x elsewhere. `new Threshold(0.1, 20)`, `new Threshold(0.1, 20, {inplace})` or `new Threshold({threshold, value})`. */
export class Threshold extends Module<[Tensor], Tensor> {
  readonly threshold: number;
  readonly value: number;
  readonly inplace: boolean;

  constructor(thresholdOrOptions: number | ThresholdOptions, value?: number, options?: InplaceOptions) {
    super();
    const o = layerArgs<ThresholdOptions>('Threshold', [thresholdOrOptions, value, options], ['threshold', 'value'], ['inplace']);
    this.threshold = o.threshold;
    this.value = o.value;
    this.inplace = o.inplace ?? false;
  }

  forward(x: Tensor): Tensor {
    return applyInplace('Threshold', x, this.inplace, (t) => A.threshold(t, this.threshold, this.value));
  }

  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}${this.inplace ? ', inplace=true' : ''}`;
  }
}

export interface SoftminOptions {
  /** Without it, Softmax's legacy implicit dim. */
  dim?: number | null;
}

/** softmax(-x, dim). `new Softmin(1)` or `new Softmin({dim: 1})`. */
export class Softmin extends Module<[Tensor], Tensor> {
  readonly dim: number | null;

  constructor(dimOrOptions?: number | SoftminOptions) {
    super();
    this.dim = numberOrOptions<SoftminOptions>('Softmin', dimOrOptions, 'dim', ['dim']).dim ?? null;
  }

  forward(x: Tensor): Tensor {
    return A.softmin(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
