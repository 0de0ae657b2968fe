import type { Backend, MemoryInfo, Storage } from './backend/backend.js';
import { getBackendObject } from './backend/registry.js';
import { DeviceError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * Storage is reference-counted: every tensor handle (views, autograd's saved
 * tensors) holds one reference, and storage goes back to its backend when the
 * last one is released. A FinalizationRegistry releases the handles that a
 * program forgets, but only as a safety net: GPU and wasm memory is invisible
 * to the JS garbage collector, so loops must dispose (or use `tidy`).
 */

export function retain(storage: Storage): void {
  storage.refs++;
}

export function release(storage: Storage): void {
  if (--storage.refs === 0) storage.backend.free(storage);
}

const finalizer = new FinalizationRegistry<Storage>((storage) => release(storage));

// Handles created inside a scope are disposed by it, so only handles that
// outlive every scope (returned to top level, or kept) are registered.
export function watch(t: Tensor): void {
  if (t._watched || t._disposed) return;
  t._watched = true;
  finalizer.register(t, t.storage, t);
}

export function unwatch(t: Tensor): void {
  if (!t._watched) return;
  t._watched = false;
  finalizer.unregister(t);
}

// ---- scopes -------------------------------------------------------------

interface Scope {
  readonly tracked: Tensor[];
  readonly parent: Scope | null;
}

const syncScopes: Scope[] = [];

interface AsyncStore<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

// Async scopes need async context to tell interleaved scopes apart: Node's
// AsyncLocalStorage where it exists (Node, Deno, Bun).
const asyncContext: AsyncStore<Scope> | null = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: new () => AsyncStore<Scope> } | undefined;
  return mod?.AsyncLocalStorage ? new mod.AsyncLocalStorage() : null;
})();

function currentScope(): Scope | null {
  if (syncScopes.length > 0) return syncScopes[syncScopes.length - 1]!;
  return asyncContext?.getStore() ?? null;
}

/** Records a new handle in the innermost scope; outside every scope it is watched by the finalizer instead. */
export function track(t: Tensor): void {
  const s = syncScopes.length > 0 ? syncScopes[syncScopes.length - 1]! : asyncContext === null ? null : (asyncContext.getStore() ?? null);
  if (s !== null) s.tracked.push(t);
  else watch(t);
}

/** Marks a handle as owned by something long-lived (a parameter, `.grad`, optimizer state): no scope disposes it. */
export function keep<T extends Tensor>(t: T): T {
  t._kept = true;
  watch(t);
  return t;
}

function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if ((value as { _isTensor?: boolean })._isTensor === true) {
    out.add(value as Tensor);
    return;
  }
  if (value instanceof Map) for (const v of value.values()) collect(v, out, depth + 1);
  else if (Array.isArray(value) || typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function')
    for (const v of value as Iterable<unknown>) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, out, depth + 1);
}

function close(scope: Scope, result: unknown): void {
  const returned = new Set<Tensor>();
  collect(result, returned);
  const parent = scope.parent;
  for (const t of scope.tracked) {
    if (returned.has(t)) {
      if (parent !== null) parent.tracked.push(t);
      else watch(t);
    } else if (!t._kept) t.dispose();
  }
}

/**
 * Runs `fn` and disposes every tensor handle created inside it, except those it
 * returns (in an array or plain object) and those kept (parameters, `.grad`,
 * optimizer state). Returned tensors belong to the enclosing scope.
 */
export function tidy<R>(fn: () => R): R {
  const scope: Scope = { tracked: [], parent: currentScope() };
  syncScopes.push(scope);
  let result: R;
  try {
    result = fn();
  } catch (e) {
    syncScopes.pop();
    close(scope, undefined);
    throw e;
  }
  syncScopes.pop();
  if (result instanceof Promise) throw new TypeError('tidy: fn returned a Promise; use tidyAsync for async work');
  close(scope, result);
  return result;
}

/**
 * `tidy` for async functions. Scopes are told apart by async context, so two
 * tidyAsync calls interleaving across `await`s each dispose only their own
 * tensors. Needs AsyncLocalStorage (Node, Deno, Bun); elsewhere it throws.
 */
export async function tidyAsync<R>(fn: () => Promise<R>): Promise<R> {
  if (asyncContext === null)
    throw new TypeError('tidyAsync needs AsyncLocalStorage (Node, Deno, Bun); in a browser, use tidy() around the synchronous parts');
  const scope: Scope = { tracked: [], parent: currentScope() };
  let result: R;
  try {
    result = await asyncContext.run(scope, fn);
  } catch (e) {
    close(scope, undefined);
    throw e;
  }
  close(scope, result);
  return result;
}

/** Disposes every tensor found in `value` (a tensor, array, Map or plain object). */
export function dispose(value: unknown): void {
  const all = new Set<Tensor>();
  collect(value, all);
  for (const t of all) t.dispose();
}

/** Memory held by a backend's allocator (default: the active backend). */
export function memory(device?: string): MemoryInfo {
  const b: Backend = getBackendObject(device);
  return b.memory();
}

/**
 * Starts a new peak on one device (default: the active one), as `torch.cuda.reset_peak_memory_stats`:
 * afterwards `memory(device).peakBytes` is the bytes live now, and grows with every allocation or
 * kernel scratch above it. A backend that does not track a peak is a DeviceError.
 */
export function resetPeakMemory(device?: string): void {
  const b: Backend = getBackendObject(device);
  if (b.resetPeakMemory === undefined) throw new DeviceError(`resetPeakMemory: device "${b.name}" does not track peak memory`);
  b.resetPeakMemory();
}
