import { registerBackend } from '@tensile/core';
import { BUILD_COMMAND, loadAddon, PREBUILT_ADDON_PATH } from './addon.js';
import { NativeBackend } from './backend.js';
import { registerNativeKernels } from './kernels.js';

export { NativeBackend } from './backend.js';
export { BUILD_COMMAND, loadAddon, type LoadResult } from './addon.js';
export type { NativeStorage } from './bridge.js';

/** The native backend instance: available when the addon built, else `unavailableReason` says why and how to build it. */
const load = loadAddon();
export const nativeBackend = new NativeBackend(load);

/**
 * Registers device 'native' and its kernels; `select` (default true) makes it the default device,
 * as every backend does: when the addon cannot load, `ready()` says why (or falls back when asked).
 */
export function registerNativeBackend(options: { select?: boolean } = {}): void {
  registerBackend(nativeBackend, options);
  registerNativeKernels(nativeBackend.bridge, nativeBackend.unavailableReason);
}

/** Threads the large kernels use (default: the machine's core count). */
export function getNumThreads(): number {
  return nativeBackend.addon.threads();
}

/** Sets the thread pool's size; 1 keeps every kernel on the calling thread. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new RangeError(`setNumThreads: expected an integer in [1, 1024], got ${n}`);
  nativeBackend.addon.setThreads(n);
}

/** Returns the allocator's cached free blocks (`memory('native').cachedBytes`) to the system. */
export function emptyCache(): void {
  nativeBackend.addon.emptyCache();
}

/**
 * What the native backend runs with: whether it is available (else why), the addon file and whether
 * it is the prebuilt one the package shipped, the kernel ISA in use, and the pool size.
 */
export function nativeInfo(): { available: boolean; reason?: string; addonPath?: string; prebuilt?: boolean; isa?: string; threads?: number; buildCommand: string } {
  if (!load.ok) return { available: false, reason: load.reason, buildCommand: BUILD_COMMAND };
  const a = load.addon;
  return { available: true, addonPath: load.path, prebuilt: load.path === PREBUILT_ADDON_PATH, isa: a.isa(), threads: a.threads(), buildCommand: BUILD_COMMAND };
}

// Importing the package registers device 'native' and selects it.
registerNativeBackend();
