import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findBackend, listBackends, ready } from '@tensile/core';

/** The backends the suite knows by name; `all` means each of them. */
export const KNOWN_BACKENDS = ['cpu', 'wasm', 'webgpu', 'native'] as const;

export type StartResult = { ok: true } | { ok: false; reason: string };

/**
 * Makes a backend available: imports @tensile/backend-<name> (which registers
 * it) unless it is already registered, then awaits ready(). What goes wrong
 * is the reason: a skip under `--backend all`, a failure when it was named.
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
    return { ok: false, reason: (e as Error).message.split('\n')[0]! };
  }
  return { ok: true };
}

/** The entry file a package's exports map (or main) points an `import` at. */
function packageEntry(pkgDir: string, subpath: string): string | null {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { exports?: unknown; main?: string; module?: string };
  const pick = (target: unknown): string | null => {
    if (typeof target === 'string') return target;
    if (Array.isArray(target)) return target.map(pick).find((t) => t !== null) ?? null;
    if (typeof target === 'object' && target !== null) {
      for (const cond of ['import', 'node', 'default']) {
        const t = pick((target as Record<string, unknown>)[cond]);
        if (t !== null) return t;
      }
    }
    return null;
  };
  const exp = pkg.exports;
  let target: string | null = null;
  if (exp !== undefined) {
    const isMap = typeof exp === 'object' && exp !== null && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'));
    target = pick(isMap ? (exp as Record<string, unknown>)[subpath] : subpath === '.' ? exp : undefined);
  } else if (subpath === '.') target = pkg.module ?? pkg.main ?? 'index.js';
  else target = subpath;
  return target === null ? null : join(pkgDir, target);
}

/**
 * Resolves a module specifier as the user's project would: a path relative to
 * `cwd`, or a package in a node_modules folder at or above `cwd` (so a backend
 * installed beside the suite, or anywhere in the user's project, is found).
 */
export function resolveBackendModule(spec: string, cwd: string = process.cwd()): string {
  if (spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:')) {
    const path = spec.startsWith('file:') ? new URL(spec).pathname : resolve(cwd, spec);
    if (!existsSync(path)) throw new Error(`--backend-module ${spec}: ${path} does not exist`);
    if (statSync(path).isDirectory()) {
      const entry = existsSync(join(path, 'package.json')) ? packageEntry(path, '.') : join(path, 'index.js');
      if (entry === null || !existsSync(entry)) throw new Error(`--backend-module ${spec}: ${path} has no entry point for import`);
      return pathToFileURL(entry).href;
    }
    return pathToFileURL(path).href;
  }
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join('/')}` : '.';
  for (let d = resolve(cwd); ; d = dirname(d)) {
    const pkgDir = join(d, 'node_modules', name);
    if (existsSync(join(pkgDir, 'package.json'))) {
      const entry = packageEntry(pkgDir, subpath);
      if (entry === null) throw new Error(`--backend-module ${spec}: ${name}'s package.json exports no "${subpath}" for import`);
      return pathToFileURL(entry).href;
    }
    if (dirname(d) === d) break;
  }
  // Not in the user's project: let Node resolve it from the suite's own location.
  return spec;
}

/**
 * Imports modules that register backends (ours or anyone's) and returns the
 * names of the backends they registered, in registration order.
 */
export async function loadBackendModules(specs: readonly string[], cwd: string = process.cwd()): Promise<string[]> {
  const names: string[] = [];
  for (const spec of specs) {
    const before = new Set(listBackends());
    try {
      await import(/* @vite-ignore */ resolveBackendModule(spec, cwd));
    } catch (e) {
      throw new Error(`--backend-module ${spec} could not be imported: ${(e as Error).message.split('\n')[0]}`);
    }
    const added = listBackends().filter((b) => !before.has(b));
    if (added.length === 0) throw new Error(`--backend-module ${spec} registered no new backend (call registerBackend from @tensile/core when the module is imported)`);
    names.push(...added);
  }
  return names;
}
