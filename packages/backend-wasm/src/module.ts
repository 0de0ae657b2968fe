import { API_VERSION, type KernelExports } from './generated/kernel-api.js';
import { WASM_BASE64 } from './generated/kernels-wasm.js';

export type { KernelExports };

/**
 * The float64 math the kernels import, by the names the module asks for: JavaScript's own Math
 * functions, so float64 results equal backend-cpu's (kernels-c's internal.h declares the imports).
 */
function mathImports(module: WebAssembly.Module): WebAssembly.Imports {
  const env: Record<string, WebAssembly.ImportValue> = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    const fn = (Math as unknown as Record<string, unknown>)[name];
    if (from !== 'env' || kind !== 'function' || typeof fn !== 'function') throw new Error(`wasm kernels: the module imports ${from}.${name}, which is not a Math function`);
    env[name] = fn as WebAssembly.ImportValue;
  }
  return { env };
}

function bytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function checked(instance: WebAssembly.Instance): KernelExports {
  const e = instance.exports as unknown as KernelExports;
  if (e.tn_api_version() !== API_VERSION) throw new Error(`wasm kernels: module has C API version ${e.tn_api_version()}, expected ${API_VERSION}`);
  return e;
}

/**
 * Synchronous instantiation where the platform allows it (Node, workers), so
 * importing the package is enough there; null where it does not (browser main
 * threads refuse to compile large modules synchronously).
 */
export function instantiateSync(): KernelExports | null {
  try {
    const module = new WebAssembly.Module(bytes());
    return checked(new WebAssembly.Instance(module, mathImports(module)));
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

export async function instantiate(): Promise<KernelExports> {
  const module = await WebAssembly.compile(bytes());
  return checked(await WebAssembly.instantiate(module, mathImports(module)));
}
