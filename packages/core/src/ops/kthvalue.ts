import { fromHostArray } from '../creation.js';
import { DTypeError, IndexError, ValueError, fmtShape } from '../errors.js';
import type { HostArray } from '../dtype.js';
import { tidy } from '../memory.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { gather, hostIndices } from './indexing.js';
import { type ValuesIndices, valuesIndices } from './reduce.js';
import { reshape, squeeze } from './view.js';
import { deviceOf } from './util.js';

/** PyTorch's ordering for selection: NaN is larger than everything else. */
function gtOrNan(a: number, b: number): boolean {
  return (Number.isNaN(a) && !Number.isNaN(b)) || a > b;
}

/**
 * The position (in the line) of the k-th smallest of vals (k from 0), chosen as PyTorch 1.13's CPU
 * quickselect chooses it (median-of-three pivot, Hoare partition), so that among tied values the
 * index is the one PyTorch returns: a stable sort would pick a different tied entry.
 */
function quickselect(vals: number[], k: number): number {
  const a = vals;
  const ix = a.map((_, i) => i);
  const swap = (p: number, q: number) => {
    [a[p], a[q]] = [a[q]!, a[p]!];
    [ix[p], ix[q]] = [ix[q]!, ix[p]!];
  };
  let L = 0;
  let R = a.length - 1;
  for (;;) {
    if (R <= L) break;
    if (R === L + 1) {
      if (gtOrNan(a[L]!, a[R]!)) swap(L, R);
      break;
    }
    swap(L + ((R - L) >> 1), L + 1);
    if (gtOrNan(a[L + 1]!, a[R]!)) swap(L + 1, R);
    if (gtOrNan(a[L]!, a[R]!)) swap(L, R);
    if (gtOrNan(a[L + 1]!, a[L]!)) swap(L + 1, L);
    let i = L + 1;
    let j = R;
    const piv = a[L]!;
    for (;;) {
      do i++;
      while (gtOrNan(piv, a[i]!));
      do j--;
      while (gtOrNan(a[j]!, piv));
      if (j < i) break;
      swap(i, j);
    }
    swap(L, j);
    if (j <= k) L = i;
    if (j >= k) R = j - 1;
  }
  return ix[k]!;
}

/** The selected index of every line along dim d of the row-major host values, shaped with d of size 1. */
function selectIndices(data: HostArray, shape: readonly number[], d: number, k: number): Int32Array {
  const n = shape[d]!;
  const inner = shape.slice(d + 1).reduce((p, s) => p * s, 1);
  const outer = shape.slice(0, d).reduce((p, s) => p * s, 1);
  const out = new Int32Array(outer * inner);
  const line: number[] = new Array(n);
  for (let o = 0; o < outer; o++)
    for (let q = 0; q < inner; q++) {
      for (let t = 0; t < n; t++) line[t] = Number(data[(o * n + t) * inner + q]!);
      out[o * inner + q] = quickselect(line, k - 1);
    }
  return out;
}

/** PyTorch's checks, in its order; the dim, normalized. */
function check(x: Tensor, k: number, dim: number): number {
  deviceOf('kthvalue', x);
  if (x.dtype === 'bool') throw new DTypeError(`kthvalue: not implemented for bool tensors (shape ${fmtShape(x.shape)})`);
  const d = normalizeDim('kthvalue', dim, Math.max(x.ndim, 1));
  const n = x.ndim === 0 ? 1 : x.shape[d]!;
  if (n === 0) throw new IndexError(`kthvalue: Expected reduction dim ${d} to have non-zero size; input has shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new IndexError(
      `kthvalue: selected number k out of range for dimension ${d}: k = ${String(k)}, but the input of shape ${fmtShape(x.shape)} has ${n} entries there (expected 1 <= k <= ${n})`,
    );
  return d;
}

/** The values gathered at the host-selected indices (the gather carries the gradient). */
function select(x: Tensor, data: HostArray, k: number, d: number, keepdim: boolean): ValuesIndices {
  if (x.ndim === 0)
    return tidy(() => {
      const [v, i] = select(reshape(x, [1]), data, k, 0, false);
      return valuesIndices(reshape(v, []), reshape(i, []));
    });
  const keptShape = x.shape.map((s, i) => (i === d ? 1 : s));
  return tidy(() => {
    const index = fromHostArray(selectIndices(data, x.shape, d, k), keptShape, 'int32', x.device);
    const values = gather(x, d, index);
    return keepdim ? valuesIndices(values, index) : valuesIndices(squeeze(values, d), squeeze(index, d));
  });
}

/**
 * PyTorch's kthvalue: (values, indices) of the k-th smallest element (k from 1) along dim, NaN
 * counting as the largest. Among ties the index is the one PyTorch's CPU quickselect lands on,
 * found by running that algorithm on the host, so every backend gives the same index; the values are
 * gathered at it, so the gradient flows to that index (and double backward works through gather).
 * The host needs the input's values at once: cpu, wasm and native (synchronous readback); elsewhere
 * use kthvalueAsync.
 */
export function kthvalue(x: Tensor, k: number, dim = -1, keepdim = false): ValuesIndices {
  const d = check(x, k, dim);
  const data = hostIndices(x);
  if (data === null)
    throw new ValueError(
      `kthvalue: the selected index (PyTorch's quickselect) is found on the host, and device "${x.device}" reads the input of shape ${fmtShape(x.shape)} asynchronously; use await kthvalueAsync(x, k, dim, keepdim)`,
    );
  return select(x, data, k, d, keepdim);
}

/** kthvalue on any device: the input is read back asynchronously for the host quickselect. */
export async function kthvalueAsync(x: Tensor, k: number, dim = -1, keepdim = false): Promise<ValuesIndices> {
  const d = check(x, k, dim);
  const data = hostIndices(x) ?? (await x.data());
  return select(x, data, k, d, keepdim);
}
