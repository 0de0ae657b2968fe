import { add, checkOptions, deviceOf, fmtShape, fromHostArray, indexSelect, keep, mul, noGrad, reshape, requireFloat, ShapeError, type Tensor, tidy, ValueError } from '@tensile/core';

/**
 * PyTorch 1.13's F.interpolate for the modes nearest, linear and bilinear,
 * composed of one indexSelect per resized dim (nearest) or two and a
 * weighted sum (linear, separable per dim), with host-computed index and
 * weight tables that follow PyTorch's CPU kernels exactly: with scaleFactor
 * given (and recomputeScaleFactor not true) the source index uses
 * 1 / scaleFactor, otherwise in / out.
 */
export type InterpolateMode = 'nearest' | 'linear' | 'bilinear';

export interface InterpolateOptions {
  /** Output spatial size: one int for every dim, or one per spatial dim. Exactly one of size and scaleFactor. */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size (output = floor(input * scaleFactor)). */
  scaleFactor?: number | readonly number[] | null;
  /** 'nearest' (default; 3-d, 4-d or 5-d input), 'linear' (3-d input), 'bilinear' (4-d input). */
  mode?: InterpolateMode;
  /** linear / bilinear only: align the corner pixels' centres (source = dst * (in - 1) / (out - 1)); default false. */
  alignCorners?: boolean | null;
  /** Compute the output size from scaleFactor, then interpolate as if that size had been given (default: use scaleFactor itself). */
  recomputeScaleFactor?: boolean | null;
}

const MODES: readonly string[] = ['nearest', 'linear', 'bilinear'];

/** PyTorch's compute_scales_value: 1 / scale when a positive scale was given, else in / out. */
function scaleValue(scale: number | null, input: number, output: number): number {
  return scale !== null && scale > 0 ? 1 / scale : input / output;
}

const tables = new Map<string, Tensor[]>();

function cached(key: string, make: () => Tensor[]): Tensor[] {
  const hit = tables.get(key);
  if (hit !== undefined && !hit[0]!.isDisposed) return hit;
  const t = noGrad(() => make().map((x) => keep(x)));
  tables.set(key, t);
  return t;
}

/** int32 [out]: nearest_idx of PyTorch's UpSample.h, in float32 arithmetic as there. */
function nearestTable(input: number, output: number, scale: number | null, device: string): Tensor {
  return cached(`nearest|${device}|${input}|${output}|${scale}`, () => {
    const idx = new Int32Array(output);
    const s = Math.fround(scaleValue(scale, input, output));
    for (let j = 0; j < output; j++) idx[j] = output === 2 * input ? j >> 1 : Math.min(Math.floor(Math.fround(j * s)), input - 1);
    return [fromHostArray(idx, [output], 'int32', device)];
  })[0]!;
}

/** [index0, index1, lambda0, lambda1] of PyTorch's compute_source_index_and_lambda. */
function linearTables(input: number, output: number, scale: number | null, alignCorners: boolean, device: string, dtype: Tensor['dtype']): Tensor[] {
  return cached(`linear|${device}|${dtype}|${input}|${output}|${scale}|${alignCorners}`, () => {
    const i0 = new Int32Array(output);
    const i1 = new Int32Array(output);
    const l0 = new Float64Array(output);
    const l1 = new Float64Array(output);
    const ratio = alignCorners ? (output > 1 ? (input - 1) / (output - 1) : 0) : scaleValue(scale, input, output);
    for (let j = 0; j < output; j++) {
      const real = alignCorners ? ratio * j : Math.max(ratio * (j + 0.5) - 0.5, 0);
      const a = Math.trunc(real);
      i0[j] = a;
      i1[j] = a + (a < input - 1 ? 1 : 0);
      l1[j] = Math.min(Math.max(real - a, 0), 1);
      l0[j] = 1 - l1[j]!;
    }
    const w = (v: Float64Array) => fromHostArray(dtype === 'float64' ? v : Float32Array.from(v), [output], dtype, device);
    return [fromHostArray(i0, [output], 'int32', device), fromHostArray(i1, [output], 'int32', device), w(l0), w(l1)];
  });
}

