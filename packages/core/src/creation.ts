import { getBackendObject, kernel, traceTransfer } from './backend/registry.js';
import { type DType, type HostArray, arrayFor, assertDType, isFloat } from './dtype.js';
import { DTypeError, ValueError } from './errors.js';
import { checkOptions } from './options.js';
import { defaultGenerator, type Generator } from './random.js';
import { checkShape, contiguousStrides, numel } from './shape.js';
import { emptyOn, type NestedArray, Tensor } from './tensor.js';

export interface TensorOptions {
  dtype?: DType | 'int64';
  device?: string;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

const TENSOR_KEYS = ['dtype', 'device', 'requiresGrad'] as const;
const RANDOM_KEYS = [...TENSOR_KEYS, 'generator'] as const;

type Sizes = (number | readonly number[] | TensorOptions | RandomOptions | undefined)[];

/** Splits PyTorch-style `(2, 3, opts)` or `([2, 3], opts)` arguments. */
function parseSizes<O extends object>(op: string, args: Sizes, keys: readonly string[]): { shape: number[]; opts: O } {
  let opts = {} as O;
  let list = args;
  const last = args[args.length - 1];
  if (last !== undefined && typeof last === 'object' && !Array.isArray(last)) {
    opts = checkOptions(op, last as O, keys);
    list = args.slice(0, -1);
  }
  const shape = (list.length === 1 && Array.isArray(list[0]) ? list[0] : list) as number[];
  return { shape: checkShape(op, shape), opts };
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

function resolveDtype(op: string, dtype: DType | 'int64' | undefined, fallback: DType): DType {
  return dtype === undefined ? fallback : assertDType(dtype, op);
}

/** Uploads host values as a new tensor on a device. */
export function fromHostArray(data: HostArray, shape: readonly number[], dtype: DType, device?: string): Tensor {
  const b = getBackendObject(device);
  if (dtype === 'float64' && !b.supportsFloat64) throw new DTypeError(`device "${b.name}" has no float64 support; use float32`);
  const storage = b.fromHost(data, dtype);
  traceTransfer('upload', b.name, data.byteLength);
  const t = new Tensor(storage, shape, contiguousStrides(shape), 0);
  if (dtype === 'int32') {
    t._host = data;
    t._hostVersion = storage.version;
  }
  return t;
}

function flattenNested(data: NestedArray, op: string): { flat: (number | boolean)[]; shape: number[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const flat: (number | boolean)[] = [];
  const walk = (v: NestedArray, d: number): void => {
    if (d === shape.length) {
      if (Array.isArray(v)) throw new ValueError(`${op}: ragged nested sequence: expected a number at depth ${d}`);
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`${op}: could not convert ${typeof v} to a tensor element`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d])
      throw new ValueError(`${op}: expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : typeof v})`);
    for (const e of v) walk(e, d + 1);
  };
  walk(data, 0);
  return { flat, shape };
}

function toInt32(op: string, values: ArrayLike<number | bigint | boolean>): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const n = typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : Math.trunc(v);
    if (!(n >= -2147483648 && n <= 2147483647))
      throw new ValueError(`${op}: value ${String(v)} cannot be converted to int32 without overflow (int64 data is narrowed to int32)`);
    out[i] = n;
  }
  return out;
}

type TensorData = NestedArray | HostArray | BigInt64Array | Int8Array | Int16Array | Uint16Array | Uint32Array | Uint8ClampedArray;

export interface TensorFromDataOptions extends TensorOptions {
  /** Shape for flat typed-array data (default: 1-D). */
  shape?: readonly number[];
}

/**
 * A tensor from JS data: nested arrays of numbers (float32) or booleans
 * (bool), or a typed array (Float32Array, Float64Array, Int32Array, and
 * BigInt64Array narrowed to int32) with an optional shape.
 */
