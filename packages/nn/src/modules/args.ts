// Constructor arguments shared by the layers: PyTorch's keyword arguments
// become an options object whose unknown keys are errors.
import { checkOptions, type DType, full, type Tensor, ValueError } from '@tensile/core';
import type { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { uniform_ } from '../init.js';

/** Where a layer creates its parameters and buffers (PyTorch's factory kwargs). */
export interface FactoryOptions {
  device?: string;
  dtype?: DType;
}

export const FACTORY_KEYS = ['device', 'dtype'] as const;

/** A new tensor of `shape` filled with value, on the layer's device and dtype (float32 by default). */
export function factoryFull(shape: readonly number[], value: number, o: FactoryOptions, dtype: DType = o.dtype ?? 'float32'): Tensor {
  return full(shape, value, { dtype, ...(o.device !== undefined ? { device: o.device } : {}) });
}

/**
 * Options for layers whose first PyTorch argument is usually written
 * positionally (Dropout's p, LeakyReLU's negativeSlope, Softmax's dim, ...):
 * a number stands for that key.
 */
export function numberOrOptions<O extends object>(op: string, arg: number | O | undefined, key: keyof O & string, valid: readonly string[]): O {
  if (typeof arg === 'number') return { [key]: arg } as O;
  return checkOptions(op, arg, valid);
}

/** A positive integer size argument, or a ValueError naming it. */
export function checkSize(op: string, name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < (allowZero ? 0 : 1))
    throw new ValueError(`${op}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(v)}`);
  return v;
}

function isPlainOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A layer's arguments, given PyTorch's way (`new Linear(4, 3, {bias: false})`:
 * required ones positional, then an options object) or all named in one
 * object (`new Linear({inFeatures: 4, outFeatures: 3, bias: false})`, the
 * form of the golden files). Returns them merged into one object.
 */
export function layerArgs<O extends object>(op: string, args: readonly unknown[], required: readonly string[], optional: readonly string[]): O {
  const [first] = args;
  let merged: Record<string, unknown>;
  if (required.length > 0 && isPlainOptions(first)) {
    if (args.slice(1).some((a) => a !== undefined)) throw new ValueError(`${op}: with an options object as the first argument, pass no other arguments`);
    merged = { ...checkOptions(op, first, [...required, ...optional]) };
  } else {
    merged = { ...checkOptions(op, args[required.length] as object | undefined, optional) };
    required.forEach((name, i) => {
      merged[name] = args[i];
    });
  }
  for (const name of required) if (merged[name] === undefined) throw new ValueError(`${op}: missing required argument ${name}`);
  return merged as O;
}

/**
 * A layer's bias: a zero Parameter of `size`, or, when disabled, null
 * registered under 'bias' (so stateDict and PyTorch's names agree).
 */
export function biasParameter(m: Module, enabled: boolean, size: number, o: FactoryOptions): Parameter | null {
  if (enabled) return new Parameter(factoryFull([size], 0, o));
  m.registerParameter('bias', null);
  return null;
}

/** PyTorch's default bias initialisation: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), 0 bounds for an empty fan-in. */
export function initBias(bias: Tensor | null, fanIn: number): void {
  if (bias === null) return;
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, -bound, bound);
}
