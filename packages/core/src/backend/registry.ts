import { DeviceError } from '../errors.js';
import { type CompositeOp, isPrimitive, PRIMITIVES, type OpName, type PrimitiveOp } from '../ops/table.js';
import type { CompositeDeclaration } from '../ops/declare.js';
import type { Backend, FusedKernel, Kernel, KernelTable } from './backend.js';

/** Counts what a case does on the device, so a suite can prove a backend did not fall back to another. */
export interface Trace {
  kernel(op: string, backend: string): void;
  transfer(direction: 'upload' | 'readback', backend: string, bytes: number): void;
}

interface Registry {
  readonly version: number;
  readonly backends: Map<string, Backend>;
  readonly kernels: Map<string, KernelTable>;
  /** Composites declared outside core (ops/declare.ts). */
  readonly declared: Map<string, CompositeDeclaration>;
  active: string | null;
  trace: Trace | null;
}

// Bump when the shape of Registry changes: two copies of core then refuse to share it.
const REGISTRY_VERSION = 2;
const KEY = Symbol.for('tensile.registry');

function initRegistry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  const existing = g[KEY];
  if (existing) {
    if (existing.version !== REGISTRY_VERSION)
      throw new Error(
        `tensile: two incompatible copies of @tensile/core are loaded (registry versions ${existing.version} and ${REGISTRY_VERSION}); deduplicate @tensile/core in your bundle`,
      );
    return existing;
  }
  const created: Registry = { version: REGISTRY_VERSION, backends: new Map(), kernels: new Map(), declared: new Map(), active: null, trace: null };
  g[KEY] = created;
  return created;
}

export const registry: Registry = initRegistry();

function tableFor(backend: string): KernelTable {
  let t = registry.kernels.get(backend);
  if (!t) {
    t = {};
    registry.kernels.set(backend, t);
  }
  return t;
}

/** Registers a backend; `select` (default true) also makes it the default device. */
export function registerBackend(backend: Backend, options: { select?: boolean } = {}): void {
  registry.backends.set(backend.name, backend);
  tableFor(backend.name);
  if (options.select !== false || registry.active === null) registry.active = backend.name;
}

/** Registers a backend's kernel for a primitive, or a fused kernel for a composite (core's, or one declared by another package). */
export function registerKernel<O extends OpName>(op: O, backend: string, impl: O extends PrimitiveOp ? Kernel<O> : NonNullable<KernelTable[O]>): void;
export function registerKernel(op: string, backend: string, impl: FusedKernel): void;
export function registerKernel(op: string, backend: string, impl: unknown): void {
  (tableFor(backend) as Record<string, unknown>)[op] = impl;
}

export function listBackends(): string[] {
  return [...registry.backends.keys()];
}

export function findBackend(name: string): Backend | undefined {
  return registry.backends.get(name);
}

export function getBackendObject(name?: string): Backend {
  const n = name ?? registry.active;
  if (n === null) throw new DeviceError('no backend is registered: import "tensile" or a @tensile/backend-* package');
  const b = registry.backends.get(n);
  if (!b) throw new DeviceError(`unknown device "${n}"; registered backends: ${listBackends().join(', ') || 'none'}`);
  return b;
}

/** Makes a registered backend the default device. */
export function setBackend(name: string): void {
  getBackendObject(name);
  registry.active = name;
}

/** The name of the default device. */
export function getBackend(): string {
  return getBackendObject().name;
}

export interface ReadyOptions {
  /**
   * A registered device to use when this one cannot start: `ready` then warns once with the
   * reason, makes the fallback the default device (when the failed one was) and starts it.
   */
  readonly fallback?: string;
}

// Each failed device warns once per fallback, however often ready() is called.
const warnedFallbacks = new Set<string>();

/**
 * Finishes asynchronous start-up of one backend (default: the active one). A backend that cannot
 * start rejects with a DeviceError naming it, the reason and the fix, the same for every backend,
 * unless `options.fallback` names a device to use instead.
 */
export async function ready(name?: string | ReadyOptions, options: ReadyOptions = {}): Promise<void> {
  if (typeof name === 'object') return ready(undefined, name);
  const b = getBackendObject(name);
  if (options.fallback !== undefined && options.fallback !== b.name) getBackendObject(options.fallback);
  try {
    await b.init();
  } catch (e) {
    const reason = b.unavailableReason ?? (e instanceof Error ? e.message : String(e));
    if (options.fallback === undefined || options.fallback === b.name)
      throw new DeviceError(
        `ready: device "${b.name}" cannot start: ${reason}` +
          (b.name === 'cpu' ? '' : `. To use another device instead, call ready({ fallback: 'cpu' }) (it warns once)`),
      );
    const key = `${b.name}\u0000${options.fallback}`;
    if (!warnedFallbacks.has(key)) {
      warnedFallbacks.add(key);
      console.warn(`tensile: device "${b.name}" cannot start (${reason}); using "${options.fallback}" instead`);
    }
    if (registry.active === b.name) registry.active = options.fallback;
    return ready(options.fallback);
  }
  await b.sync();
}

/** The primitive ops a backend implements with its own kernels. */
export function kernelCoverage(backend: string): { implemented: PrimitiveOp[]; missing: PrimitiveOp[]; fused: string[] } {
  const t = registry.kernels.get(backend) ?? {};
  const implemented: PrimitiveOp[] = [];
  const missing: PrimitiveOp[] = [];
  for (const op of Object.keys(PRIMITIVES) as PrimitiveOp[]) (op in t ? implemented : missing).push(op);
  const fused = Object.keys(t).filter((op) => !isPrimitive(op));
  return { implemented, missing, fused };
}

export function kernel<O extends PrimitiveOp>(op: O, backend: Backend): Kernel<O> {
  const k = (registry.kernels.get(backend.name) as Record<string, unknown> | undefined)?.[op];
  if (k === undefined) throw new DeviceError(`${op}: no kernel is registered for device "${backend.name}"`);
  if (!backend.isReady)
    throw new DeviceError(
      `${op}: device "${backend.name}" is not ready${backend.unavailableReason ? ` (${backend.unavailableReason})` : ''}; await ready('${backend.name}') first`,
    );
  if (registry.trace !== null) registry.trace.kernel(op, backend.name);
  return k as Kernel<O>;
}

/** The fused kernel a backend registered for a composite op, if any (not traced; for inspection). */
export function fusedKernel(op: string, backend: Backend): FusedKernel | undefined {
  return (registry.kernels.get(backend.name) as Record<string, FusedKernel> | undefined)?.[op];
}

/** The fused kernel for a composite, traced as a kernel call, or undefined when the backend has none. */
export function fusedKernelCall(op: CompositeOp | (string & {}), backend: Backend): FusedKernel | undefined {
  const k = fusedKernel(op, backend);
  if (k === undefined || !backend.isReady) return undefined;
  if (registry.trace !== null) registry.trace.kernel(op, backend.name);
  return k;
}

export function setTrace(trace: Trace | null): void {
  registry.trace = trace;
}

export function traceTransfer(direction: 'upload' | 'readback', backend: string, bytes: number): void {
  if (registry.trace !== null) registry.trace.transfer(direction, backend, bytes);
}
