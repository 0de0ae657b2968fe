import {
  argmax,
  checkOptions,
  deviceOf,
  expand,
  fmtShape,
  fromHostArray,
  gather,
  keep,
  narrow,
  noGrad,
  reshape,
  requireFloat,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
  where,
} from '@tensile/core';

/**
 * Adaptive max pooling (PyTorch's F.adaptive_max_pool1d / 2d), composed of
 * one gather of every window (host index tables: window i of a dim covers
 * [floor(i * in / out), ceil((i + 1) * in / out))), an argmax and a gather
 * of the winners, so the gradient reaches each window's first maximum in
 * row-major order (a NaN is a maximum) on every backend.
 */

interface Windows {
  /** int32 [L * K]: the flat input-plane position each window slot reads. */
  index: Tensor;
  /** bool [L, K], true for a slot inside its window, or null when every window is full. */
  mask: Tensor | null;
  k: number;
}

const tables = new Map<string, Windows>();

function windows(spatial: readonly number[], out: readonly number[], device: string): Windows {
  const key = `${device}|${spatial}|${out}`;
  const hit = tables.get(key);
  if (hit !== undefined && !hit.index.isDisposed) return hit;
  const d = spatial.length;
  const axes = spatial.map((size, i) => {
    const o = out[i]!;
    const starts = Array.from({ length: o }, (_, j) => Math.floor((j * size) / o));
    const lens = starts.map((s, j) => Math.ceil(((j + 1) * size) / o) - s);
    return { starts, lens, k: Math.max(...lens) };
  });
  const ks = axes.map((a) => a.k);
  const K = ks.reduce((a, b) => a * b, 1);
  const L = out.reduce((a, b) => a * b, 1);
  const index = new Int32Array(L * K);
  const mask = new Uint8Array(L * K);
  let ragged = false;
  const oc = new Array<number>(d);
  const kc = new Array<number>(d);
  for (let l = 0; l < L; l++) {
    let r = l;
    for (let i = d - 1; i >= 0; i--) {
      oc[i] = r % out[i]!;
      r = Math.floor(r / out[i]!);
    }
    for (let k = 0; k < K; k++) {
      let q = k;
      for (let i = d - 1; i >= 0; i--) {
        kc[i] = q % ks[i]!;
        q = Math.floor(q / ks[i]!);
      }
      let pos = 0;
      let inside = true;
      for (let i = 0; i < d; i++) {
        const a = axes[i]!;
        const len = a.lens[oc[i]!]!;
        if (kc[i]! >= len) inside = false;
        // A slot past its window repeats the window's last element (and is masked off).
        pos = pos * spatial[i]! + a.starts[oc[i]!]! + Math.min(kc[i]!, len - 1);
      }
      index[l * K + k] = pos;
      mask[l * K + k] = inside ? 1 : 0;
      if (!inside) ragged = true;
    }
  }
  const w = noGrad(() => ({
    index: keep(fromHostArray(index, [L * K], 'int32', device)),
    mask: ragged ? keep(fromHostArray(mask, [L, K], 'bool', device)) : null,
    k: K,
  }));
  tables.set(key, w);
  return w;
}

export interface AdaptiveMaxPoolOptions {
  /** Also return the flat position (h * W + w) of each maximum in its input plane. */
  returnIndices?: boolean;
}

function adaptiveMaxPoolNd(op: string, d: number, input: Tensor, outputSize: number | readonly (number | null)[], options: AdaptiveMaxPoolOptions | undefined): Tensor | [Tensor, Tensor] {
  const returnIndices = checkOptions(op, options, ['returnIndices']).returnIndices ?? false;
  deviceOf(op, input);
  if (input.ndim !== d + 1 && input.ndim !== d + 2) throw new ShapeError(`${op}: Expected ${d + 1}D or ${d + 2}D tensor, but got input of size ${fmtShape(input.shape)}`);
  requireFloat(op, input);
  const sizes = typeof outputSize === 'number' ? new Array<number | null>(d).fill(outputSize) : outputSize.slice();
  if (sizes.length !== d) throw new ValueError(`${op}: outputSize must be an integer or a list of ${d} (integers or null), got ${JSON.stringify(outputSize)}`);
  const spatial = input.shape.slice(input.ndim - d);
  const out = sizes.map((v, i) => (v === null ? spatial[i]! : v));
  if (out.some((v) => !Number.isInteger(v) || v < 0)) throw new ValueError(`${op}: elements of outputSize must be greater than or equal to 0, got ${JSON.stringify(outputSize)}`);
  input.shape.forEach((s, i) => {
    if (i >= 1 && s === 0)
      throw new ShapeError(`${op}: Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(input.shape)} with dimension ${i} being empty`);
  });
  const lead = input.shape.slice(0, input.ndim - d);
  const result = tidy(() => {
    if (out.some((v) => v === 0) || input.numel() === 0) {
      // An empty output, still attached to the input's graph.
      let y = input;
      spatial.forEach((s, i) => {
        if (s > out[i]!) y = narrow(y, lead.length + i, 0, out[i]!);
      });
      const values = reshape(y.contiguous(), [...lead, ...out]);
      return returnIndices ? [values, noGrad(() => fromHostArray(new Int32Array(values.numel()), values.shape, 'int32', input.device))] : [values];
    }
    const w = windows(spatial, out, input.device);
    const M = lead.reduce((a, b) => a * b, 1);
    const P = spatial.reduce((a, b) => a * b, 1);
    const L = out.reduce((a, b) => a * b, 1);
    const flat = reshape(input, [M, P]);
    let vals = reshape(gather(flat, 1, expand(reshape(w.index, [1, L * w.k]), [M, L * w.k])), [M, L, w.k]);
    if (w.mask !== null) vals = where(w.mask, vals, -Infinity);
    const best = argmax(vals, 2, true); // [M, L, 1]: the first maximum of each window
    const values = reshape(gather(vals, 2, best), [...lead, ...out]);
    if (!returnIndices) return [values];
    const positions = expand(reshape(w.index, [1, L, w.k]), [M, L, w.k]);
    return [values, reshape(gather(positions, 2, best), [...lead, ...out])];
  });
  return returnIndices ? [result[0]!, result[1]!] : result[0]!;
}

/** Adaptive max pooling over (N, C, L) or (C, L) to a fixed output length (PyTorch's F.adaptive_max_pool1d). */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptiveMaxPool1d', 1, input, outputSize, options);
}

/**
 * Adaptive max pooling over (N, C, H, W) or (C, H, W) to a fixed output size
 * (null keeps that input size) (PyTorch's F.adaptive_max_pool2d); with
 * returnIndices, also each maximum's flat position h * W + w.
 *
 * ```ts
 * const [values, indices] = F.adaptiveMaxPool2d(x, [2, 3], { returnIndices: true });
 * ```
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMaxPoolNd('adaptiveMaxPool2d', 2, input, outputSize, options);
}
