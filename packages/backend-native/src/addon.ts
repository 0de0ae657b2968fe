import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PRIMITIVES } from '@tensile/core';
import { CALLS } from './calls.js';

/** The command that builds the addon (npm runs it at install; pnpm 10 and bun skip install scripts by default). */
export const BUILD_COMMAND = 'npm rebuild @tensile/backend-native';

/** The kernel entry points; each reads its arguments from `params`, laid out as src/calls.ts declares. */
type EntryPoints = { readonly [E in keyof typeof CALLS]: () => void };

/** What the compiled addon exports (csrc/addon.cc). */
export interface Addon extends EntryPoints {
  readonly params: Float64Array;
  readonly ops: { readonly unary: readonly string[]; readonly binary: readonly string[]; readonly reduce: readonly string[] };
  readonly maxDims: number;
  readonly cpuHasAvx2Fma: boolean;
  alloc(dtype: number, size: number): number | undefined;
  free(handle: number): void;
  read(handle: number, offset: number, count: number): Float32Array | Float64Array | Int32Array | Uint8Array | undefined;
  upload(data: ArrayBufferView, dtype: number): number | undefined;
  lastError(): { kind: number; message: string };
  memory(): { tensors: number; bytes: number; peakBytes: number; cachedBytes: number };
  emptyCache(): void;
  /** A new peak from the bytes live now. */
  resetPeakMemory(): void;
  threads(): number;
  setThreads(n: number): boolean;
  isa(): string;
  setIsa(name: string): boolean;
}

export type LoadResult = { ok: true; addon: Addon; path: string } | { ok: false; reason: string };

// src/ and dist/ both sit one level below the package root.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
/** Where the install script (or `npm run build:addon`) builds the addon. */
export const DEFAULT_ADDON_PATH = `${packageRoot}build/Release/tensile_native.node`;
/** The binary the package ships for this platform (scripts/pack-prebuild.mjs puts it there at pack time). */
export const PREBUILT_ADDON_PATH = `${packageRoot}prebuilds/${process.platform}-${process.arch}/tensile_native.node`;

/**
 * Loads the compiled addon: the one built here, else the one shipped prebuilt for this platform.
 * When neither loads, says why and how to build it.
 */
export function loadAddon(path?: string): LoadResult {
  if (path !== undefined) return loadFrom(path);
  if (!existsSync(DEFAULT_ADDON_PATH) && existsSync(PREBUILT_ADDON_PATH)) {
    const prebuilt = loadFrom(PREBUILT_ADDON_PATH);
    if (prebuilt.ok) return prebuilt;
    const built = loadFrom(DEFAULT_ADDON_PATH);
    return built.ok ? built : { ok: false, reason: `${built.reason}; the prebuilt binary shipped for ${process.platform}-${process.arch} did not load either: ${prebuilt.reason}` };
  }
  return loadFrom(DEFAULT_ADDON_PATH);
}

function loadFrom(path: string): LoadResult {
  if (!existsSync(path)) {
    const statusFile = path.replace(/Release[\\/][^\\/]*$/, 'addon-status.json');
    let why = 'the native addon is not built';
    try {
      const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { ok?: boolean; reason?: string };
      if (status.ok === false && status.reason) why = `the native addon failed to build: ${status.reason}`;
    } catch {
      // No status file: the install script never ran (a package manager that skips install scripts).
      why = 'the native addon is not built (the install script did not run)';
    }
    return { ok: false, reason: `${why}; build it with \`${BUILD_COMMAND}\`` };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as Addon;
    const stale = staleness(addon);
    if (stale !== null) return { ok: false, reason: `the native addon at ${path} is out of date (${stale}); rebuild it with \`${BUILD_COMMAND}\`` };
    return { ok: true, addon, path };
  } catch (e) {
    return { ok: false, reason: `the native addon at ${path} could not be loaded (${(e as Error).message}); rebuild it with \`${BUILD_COMMAND}\`` };
  }
}

/** Why an addon built from older sources cannot serve core's op table, or null. */
function staleness(addon: Addon): string | null {
  for (const [op, spec] of Object.entries(PRIMITIVES)) {
    const list = spec.kind === 'unary' ? addon.ops?.unary : spec.kind === 'binary' ? addon.ops?.binary : spec.kind === 'reduce' ? addon.ops?.reduce : null;
    if (list !== null && !list?.includes(op)) return `no kernel for ${op}`;
  }
  for (const fn of [...(Object.keys(CALLS) as (keyof typeof CALLS)[]), 'emptyCache', 'resetPeakMemory'] as const)
    if (typeof addon[fn] !== 'function') return `no entry point ${fn}`;
  return null;
}