export function tensor(data: TensorData, options?: TensorFromDataOptions): Tensor {
  const opts = checkOptions('tensor', options, [...TENSOR_KEYS, 'shape']);
  const wantInt64 = opts.dtype === 'int64';
  let shape: number[];
  let inferred: DType;
  let values: ArrayLike<number | bigint | boolean>;
  if (ArrayBuffer.isView(data)) {
    values = data as ArrayLike<number | bigint>;
    shape = opts.shape ? checkShape('tensor', opts.shape) : [values.length];
    inferred = data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : 'int32';
  } else {
    const f = flattenNested(data as NestedArray, 'tensor');
    values = f.flat;
    shape = opts.shape ? checkShape('tensor', opts.shape) : f.shape;
    inferred = f.flat.length > 0 && f.flat.every((v) => typeof v === 'boolean') ? 'bool' : 'float32';
    if (f.flat.some((v) => typeof v === 'boolean') && inferred !== 'bool') throw new ValueError('tensor: cannot mix booleans and numbers');
  }
  if (numel(shape) !== values.length) throw new ValueError(`tensor: shape [${shape.join(', ')}] does not match ${values.length} values`);
  if (data instanceof BigInt64Array) inferred = 'int32';
  const dtype = wantInt64 ? 'int32' : resolveDtype('tensor', opts.dtype, inferred);
  let host: HostArray;
  if (dtype === 'int32') host = toInt32('tensor', values);
  else {
    host = arrayFor(dtype, values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      host[i] = typeof v === 'boolean' ? (v ? 1 : 0) : dtype === 'bool' ? (Number(v) !== 0 ? 1 : 0) : Number(v);
    }
  }
  return finish(fromHostArray(host, shape, dtype, opts.device), opts);
}

/** A tensor of `shape` filled with value (float32 unless value is a boolean or dtype says otherwise). */
export function full(shape: readonly number[], value: number | boolean, options?: TensorOptions): Tensor {
  const opts = checkOptions('full', options, TENSOR_KEYS);
  checkShape('full', shape);
  const dtype = resolveDtype('full', opts.dtype, typeof value === 'boolean' ? 'bool' : 'float32');
  const t = emptyOn(opts.device, shape, dtype);
  kernel('fill', t.storage.backend)(t, typeof value === 'boolean' ? (value ? 1 : 0) : value);
  return finish(t, opts);
}

export function zeros(...args: Sizes): Tensor {
  const { shape, opts } = parseSizes<TensorOptions>('zeros', args, TENSOR_KEYS);
  return full(shape, 0, { ...opts, dtype: resolveDtype('zeros', opts.dtype, 'float32') });
}

export function ones(...args: Sizes): Tensor {
  const { shape, opts } = parseSizes<TensorOptions>('ones', args, TENSOR_KEYS);
  return full(shape, 1, { ...opts, dtype: resolveDtype('ones', opts.dtype, 'float32') });
}

/** Same as zeros: Tensile never hands out uninitialised memory. */
export function empty(...args: Sizes): Tensor {
  const { shape, opts } = parseSizes<TensorOptions>('empty', args, TENSOR_KEYS);
  return full(shape, 0, { ...opts, dtype: resolveDtype('empty', opts.dtype, 'float32') });
}

function likeOpts(t: Tensor, options: TensorOptions | undefined, op: string): TensorOptions {
  const o = checkOptions(op, options, TENSOR_KEYS);
  return { dtype: o.dtype ?? t.dtype, device: o.device ?? t.device, ...(o.requiresGrad ? { requiresGrad: true } : {}) };
}

export const zerosLike = (t: Tensor, options?: TensorOptions) => full(t.shape, 0, likeOpts(t, options, 'zerosLike'));
export const onesLike = (t: Tensor, options?: TensorOptions) => full(t.shape, 1, likeOpts(t, options, 'onesLike'));
export const fullLike = (t: Tensor, value: number | boolean, options?: TensorOptions) => full(t.shape, value, likeOpts(t, options, 'fullLike'));
export const emptyLike = (t: Tensor, options?: TensorOptions) => full(t.shape, 0, likeOpts(t, options, 'emptyLike'));

/** Values from start (inclusive) to end (exclusive) by step; int32 when all arguments are integers. */
export function arange(start: number, end?: number | TensorOptions, step?: number | TensorOptions, options?: TensorOptions): Tensor {
  let s = start;
  let e: number;
  let st = 1;
  let opts: TensorOptions | undefined = options;
  if (typeof end !== 'number') {
    opts = end;
    e = start;
    s = 0;
  } else {
    e = end;
    if (typeof step === 'number') st = step;
    else opts = step;
  }
  const o = checkOptions('arange', opts, TENSOR_KEYS);
  if (st === 0) throw new ValueError('arange: step must be nonzero');
  if (!Number.isFinite(s) || !Number.isFinite(e)) throw new ValueError('arange: unsupported range: start and end must be finite');
  if ((e - s) / st < 0) throw new ValueError(`arange: upper bound and larger bound inconsistent with step sign (start ${s}, end ${e}, step ${st})`);
  const n = Math.max(0, Math.ceil((e - s) / st));
  const dtype = resolveDtype('arange', o.dtype, [s, e, st].every(Number.isInteger) ? 'int32' : 'float32');
  const host = arrayFor(dtype, n);
  for (let i = 0; i < n; i++) host[i] = s + i * st;
  return finish(fromHostArray(host, [n], dtype, o.device), o);
}

