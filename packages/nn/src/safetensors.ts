// Saving and loading tensors (a module's stateDict) as safetensors, the format
// PyTorch users exchange weights in. Bytes in and out work everywhere
// (ArrayBuffer in the browser); the *File functions use Node's fs.
import { checkOptions, type DType, dispose, DTypeError, fromHostArray, isTensor, type Tensor, ValueError } from '@tensile/core';
import type { StateDict } from './module.js';
import { decodeSafetensors, encodeSafetensors, type EncodeEntry, type HostValues, type WritableDType } from './io/safetensors-format.js';

export {
  decodeSafetensors,
  encodeSafetensors,
  type DecodedSafetensors,
  type EncodeEntry,
  type SafetensorsDType,
  type SafetensorsEntry,
  type WritableDType,
} from './io/safetensors-format.js';

const TENSILE_DTYPE: Record<string, DType> = { F64: 'float64', F32: 'float32', F16: 'float32', BF16: 'float32', I64: 'int32', I32: 'int32', U8: 'int32', BOOL: 'bool' };
const FILE_DTYPE: Record<DType, WritableDType> = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' };

export interface LoadSafetensorsOptions {
  /** The device the tensors are created on (default: the active backend). */
  device?: string;
  /**
   * 'float32' converts F64 tensors to float32 (for a device without float64,
   * such as WebGPU, as `model.to(...)` of a float64 checkpoint would need).
   * Default: F64 stays float64, and a device without float64 refuses the file.
   */
  floatDtype?: 'float32';
}

/**
 * Tensors from safetensors bytes, by name: F64 as float64; F32, F16 and BF16
 * as float32; I64 (range-checked), I32 and U8 as int32; BOOL as bool. The
 * whole file is checked first: a malformed one throws a ValueError and
 * nothing is created. Pass the result to `module.loadStateDict(...)`.
 */
export function loadSafetensors(data: ArrayBuffer | ArrayBufferView, options?: LoadSafetensorsOptions): StateDict {
  const o = checkOptions('loadSafetensors', options, ['device', 'floatDtype']);
  if (o.floatDtype !== undefined && o.floatDtype !== 'float32') throw new ValueError(`loadSafetensors: floatDtype must be 'float32', got ${String(o.floatDtype)}`);
  return toTensors(decodeSafetensors(data).tensors, o.device, o.floatDtype);
}

function toTensors(entries: ReturnType<typeof decodeSafetensors>['tensors'], device: string | undefined, floatDtype: 'float32' | undefined): StateDict {
  const out: StateDict = {};
  try {
    for (const [name, e] of Object.entries(entries)) {
      const dtype = TENSILE_DTYPE[e.dtype]!;
      const t =
        floatDtype === 'float32' && dtype === 'float64'
          ? fromHostArray(Float32Array.from(e.data as Float64Array), e.shape, 'float32', device)
          : fromHostArray(e.data, e.shape, dtype, device);
      // An own property whatever the name ("__proto__" included), as the decoder's.
      Object.defineProperty(out, name, { value: t, enumerable: true, writable: true, configurable: true });
    }
  } catch (err) {
    // All or nothing: a device refusing one tensor (float64 on WebGPU) leaves none behind.
    dispose(out);
    throw err;
  }
  return out;
}

export interface SaveSafetensorsOptions {
  /** Stored as the file's __metadata__ (string values only). */
  metadata?: Record<string, string> | null;
}

function checkTensors(op: string, tensors: Record<string, Tensor>): [string, Tensor][] {
  if (tensors === null || typeof tensors !== 'object') throw new ValueError(`${op}: expected an object of tensors by name (a stateDict), got ${tensors === null ? 'null' : typeof tensors}`);
  const list = Object.entries(tensors);
  for (const [name, t] of list) {
    if (!isTensor(t)) throw new ValueError(`${op}: value for ${JSON.stringify(name)} is not a tensor`);
    t._live(op);
    if (!(t.dtype in FILE_DTYPE)) throw new DTypeError(`${op}: cannot save ${JSON.stringify(name)} of dtype ${t.dtype}`);
  }
  return list;
}

function encode(list: [string, Tensor][], values: HostValues[], metadata: Record<string, string> | null | undefined): Uint8Array {
  const entries: Record<string, EncodeEntry> = {};
  list.forEach(([name, t], i) => {
    entries[name] = { dtype: FILE_DTYPE[t.dtype], shape: t.shape, data: values[i]! };
  });
  return encodeSafetensors(entries, metadata ?? null);
}

/**
 * The safetensors bytes of tensors by name (a stateDict: float32 as F32,
 * float64 as F64, int32 as I32, bool as BOOL). Async because reading a GPU
 * tensor back is; on cpu, wasm and native `saveSafetensorsSync` also works.
 */
export async function saveSafetensors(tensors: Record<string, Tensor>, options?: SaveSafetensorsOptions): Promise<Uint8Array> {
  const o = checkOptions('saveSafetensors', options, ['metadata']);
  const list = checkTensors('saveSafetensors', tensors);
  const values = await Promise.all(list.map(([, t]) => t.data()));
  return encode(list, values, o.metadata);
}

/** saveSafetensors for backends that read back synchronously (cpu, wasm, native). */
export function saveSafetensorsSync(tensors: Record<string, Tensor>, options?: SaveSafetensorsOptions): Uint8Array {
  const o = checkOptions('saveSafetensorsSync', options, ['metadata']);
  const list = checkTensors('saveSafetensorsSync', tensors);
  return encode(list, list.map(([, t]) => t.dataSync()), o.metadata);
}

interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

async function nodeFs(op: string): Promise<NodeFs> {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.versions?.node === undefined)
    throw new ValueError(`${op}: files need Node's fs; in a browser, fetch the bytes and call loadSafetensors(arrayBuffer) / saveSafetensors(tensors)`);
  const fromBuiltin = proc.getBuiltinModule?.('node:fs/promises') as NodeFs | undefined;
  if (fromBuiltin !== undefined) return fromBuiltin;
  // Older Node: a specifier in a variable keeps browser bundlers from resolving it.
  const specifier = 'node:fs/promises';
  return (await import(/* @vite-ignore */ specifier)) as NodeFs;
}

/** Reads a .safetensors file (Node) into tensors by name; see loadSafetensors. */
export async function loadSafetensorsFile(path: string, options?: LoadSafetensorsOptions): Promise<StateDict> {
  const o = checkOptions('loadSafetensorsFile', options, ['device', 'floatDtype']);
  const bytes = await (await nodeFs('loadSafetensorsFile')).readFile(path);
  return loadSafetensors(bytes, o);
}

/** Writes tensors by name (a stateDict) to a .safetensors file (Node); see saveSafetensors. */
export async function saveSafetensorsFile(path: string, tensors: Record<string, Tensor>, options?: SaveSafetensorsOptions): Promise<void> {
  const bytes = await saveSafetensors(tensors, options);
  await (await nodeFs('saveSafetensorsFile')).writeFile(path, bytes);
}
