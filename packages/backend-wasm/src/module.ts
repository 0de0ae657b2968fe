import { API_VERSION, type KernelExports } from './generated/kernel-api.js';
import { WASM_BASE64 } from './generated/kernels-wasm.js';

export type { KernelExports };

/** float64 math the kernels import: JavaScript's own, so float64 results equal backend-cpu's. */
const imports = {
  env: { exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, tanh: Math.tanh, sin: Math.sin, cos: Math.cos, pow: Math.pow },
};

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
    return checked(new WebAssembly.Instance(new WebAssembly.Module(bytes()), imports));
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

export async function instantiate(): Promise<KernelExports> {
  const { instance } = await WebAssembly.instantiate(bytes(), imports);
  return checked(instance);
}
