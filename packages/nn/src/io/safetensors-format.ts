// The safetensors byte format (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}
// (padded with spaces), then the tensors' little-endian row-major bytes.
// This file knows bytes and host arrays only; ../safetensors.ts makes tensors.
import { ValueError } from '@tensile/core';

/** The safetensors dtypes Tensile reads. */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'U8' | 'BOOL';
/** The ones it writes (its own dtypes float64, float32, int32 and bool). */
export type WritableDType = 'F64' | 'F32' | 'I32' | 'BOOL';

/** A tensor's values in the host array of the Tensile dtype it loads as. */
export type HostValues = Float64Array | Float32Array | Int32Array | Uint8Array;

export interface SafetensorsEntry {
  dtype: SafetensorsDType;
  shape: number[];
  /**
   * Values, flat row-major: F64 as Float64Array; F32, F16 and BF16 as
   * Float32Array (exact: both halves are subsets of float32); I64, I32 and U8
   * as Int32Array (I64 range-checked); BOOL as Uint8Array of 0 and 1.
   */
  data: HostValues;
}

export interface DecodedSafetensors {
  /** The `__metadata__` string map, or null when the file has none. */
  metadata: Record<string, string> | null;
  tensors: Record<string, SafetensorsEntry>;
}

const SIZES: Record<SafetensorsDType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, U8: 1, BOOL: 1 };
// Dtypes of the format that Tensile has no way to hold; named so their error differs from a misspelt one.
const UNSUPPORTED = ['I8', 'I16', 'U16', 'U32', 'U64', 'F8_E4M3', 'F8_E5M2'];
/** The reference writer's order of dtypes (its alignment order, reversed). */
const WRITE_ORDER: Record<WritableDType, number> = { F64: 0, F32: 1, I32: 2, BOOL: 3 };
const WRITE_ARRAY: Record<WritableDType, new (n: number) => HostValues> = { F64: Float64Array, F32: Float32Array, I32: Int32Array, BOOL: Uint8Array };
/** The reference implementation refuses headers above 100 MB. */
const MAX_HEADER = 100_000_000;

function fail(what: string): never {
  throw new ValueError(`safetensors: ${what}`);
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function asBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return fail(`expected an ArrayBuffer or a typed array / Buffer of the file's bytes, got ${data === null ? 'null' : typeof data}`);
}

