import * as core from '@tensile/core';
import * as nn from '@tensile/nn';
import * as optim from '@tensile/optim';
import { NotImplemented } from './expect-error.js';

/**
 * Looks names up in the library's exports at run time, so cases for losses,
 * layers and optimizers start passing the moment their packages export them
 * (and fail as "not implemented" until then).
 */

// biome-ignore lint/suspicious/noExplicitAny: resolves arbitrary exported functions by name
export type Fn = (...args: any[]) => any;
// biome-ignore lint/suspicious/noExplicitAny: resolves arbitrary exported classes by name
export type Ctor = new (...args: any[]) => any;

type Namespace = Record<string, unknown>;

export const coreNs = core as unknown as Namespace;
export const nnNs = nn as unknown as Namespace;
export const functionalNs = (nnNs.functional ?? {}) as Namespace;
/** torch.nn.utils.rnn (padSequence, ...): looked up after core and nn.functional. */
export const utilsRnnNs = (((nnNs.utils ?? {}) as Namespace).rnn ?? {}) as Namespace;
export const optimNs = optim as unknown as Namespace;

/** PyTorch's snake_case name in camelCase (log_softmax -> logSoftmax). */
export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The first function among `names` exported by core, then by nn.functional, then by nn.utils.rnn. */
export function findFunction(names: readonly string[]): Fn | undefined {
  for (const ns of [coreNs, functionalNs, utilsRnnNs])
    for (const n of names) {
      const f = ns[n];
      if (typeof f === 'function') return f as Fn;
    }
  return undefined;
}

export function requireFunction(what: string, names: readonly string[]): Fn {
  const f = findFunction(names);
  if (f === undefined) throw new NotImplemented(`not implemented: ${what} (no ${names.join(' / ')} exported by @tensile/core or @tensile/nn's functional)`);
  return f;
}

/** A class exported by the first namespace that has it (nn.MSELoss, optim.SGD, optim.lrScheduler.StepLR). */
export function requireClass(pkg: string, ns: Namespace | readonly Namespace[], name: string): Ctor {
  for (const n of Array.isArray(ns) ? ns : [ns]) {
    const c = (n as Namespace)[name];
    if (typeof c === 'function') return c as Ctor;
  }
  throw new NotImplemented(`not implemented: ${pkg} exports no ${name}`);
}
