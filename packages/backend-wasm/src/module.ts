import { WASM_BASE64 } from './generated/kernels-wasm.js';

/** The kernel module's exports (packages/kernels-c/include/tensile_kernels.h; pointers and sizes are i32). */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly __heap_base: WebAssembly.Global;
  tn_args(): number;
  tn_api_version(): number;
  tn_unary(op: number, dtIn: number, dtOut: number, nd: number, shape: number, x: number, xs: number, out: number, os: number): number;
  tn_binary(op: number, dtIn: number, dtOut: number, nd: number, shape: number, a: number, as: number, b: number, bs: number, out: number, os: number): number;
  tn_where(dt: number, nd: number, shape: number, c: number, cs: number, a: number, as: number, b: number, bs: number, out: number, os: number): number;
  tn_cast(dtIn: number, dtOut: number, nd: number, shape: number, x: number, xs: number, out: number, os: number): number;
  tn_fill(dt: number, nd: number, shape: number, out: number, os: number, value: number): number;
  tn_reduce(op: number, dtIn: number, dtOut: number, x: number, outer: number, r: number, inner: number, out: number): number;
  tn_matmul_workspace(dt: number, M: number, K: number, N: number): number;
  tn_matmul(dt: number, batch: number, M: number, K: number, N: number, a: number, abs: number, ars: number, acs: number, b: number, bbs: number, brs: number, bcs: number, out: number, ws: number): number;
  tn_gather(dt: number, nd: number, shape: number, dim: number, dimSize: number, x: number, xs: number, index: number, is: number, out: number): number;
  tn_scatter(acc: number, dt: number, nd: number, shape: number, dim: number, dimSize: number, dst: number, ds: number, index: number, is: number, src: number, ss: number): number;
  tn_cumsum(dt: number, x: number, outer: number, n: number, inner: number, out: number): number;
  tn_cumprod(dt: number, x: number, outer: number, n: number, inner: number, out: number): number;
  tn_sort_workspace(n: number): number;
  tn_sort(dt: number, x: number, outer: number, n: number, inner: number, descending: number, values: number, indices: number, ws: number): number;
  tn_softmax_f32(x: number, out: number, outer: number, n: number, inner: number, log: number): number;
  tn_softmax_backward_f32(g: number, y: number, out: number, outer: number, n: number, inner: number, log: number): number;
  tn_adam_f32(param: number, grad: number, expAvg: number, expAvgSq: number, maxExpAvgSq: number, n: number, options: number): number;
}

/** The C API version this TypeScript side was written against (TN_API_VERSION). */
const API_VERSION = 1;

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
