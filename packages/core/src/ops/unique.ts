// unique: PyTorch's torch.unique, the output size decided by the values. The input is read back
// once (asynchronously in the portable form; uniqueSync where the backend reads synchronously), the
// answer computed on the host in float64 (exact for every dtype) and uploaded.
import { fromHostArray } from '../creation.js';
import { arrayFor, type HostArray } from '../dtype.js';
import { ValueError, fmtShape } from '../errors.js';
import { checkOptions } from '../options.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { deviceOf } from './util.js';

export interface UniqueOptions {
  /** Ascending order (default true). PyTorch leaves the order of sorted: false unspecified; Tensile sorts either way. */
  sorted?: boolean;
  /** Also return, for each input element (or slice along dim), the index of its value in the output. */
  returnInverse?: boolean;
  /** Also return how many times each output value (or slice) occurs. */
  returnCounts?: boolean;
  /** Unique slices along this dim instead of unique elements of the flattened input. */
  dim?: number | null;
}
const KEYS = ['sorted', 'returnInverse', 'returnCounts', 'dim'];

/** Ascending, NaN last; NaN never equals NaN, so each NaN is its own value (as PyTorch's sort-based unique). */
function cmp(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
const same = (a: number, b: number) => a === b;

function uniqueFrom(op: string, input: Tensor, v: HostArray, o: UniqueOptions): Tensor | Tensor[] {
  const device = input.device;
  const dim = o.dim === undefined || o.dim === null ? null : normalizeDim(op, o.dim, input.ndim);
  const shape = input.shape;
  // Slices along dim (or single elements): slice k is the values at index k of dim, in row-major order.
  const n = dim === null ? v.length : shape[dim]!;
  const inner = dim === null ? 1 : shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const outer = dim === null ? 1 : shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const len = dim === null ? 1 : outer * inner;
  const slice = (k: number): number[] => {
    if (dim === null) return [Number(v[k])];
    const s = new Array<number>(len);
    for (let a = 0; a < outer; a++) for (let b = 0; b < inner; b++) s[a * inner + b] = Number(v[(a * n + k) * inner + b]);
    return s;
  };
  const slices = Array.from({ length: n }, (_, k) => slice(k));
  const order = slices.map((_, k) => k);
  const lex = (x: number[], y: number[]) => {
    for (let i = 0; i < x.length; i++) {
      const c = cmp(x[i]!, y[i]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  order.sort((a, b) => lex(slices[a]!, slices[b]!) || a - b);
  const groupOf = new Int32Array(n);
  const firsts: number[] = [];
  const counts: number[] = [];
  for (let r = 0; r < n; r++) {
    const k = order[r]!;
    const prev = r > 0 ? slices[order[r - 1]!]! : null;
    const cur = slices[k]!;
    if (prev === null || !prev.every((x, i) => same(x, cur[i]!))) {
      firsts.push(k);
      counts.push(0);
    }
    groupOf[k] = firsts.length - 1;
    counts[counts.length - 1]!++;
  }
  const u = firsts.length;
  let values: Tensor;
  if (dim === null) {
    const host = arrayFor(input.dtype, u);
    firsts.forEach((k, i) => (host[i] = Number(v[k])));
    values = fromHostArray(host, [u], input.dtype, device);
  } else {
    const outShape = shape.slice();
    outShape[dim] = u;
    const host = arrayFor(input.dtype, outer * u * inner);
    firsts.forEach((k, j) => {
      for (let a = 0; a < outer; a++) for (let b = 0; b < inner; b++) host[(a * u + j) * inner + b] = Number(v[(a * n + k) * inner + b]);
    });
    values = fromHostArray(host, outShape, input.dtype, device);
  }
  if (!o.returnInverse && !o.returnCounts) return values;
  const out: Tensor[] = [values];
  if (o.returnInverse) out.push(fromHostArray(groupOf, dim === null ? shape.slice() : [n], 'int32', device));
  if (o.returnCounts) out.push(fromHostArray(Int32Array.from(counts), [u], 'int32', device));
  return out;
}

function start(op: string, input: Tensor, options: UniqueOptions | undefined): UniqueOptions {
  const o = checkOptions(op, options, KEYS) as UniqueOptions;
  deviceOf(op, input);
  for (const k of ['sorted', 'returnInverse', 'returnCounts'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ValueError(`${op}: ${k} must be a boolean, got ${String(o[k])}`);
  if (o.dim !== undefined && o.dim !== null) {
    normalizeDim(op, o.dim, input.ndim);
    if (input.ndim === 0) throw new ValueError(`${op}: dim given for a 0-d input (shape ${fmtShape(input.shape)})`);
  }
  return o;
}

/**
 * The unique elements of input (PyTorch's torch.unique), ascending: a 1-d tensor, or with `dim` the
 * unique slices along dim (compared lexicographically). With returnInverse and/or returnCounts an
 * array [values, inverse?, counts?] (int32), as PyTorch's tuple. Each NaN counts as its own value.
 * Not differentiable. Async: the number of unique values decides the shape.
 */
export async function unique(input: Tensor, options?: UniqueOptions): Promise<Tensor | Tensor[]> {
  const o = start('unique', input, options);
  return uniqueFrom('unique', input, await input.data(), o);
}

/** unique on backends that read synchronously (cpu, wasm, native). */
export function uniqueSync(input: Tensor, options?: UniqueOptions): Tensor | Tensor[] {
  const o = start('uniqueSync', input, options);
  return uniqueFrom('uniqueSync', input, input.dataSync(), o);
}
