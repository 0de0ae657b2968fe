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
const U64_MAX = 2n ** 64n - 1n;

function fail(what: string): never {
  throw new ValueError(`safetensors: ${what}`);
}

/** obj[key] = value as an own property, even for a key such as "__proto__" (a tensor may have any name). */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A JSON number written with a fraction or an exponent. The reference
 * implementation (serde_json) refuses one where it wants an integer, so a
 * size or offset like 16.0 is as wrong as 16.5; keeping it apart makes every
 * integer check fail on it.
 */
class JsonFraction {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** serde_json's recursion limit: deeper nesting is refused, not a stack overflow. */
const MAX_DEPTH = 128;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Strict JSON (RFC 8259) for the header. Unlike JSON.parse it refuses
 * duplicate keys (the format disallows them, and a parser that keeps the
 * last one would let two readers see different tensors in the same file),
 * lone UTF-16 surrogates in \u escapes (no Unicode text holds them), and
 * nesting past MAX_DEPTH.
 */
function parseJson(text: string): unknown {
  let i = 0;
  const bad = (what: string): never => fail(`the header is not valid JSON (${what} at character ${i})`);
  const space = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else return;
    }
  };
  const hex4 = (): number => {
    const h = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) bad('a \\u escape needs four hex digits');
    i += 4;
    return parseInt(h, 16);
  };
  const string = (): string => {
    i++; // the opening quote
    let out = '';
    let from = i;
    for (;;) {
      if (i >= text.length) bad('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(from, i);
        i++;
        return out;
      }
      if (c < 0x20) bad('unescaped control character in a string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(from, i);
      const e = text[i + 1];
      i += 2;
      if (e === 'u') {
        const u = hex4();
        if (u >= 0xdc00 && u <= 0xdfff) bad('a \\u escape is a lone low surrogate');
        if (u >= 0xd800 && u <= 0xdbff) {
          if (text.slice(i, i + 2) !== '\\u') bad('a \\u escape is a lone high surrogate');
          i += 2;
          const lo = hex4();
          if (lo < 0xdc00 || lo > 0xdfff) bad('a \\u escape is a lone high surrogate');
          out += String.fromCharCode(u, lo);
        } else out += String.fromCharCode(u);
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) out += ESCAPES[e];
      else bad(`invalid escape \\${e ?? ''}`);
      from = i;
    }
  };
  const value = (depth: number, where: string): unknown => {
    if (depth > MAX_DEPTH) bad(`nesting deeper than ${MAX_DEPTH}`);
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      space();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        space();
        if (text[i] !== '"') bad('expected a string key');
        const key = string();
        if (seen.has(key)) fail(`${where} has the key ${JSON.stringify(key)} twice (duplicate keys are not allowed)`);
        seen.add(key);
        space();
        if (text[i] !== ':') bad("expected ':'");
        i++;
        setOwn(obj, key, value(depth + 1, depth === 0 ? (key === '__metadata__' ? '__metadata__' : `tensor ${JSON.stringify(key)}`) : `${where}.${key}`));
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return obj;
        } else bad("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1, where));
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return arr;
        } else bad("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const)
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return bad(i >= text.length ? 'unexpected end' : `unexpected ${JSON.stringify(text[i])}`);
    i += m[0].length;
    return m[1] !== undefined || m[2] !== undefined ? new JsonFraction(m[0]) : Number(m[0]);
  };
  const v = value(0, 'the header');
  space();
  if (i < text.length) bad('trailing characters after the header object (it may only be padded with spaces)');
  return v;
}

/** A header value as the file wrote it (numbers with a fraction keep their text). */
function show(v: unknown): string {
  if (v instanceof JsonFraction) return v.text;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return JSON.stringify(v) ?? String(v);
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
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) fail(`header length ${n64} is larger than the 100 MB limit`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the file (${bytes.length} bytes, so at most ${bytes.length - 8})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('the header is not valid UTF-8');
  }
  // The format: the header MUST begin with '{' (no BOM, no leading space) and MAY be padded at the end with spaces.
  if (text[0] !== '{') fail(`the header must begin with '{', found ${text.length === 0 ? 'an empty header' : JSON.stringify(text.slice(0, 8))}`);
  const header = parseJson(text);
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header must be a JSON object');
  let metadata: Record<string, string> | null = null;
  const slots: Slot[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info)) fail('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(info as Record<string, unknown>))
        if (typeof v !== 'string') fail(`__metadata__ value for ${JSON.stringify(k)} must be a string, got ${show(v)}`);
      metadata = info as Record<string, string>;
      continue;
    }
    const at = `tensor ${JSON.stringify(name)}`;
    if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`${at}: entry must be an object {dtype, shape, data_offsets}`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    for (const [k, v] of [['dtype', dtype], ['shape', shape], ['data_offsets', offsets]] as const) if (v === undefined) fail(`${at}: the entry has no ${k} (it needs dtype, shape and data_offsets)`);
    if (typeof dtype !== 'string') fail(`${at}: dtype must be a string`);
    if (UNSUPPORTED.includes(dtype)) fail(`${at}: dtype ${dtype} is not supported by Tensile (it reads ${Object.keys(SIZES).join(', ')})`);
    if (!Object.hasOwn(SIZES, dtype)) fail(`${at}: unknown dtype ${JSON.stringify(dtype)}; safetensors dtypes Tensile reads are ${Object.keys(SIZES).join(', ')}`);
    if (!Array.isArray(shape) || !shape.every(isNonNegInt)) fail(`${at}: shape must be a list of non-negative integers, got ${show(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt) || offsets[0] > offsets[1])
      fail(`${at}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${show(offsets)}`);
    const d = dtype as SafetensorsDType;
    // The byte count in exact integers, refused once it overflows 64 bits as the reference implementation's checked product is.
    let bytes = BigInt(SIZES[d]);
    for (const dim of shape as number[]) {
      bytes *= BigInt(dim);
      if (bytes > U64_MAX) fail(`${at}: shape [${(shape as number[]).join(', ')}] of ${d} holds more bytes than a 64-bit size can count`);
    }
    const [begin, end] = offsets as [number, number];
    if (BigInt(end - begin) !== bytes)
      fail(`${at}: ${d} with shape [${(shape as number[]).join(', ')}] needs ${bytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
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
    setOwn(tensors, s.name, { dtype: s.dtype, shape: s.shape, data: decodeValues(s.name, s.dtype, bytes.subarray(dataStart + s.begin, dataStart + s.end)) });
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
    if (!Object.hasOwn(WRITE_ORDER, t.dtype)) fail(`tensor ${JSON.stringify(name)}: cannot write dtype ${JSON.stringify(t.dtype)}; writable ones are ${Object.keys(WRITE_ORDER).join(', ')}`);
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
