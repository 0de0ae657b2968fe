import { findBackend, ready } from '@tensile/core';

/** The backends the suite knows by name; `all` means each of them. */
export const KNOWN_BACKENDS = ['cpu', 'wasm', 'webgpu', 'native'] as const;

export type StartResult = { ok: true } | { ok: false; reason: string };

/**
 * Makes a backend available: imports @tensile/backend-<name> (which registers
 * it) unless it is already registered, then awaits ready(). Anything that goes
 * wrong is the reason the backend is skipped, never a pass.
 */
export async function startBackend(name: string): Promise<StartResult> {
  if (findBackend(name) === undefined) {
    try {
      await import(/* @vite-ignore */ `@tensile/backend-${name}`);
    } catch (e) {
      return { ok: false, reason: `cannot load @tensile/backend-${name}: ${(e as Error).message.split('\n')[0]}` };
    }
    if (findBackend(name) === undefined) return { ok: false, reason: `@tensile/backend-${name} loaded but registered no backend named "${name}"` };
  }
  try {
    await ready(name);
  } catch (e) {
    return { ok: false, reason: `ready('${name}') rejected: ${(e as Error).message.split('\n')[0]}` };
  }
  return { ok: true };
}