/** `steps` evenly spaced values from start to end inclusive. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  const o = checkOptions('linspace', options, TENSOR_KEYS);
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: number of steps must be non-negative, got ${steps}`);
  const dtype = resolveDtype('linspace', o.dtype, 'float32');
  const host = arrayFor(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Symmetric fill from both ends, as PyTorch, so the end point is exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) host[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  // One step is the start, as PyTorch.
  if (steps === 1) host[0] = start;
  return finish(fromHostArray(host, [steps], dtype, o.device), o);
}

export function eye(n: number, m?: number | TensorOptions, options?: TensorOptions): Tensor {
  const cols = typeof m === 'number' ? m : n;
  const o = checkOptions('eye', typeof m === 'object' ? m : options, TENSOR_KEYS);
  checkShape('eye', [n, cols]);
  const dtype = resolveDtype('eye', o.dtype, 'float32');
  const host = arrayFor(dtype, n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) host[i * cols + i] = 1;
  return finish(fromHostArray(host, [n, cols], dtype, o.device), o);
}

function randomTensor(op: string, args: Sizes, gen: (g: Generator, n: number, f64: boolean) => Float64Array): Tensor {
  const { shape, opts } = parseSizes<RandomOptions>(op, args, RANDOM_KEYS);
  const dtype = resolveDtype(op, opts.dtype, 'float32');
  if (!isFloat(dtype)) throw new DTypeError(`${op}: expected a floating point dtype, got ${dtype}`);
  const n = numel(shape);
  const vals = gen(opts.generator ?? defaultGenerator, n, dtype === 'float64');
  const host = arrayFor(dtype, n);
  host.set(vals);
  return finish(fromHostArray(host, shape, dtype, opts.device), opts);
}

/** Uniform on [0, 1). */
export function rand(...args: Sizes): Tensor {
  return randomTensor('rand', args, (g, n, f64) => g.uniform(n, f64));
}

/** Standard normal. */
export function randn(...args: Sizes): Tensor {
  return randomTensor('randn', args, (g, n, f64) => g.normal(n, f64));
}

export const randLike = (t: Tensor, options?: RandomOptions) => rand(t.shape, { dtype: t.dtype, device: t.device, ...checkOptions('randLike', options, RANDOM_KEYS) });
export const randnLike = (t: Tensor, options?: RandomOptions) => randn(t.shape, { dtype: t.dtype, device: t.device, ...checkOptions('randnLike', options, RANDOM_KEYS) });

/** Integers uniform in [low, high) (int32 by default). */
export function randint(low: number, high: number, shape: readonly number[], options?: RandomOptions): Tensor {
  const o = checkOptions('randint', options, RANDOM_KEYS);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low)
    throw new ValueError(`randint: expected integers with low < high, got low=${low}, high=${high}`);
  checkShape('randint', shape);
  const n = numel(shape);
  const u = (o.generator ?? defaultGenerator).uniform(n, true);
  const dtype = resolveDtype('randint', o.dtype, 'int32');
  const host = arrayFor(dtype, n);
  for (let i = 0; i < n; i++) host[i] = low + Math.floor(u[i]! * (high - low));
  return finish(fromHostArray(host, shape, dtype, o.device), o);
}

/**
 * Integers uniform in [low, high) in a tensor of t's shape, dtype and device (PyTorch's
 * randint_like): `randintLike(t, high)` or `randintLike(t, low, high, options)`.
 */
export function randintLike(t: Tensor, lowOrHigh: number, high?: number | RandomOptions, options?: RandomOptions): Tensor {
  const [low, hi, o] = typeof high === 'number' ? [lowOrHigh, high, options] : [0, lowOrHigh, high];
  const opts = checkOptions('randintLike', o, RANDOM_KEYS);
  return randint(low, hi, t.shape, { dtype: t.dtype, device: t.device, ...opts });
}

/** A random permutation of 0..n-1 (int32). */
export function randperm(n: number, options?: RandomOptions): Tensor {
  const o = checkOptions('randperm', options, RANDOM_KEYS);
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`randperm: n must be a non-negative integer, got ${n}`);
  const u = (o.generator ?? defaultGenerator).uniform(n, true);
  const dtype = resolveDtype('randperm', o.dtype, 'int32');
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    const tmp = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = tmp;
  }
  const host = dtype === 'int32' ? perm : arrayFor(dtype, n);
  if (host !== perm) host.set(perm);
  return finish(fromHostArray(host, [n], dtype, o.device), o);
}

/** A 0-d tensor holding a JS number (float32) or boolean. */
export function scalarTensor(value: number | boolean, options?: TensorOptions): Tensor {
  return full([], value, options);
}