function perDim(op: string, name: string, v: number | readonly number[], d: number, what: string): number[] {
  if (typeof v === 'number') return new Array<number>(d).fill(v);
  if (!Array.isArray(v)) throw new ValueError(`${op}: ${name} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
  if (v.length !== d)
    throw new ValueError(
      `${op}: Input and ${what} must have the same number of spatial dimensions, but got input with spatial dimensions of ${d} and ${what} of ${JSON.stringify(v)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and ${what} in (o1, o2, ...,oK) format.`,
    );
  return v.slice();
}

/** The implementation of F.interpolate, under the name of the op or layer that called it. */
export function interpolateAs(op: string, input: Tensor, options: InterpolateOptions): Tensor {
  const o = checkOptions(op, options, ['size', 'scaleFactor', 'mode', 'alignCorners', 'recomputeScaleFactor']);
  deviceOf(op, input);
  const mode = o.mode ?? 'nearest';
  if (!MODES.includes(mode)) throw new ValueError(`${op}: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  let alignCorners = false;
  if (mode === 'nearest') {
    if (o.alignCorners !== undefined && o.alignCorners !== null)
      throw new ValueError(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`);
  } else alignCorners = o.alignCorners ?? false;
  const d = input.ndim - 2;
  const size = o.size ?? null;
  const scaleFactor = o.scaleFactor ?? null;
  if (size !== null && scaleFactor !== null) throw new ValueError(`${op}: only one of size or scaleFactor should be defined`);
  if (size === null && scaleFactor === null) throw new ValueError(`${op}: either size or scaleFactor should be defined`);
  let out: number[] | null = size === null ? null : perDim(op, 'size', size, d, 'output size');
  let scales: (number | null)[] = scaleFactor === null ? new Array<number | null>(Math.max(d, 0)).fill(null) : perDim(op, 'scaleFactor', scaleFactor, d, 'scale_factor');
  if (o.recomputeScaleFactor === true && size !== null) throw new ValueError(`${op}: recompute_scale_factor is not meaningful with an explicit size.`);
  if (mode === 'linear' && input.ndim !== 3) throw new ShapeError(`${op}: Got ${input.ndim}D input of shape ${fmtShape(input.shape)}, but linear mode needs 3D input`);
  if (mode === 'bilinear' && input.ndim !== 4) throw new ShapeError(`${op}: Got ${input.ndim}D input of shape ${fmtShape(input.shape)}, but bilinear mode needs 4D input`);
  if (input.ndim < 3 || input.ndim > 5)
    throw new ShapeError(`${op}: Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D, shape ${fmtShape(input.shape)}) for the modes: nearest | linear | bilinear (got ${mode})`);
  if (out?.some((v) => !Number.isInteger(v))) throw new ValueError(`${op}: size must be integers, got ${JSON.stringify(size)}`);
  const spatial = input.shape.slice(2);
  if (out === null) {
    if (scales.some((s) => typeof s !== 'number' || !Number.isFinite(s))) throw new ValueError(`${op}: scaleFactor must be finite numbers, got ${JSON.stringify(scaleFactor)}`);
    out = spatial.map((s, i) => Math.floor(s * scales[i]!));
    if (o.recomputeScaleFactor === true) scales = scales.map(() => null);
  }
  const names = d === 1 ? ['W'] : d === 2 ? ['H', 'W'] : ['D', 'H', 'W'];
  if (spatial.some((s) => s <= 0) || out.some((s) => s <= 0))
    throw new ShapeError(
      `${op}: Input and output sizes should be greater than 0, but got input (${spatial.map((s, i) => `${names[i]}: ${s}`).join(', ')}) and output (${out.map((s, i) => `${names[i]}: ${s}`).join(', ')})`,
    );
  requireFloat(op, input);
  const outSize = out;
  return tidy(() => {
    let y = input;
    for (let i = 0; i < d; i++) {
      const dim = 2 + i;
      const n = spatial[i]!;
      const m = outSize[i]!;
      if (n === m) continue; // PyTorch's kernels copy a dim whose size does not change
      if (mode === 'nearest') y = indexSelect(y, dim, nearestTable(n, m, scales[i]!, input.device));
      else {
        const [i0, i1, l0, l1] = linearTables(n, m, scales[i]!, alignCorners, input.device, input.dtype);
        const w = (t: Tensor) => reshape(t, [m, ...spatial.slice(i + 1).map(() => 1)]);
        y = add(mul(indexSelect(y, dim, i0!), w(l0!)), mul(indexSelect(y, dim, i1!), w(l1!)));
      }
    }
    return y === input ? input.contiguous() : y;
  });
}

/**
 * Resizes the spatial dims of (N, C, ...) input (PyTorch 1.13's
 * F.interpolate) to `size`, or by `scaleFactor`, with nearest-neighbour,
 * linear (3-d input) or bilinear (4-d input) interpolation.
 *
 * ```ts
 * F.interpolate(img, { scaleFactor: 2, mode: 'bilinear', alignCorners: false });
 * F.interpolate(seq, { size: 10 });  // nearest, (N, C, L) -> (N, C, 10)
 * ```
 */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor {
  return interpolateAs('interpolate', input, options);
}
