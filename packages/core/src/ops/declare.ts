import { registry } from '../backend/registry.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { OP_TABLE, type OpSpec } from './table.js';

/**
 * How the conformance suite proves a backend's fused kernel for a composite: it runs the kernel
 * and `composed` (the composite from primitives) on the same inputs, per variant, and compares.
 */
export interface FusedCheck {
  /** Fresh inputs on `device` for one variant. */
  readonly inputs: (device: string, seed: number, variant: Readonly<Record<string, unknown>>) => Tensor[];
  /** One run per variant; `inputKeys` name the keys that shape the inputs and are not kernel options. */
  readonly variants: readonly Readonly<Record<string, unknown>>[];
  readonly inputKeys?: readonly string[];
  /** The options the kernel receives for a variant, where the op's entry point adds to them (default: the variant less inputKeys). */
  readonly kernelOptions?: (options: Readonly<Record<string, unknown>>) => Readonly<Record<string, unknown>>;
  /** Out of place: returns the result. In place (`mutates` set): updates its inputs. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a composite may return nothing, as its declaration allows
  readonly composed: (inputs: Tensor[], options: Readonly<Record<string, unknown>>) => Tensor | void;
  /** Indices of the inputs an in-place kernel updates (its out is inputs[0]). */
  readonly mutates?: readonly number[];
}

/** A composite declared outside core: its table entry and how its fused kernels are checked. */
export interface CompositeDeclaration {
  readonly spec: OpSpec;
  readonly check: FusedCheck;
}

/**
 * Declares a composite that lives in another package (as @tensile/optim declares `adamStep`), so
 * backends can fuse it without core's table listing it. Backends register kernels for it by name
 * (`registerKernel(name, backend, kernel)`), before or after the declaration; the declaration is
 * what the conformance suite and `kernelCoverage` read.
 */
export function declareComposite(name: string, spec: Omit<OpSpec, 'kind'>, check: FusedCheck): void {
  if (Object.hasOwn(OP_TABLE, name)) throw new ValueError(`declareComposite: ${name} is already an op of core's table`);
  const existing = registry.declared.get(name);
  // A package loaded twice declares the same op twice; two packages claiming one name is a mistake.
  if (existing !== undefined && existing.spec.doc !== spec.doc) throw new ValueError(`declareComposite: ${name} is already declared (${existing.spec.doc})`);
  registry.declared.set(name, { spec: { ...spec, kind: 'composite' }, check });
}

/** The composites declared outside core, by name. */
export function declaredComposites(): ReadonlyMap<string, CompositeDeclaration> {
  return registry.declared;
}