interface Slot {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** Parses and checks the whole header; throws a ValueError naming the first problem. */
function parseHeader(bytes: Uint8Array): { metadata: Record<string, string> | null; slots: Slot[]; dataStart: number } {
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 4294967296 + lo;
  if (n > MAX_HEADER) fail(`header length ${n} is larger than the 100 MB limit`);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the file (${bytes.length} bytes, so at most ${bytes.length - 8})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header must be a JSON object');
  let metadata: Record<string, string> | null = null;
  const slots: Slot[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info)) fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info as Record<string, unknown>))
        if (typeof v !== 'string') fail(`__metadata__ value for ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`);
      metadata = info as Record<string, string>;
      continue;
    }
    const at = `tensor ${JSON.stringify(name)}`;
    if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`${at}: entry must be an object {dtype, shape, data_offsets}`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string') fail(`${at}: dtype must be a string`);
    if (UNSUPPORTED.includes(dtype)) fail(`${at}: dtype ${dtype} is not supported by Tensile (it reads ${Object.keys(SIZES).join(', ')})`);
    if (!Object.prototype.hasOwnProperty.call(SIZES, dtype)) fail(`${at}: unknown dtype ${JSON.stringify(dtype)}; safetensors dtypes Tensile reads are ${Object.keys(SIZES).join(', ')}`);
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) fail(`${at}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt) || offsets[0] > offsets[1])
      fail(`${at}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
    const d = dtype as SafetensorsDType;
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * SIZES[d])
      fail(`${at}: ${d} with shape [${(shape as number[]).join(', ')}] needs ${count * SIZES[d]} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
    slots.push({ name, dtype: d, shape: shape as number[], begin, end });
  }
  const dataStart = 8 + n;
  const size = bytes.length - dataStart;
  // Sorted by offset, the tensors must tile the byte buffer exactly: no gap, overlap, overrun or trailing bytes.
  const sorted = [...slots].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const s of sorted) {
    if (s.end > size) fail(`tensor ${JSON.stringify(s.name)}: data_offsets [${s.begin}, ${s.end}] run past the end of the ${size}-byte buffer (truncated file?)`);
    if (s.begin < pos) fail(`tensor ${JSON.stringify(s.name)}: data_offsets [${s.begin}, ${s.end}] overlap the previous tensor, which ends at ${pos}`);
    if (s.begin > pos) fail(`tensor ${JSON.stringify(s.name)}: data_offsets [${s.begin}, ${s.end}] leave a gap after byte ${pos}`);
    pos = s.end;
  }
  if (pos !== size) fail(`the byte buffer holds ${size} bytes but the tensors cover ${pos}`);
  return { metadata, slots, dataStart };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function decodeValues(name: string, dtype: SafetensorsDType, raw: Uint8Array): HostValues {
  const n = raw.length / SIZES[dtype];
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  // A copy into a fresh buffer is aligned for the typed array, and owned by the result.
  const copy = () => raw.slice().buffer;
  switch (dtype) {
    case 'F64':
      if (LITTLE_ENDIAN) return new Float64Array(copy());
      return Float64Array.from({ length: n }, (_, i) => v.getFloat64(8 * i, true));
    case 'F32':
      if (LITTLE_ENDIAN) return new Float32Array(copy());
      return Float32Array.from({ length: n }, (_, i) => v.getFloat32(4 * i, true));
    case 'I32':
      if (LITTLE_ENDIAN) return new Int32Array(copy());
      return Int32Array.from({ length: n }, (_, i) => v.getInt32(4 * i, true));
    case 'F16':
      return Float32Array.from({ length: n }, (_, i) => halfToFloat(v.getUint16(2 * i, true)));
    case 'BF16': {
      // bfloat16 is the top half of a float32's bits.
      const out = new Float32Array(n);
      const bits = new DataView(out.buffer);
      for (let i = 0; i < n; i++) bits.setUint32(4 * i, v.getUint16(2 * i, true) << 16, LITTLE_ENDIAN);
      return out;
    }
    case 'I64': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const x = v.getBigInt64(8 * i, true);
        if (x < -2147483648n || x > 2147483647n) fail(`tensor ${JSON.stringify(name)}: I64 value ${x} at element ${i} does not fit in int32 (Tensile holds integers as int32)`);
        out[i] = Number(x);
      }
      return out;
    }
    case 'U8':
      return Int32Array.from(raw);
    case 'BOOL':
      return Uint8Array.from(raw, (b) => (b !== 0 ? 1 : 0));
  }
}

/**
 * Checks the whole file, then decodes every tensor to host values. Any
 * problem (truncated data, bad header, overlapping or out-of-range offsets,
 * shapes that disagree with offsets, unknown dtypes, I64 values outside
 * int32) throws a ValueError before anything is returned.
 */
export function decodeSafetensors(data: ArrayBuffer | ArrayBufferView): DecodedSafetensors {
  const bytes = asBytes(data);
  const { metadata, slots, dataStart } = parseHeader(bytes);
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const s of slots)
    tensors[s.name] = { dtype: s.dtype, shape: s.shape, data: decodeValues(s.name, s.dtype, bytes.subarray(dataStart + s.begin, dataStart + s.end)) };
  return { metadata, tensors };
}

export interface EncodeEntry {
  dtype: WritableDType;
  shape: readonly number[];
  data: HostValues;
}

/**
 * The safetensors bytes of host tensors, laid out as the reference writer
 * does: __metadata__ first, tensors by descending dtype size then name,
 * header padded with spaces to a multiple of 8.
 */
export function encodeSafetensors(tensors: Record<string, EncodeEntry>, metadata: Record<string, string> | null = null): Uint8Array {
  if (metadata !== null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) fail('metadata must be an object of strings');
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') fail(`metadata value for ${JSON.stringify(k)} must be a string, got ${typeof v}`);
  }
  const names = Object.keys(tensors);
  if (names.includes('__metadata__')) fail('a tensor cannot be named __metadata__');
  for (const name of names) {
    const t = tensors[name]!;
    if (!Object.prototype.hasOwnProperty.call(WRITE_ORDER, t.dtype)) fail(`tensor ${JSON.stringify(name)}: cannot write dtype ${JSON.stringify(t.dtype)}; writable ones are ${Object.keys(WRITE_ORDER).join(', ')}`);
    if (!(t.data instanceof WRITE_ARRAY[t.dtype])) fail(`tensor ${JSON.stringify(name)}: ${t.dtype} data must be a ${WRITE_ARRAY[t.dtype].name}`);
    if (t.data.length !== t.shape.reduce((a, b) => a * b, 1)) fail(`tensor ${JSON.stringify(name)}: ${t.data.length} values do not fill shape [${t.shape.join(', ')}]`);
  }
  names.sort((a, b) => WRITE_ORDER[tensors[a]!.dtype] - WRITE_ORDER[tensors[b]!.dtype] || (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== null) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const bytes = t.data.length * SIZES[t.dtype];
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % 4294967296, true);
  view.setUint32(4, Math.floor(n / 4294967296), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let pos = 8 + n;
  for (const name of names) {
    const t = tensors[name]!;
    const size = SIZES[t.dtype];
    if (LITTLE_ENDIAN || size === 1) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.length * size), pos);
    else
      for (let i = 0; i < t.data.length; i++) {
        const at = pos + i * size;
        if (t.dtype === 'F64') view.setFloat64(at, t.data[i]!, true);
        else if (t.dtype === 'F32') view.setFloat32(at, t.data[i]!, true);
        else view.setInt32(at, t.data[i]!, true);
      }
    pos += t.data.length * size;
  }
  return out;
}
