// The machinery behind the 21 torch.nn loss classes: PyTorch's _Loss and
// _WeightedLoss, and `defineLoss`, which makes a class from one registry entry
// (loss-registry.ts). A class has PyTorch's name and constructor options
// (camelCased), exposes each option as an attribute (tensor options as
// buffers, so they move with `to(device)`), and is callable as
// `lossFunction(input, target)` or `lossFunction.forward(input, target)`.
import { type Reduction, type Tensor, checkOptions } from '@tensile/core';
import { REDUCTIONS, checkReduction } from '../functional/losses/reduction.js';
import { Module } from '../module.js';

/** A loss's functional form: its tensor (and length) arguments, then its options. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
// biome-ignore lint/suspicious/noExplicitAny: each loss's functional has its own parameter list; the registry stores them side by side
export type LossFunction = (...args: any[]) => Tensor;

/** The arguments of a loss's forward: the functional's, without the options. */
export type LossArgs<Fn extends LossFunction> = Required<Parameters<Fn>> extends [...infer A, unknown] ? A : never;
/** The options of a loss's constructor: the functional's last parameter. */
export type LossOptions<Fn extends LossFunction> = Required<Parameters<Fn>> extends [...unknown[], infer O] ? O : never;

/** One loss, everything the library, its tests, conformance and the demos need to know of it. */
export interface LossSpec<Fn extends LossFunction = LossFunction, D extends object = object, B extends string = string, K extends string = string> {
  /** The class name, PyTorch's and ours: 'MSELoss'. */
  readonly name: string;
  /** The short name the demos use on the command line and in the page: 'mse'. */
  readonly key: K;
  /** The functional form's name in `nn.functional`, which its error messages name: 'mseLoss'. */
  readonly functional: string;
  /** torch.nn.functional's name, which PyTorch's error messages name: 'mse_loss'. */
  readonly torchFunctional: string;
  /** The functional form; the class's forward calls it with the class's options. */
  readonly fn: Fn;
  /** Every constructor option with its default (the functional file's `*_DEFAULTS`). */
  readonly defaults: D;
  /** The reductions it accepts, when not PyTorch's usual 'none', 'mean' and 'sum'. */
  readonly reductions?: readonly string[];
  /** Tensor options held as buffers (PyTorch's _WeightedLoss weight, BCEWithLogitsLoss's posWeight). */
  readonly buffers?: readonly B[];
  /** One line on what it computes (the class's doc). */
  readonly summary: string;
}

/** The options as attributes (`ce.ignoreIndex`), with their defaults; reduction is the base class's. */
export type LossAttributes<D, B extends string> = { readonly [K in Exclude<keyof D, 'reduction' | B>]: D[K] } & { [K in B]: Tensor | null };

/** PyTorch's _Loss: a module with a reduction mode. */
export abstract class LossModule<A extends unknown[], O extends object = object, R extends Reduction | 'batchmean' = Reduction> extends Module<A, Tensor> {
  readonly reduction: R;
  /** The checked options, passed on to the functional form. */
  protected readonly options: O;

  constructor(name: string, options: O | undefined, keys: readonly string[], reductions: readonly R[] = REDUCTIONS as readonly R[]) {
    super();
    const o = checkOptions(name, options, keys) as O & { reduction?: unknown };
    this.options = { ...o };
    this.reduction = checkReduction<R>(name, o.reduction, reductions);
  }

  override extraRepr(): string {
    return `reduction='${this.reduction}'`;
  }
}

/** A loss instance: the module, its reduction and its options as attributes. */
export type LossInstance<Fn extends LossFunction, D, B extends string> = LossModule<LossArgs<Fn>, LossOptions<Fn> & object, D extends { reduction: infer R extends Reduction | 'batchmean' } ? R : Reduction> &
  LossAttributes<D, B>;

/** A loss class made by defineLoss; `spec` is its registry entry. */
export interface LossClass<Fn extends LossFunction = LossFunction, D extends object = object, B extends string = string, K extends string = string> {
  new (options?: LossOptions<Fn>): LossInstance<Fn, D, B>;
  readonly spec: LossSpec<Fn, D, B, K>;
}

/** Every loss defined so far, in definition order (loss-registry.ts's order). */
const specs: LossSpec[] = [];

/** The losses defined so far, frozen: loss-registry.ts takes them once all its entries are made. */
export function definedLosses(): readonly LossSpec[] {
  return Object.freeze([...specs]);
}

/**
 * Makes the class of one registry entry and lists the entry (for LOSS_SPECS).
 * The constructor checks the option keys and the reduction at once (the rest
 * at forward, by the functional form), copies each option or its default to
 * an attribute, and registers the tensor options as buffers.
 */
export function defineLoss<Fn extends LossFunction, const D extends object, const K extends string, const B extends string = never>(spec: LossSpec<Fn, D, B, K>): LossClass<Fn, D, B, K> {
  const keys = Object.keys(spec.defaults);
  const buffers: readonly string[] = spec.buffers ?? [];
  const attributes = keys.filter((k) => k !== 'reduction' && !buffers.includes(k));
  const defaults = spec.defaults as Record<string, unknown>;
  const reductions = (spec.reductions ?? REDUCTIONS) as readonly Reduction[];
  class DefinedLoss extends LossModule<unknown[], Record<string, unknown>> {
    constructor(options?: Record<string, unknown>) {
      super(spec.name, options, keys, reductions);
      const self = this as unknown as Record<string, unknown>;
      for (const k of attributes) self[k] = this.options[k] ?? defaults[k];
      for (const k of buffers) this.registerBuffer(k, (this.options[k] as Tensor | null | undefined) ?? null);
    }
    forward(...args: unknown[]): Tensor {
      // The tensor options as the buffers are now (they may have been moved or replaced).
      const self = this as unknown as Record<string, unknown>;
      const options = buffers.length === 0 ? this.options : { ...this.options, ...Object.fromEntries(buffers.map((k) => [k, self[k]])) };
      return spec.fn(...args, options);
    }
  }
  Object.defineProperty(DefinedLoss, 'name', { value: spec.name });
  Object.defineProperty(DefinedLoss, 'spec', { value: spec, enumerable: true });
  specs.push(Object.freeze(spec) as unknown as LossSpec);
  return DefinedLoss as unknown as LossClass<Fn, D, B, K>;
}
