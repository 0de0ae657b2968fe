import { checkOptions, deviceOf, DTypeError, fmtShape, fromHostArray, indexSelect, keep, noGrad, padSpatial, ShapeError, type Tensor, tidy, ValueError } from '@tensile/core';

/**
 * PyTorch's F.pad: `pad` lists (before, after) pairs starting from the last
 * dim. Constant mode is core's padSpatial (negative padding crops, any
 * number of dims); reflect and replicate gather each padded dim with a host
 * index table (indexSelect), so their gradients are index_add's sums and
 * every backend runs them.
 */
export type PadMode = 'constant' | 'reflect' | 'replicate';

export interface PadOptions {
  /** One of 'constant' (default), 'reflect', 'replicate'. */
  mode?: PadMode;
  /** The fill value of constant mode (default 0). */
  value?: number;
}

const MODES: readonly string[] = ['constant', 'reflect', 'replicate'];

/**
 * The source position of every output position of one padded dim of size n
 * (n + before + after of them; a negative before / after crops, as PyTorch's
 * reflection and replication pads): reflect mirrors without repeating the
 * edge, replicate repeats it, circular wraps around.
 */
export function padIndices(mode: 'reflect' | 'replicate' | 'circular', n: number, before: number, after: number): Int32Array {
  const index = new Int32Array(n + before + after);
  for (let j = 0; j < index.length; j++) {
    const s = j - before;
    index[j] = mode === 'replicate' ? Math.min(Math.max(s, 0), n - 1) : mode === 'circular' ? ((s % n) + n) % n : s < 0 ? -s : s >= n ? 2 * (n - 1) - s : s;
  }
  return index;
}

const tables = new Map<string, Tensor>();

function padTable(mode: 'reflect' | 'replicate', n: number, before: number, after: number, device: string): Tensor {
  const key = `${device}|${mode}|${n}|${before}|${after}`;
  const hit = tables.get(key);
  if (hit !== undefined && !hit.isDisposed) return hit;
  const t = keep(noGrad(() => fromHostArray(padIndices(mode, n, before, after), [n + before + after], 'int32', device)));
  tables.set(key, t);
  return t;
}

/** The implementation of F.pad, under the name of the op or layer that called it. */
export function padAs(op: string, input: Tensor, pad: readonly number[], mode: PadMode = 'constant', value?: number): Tensor {
  deviceOf(op, input);
  if (!Array.isArray(pad) || pad.some((p) => !Number.isInteger(p))) throw new ValueError(`${op}: pad must be a list of integers, got ${JSON.stringify(pad)}`);
  if (!MODES.includes(mode)) throw new ValueError(`${op}: Unrecognised padding mode ${String(mode)}; expected one of ${MODES.join(', ')}`);
  if (pad.length % 2 !== 0) throw new ValueError(`${op}: Padding length must be divisible by 2, got ${pad.length} values for input of shape ${fmtShape(input.shape)}`);
  const d = pad.length / 2;
  if (d > input.ndim) throw new ValueError(`${op}: Padding length too large: ${pad.length} values pad ${d} dims of an input of shape ${fmtShape(input.shape)}`);
  // pad[2k], pad[2k + 1] pad dim -1 - k.
  const before = Array.from({ length: d }, (_, i) => pad[2 * (d - 1 - i)]!);
  const after = Array.from({ length: d }, (_, i) => pad[2 * (d - 1 - i) + 1]!);
  const lead = input.ndim - d;
  if (mode === 'constant') {
    input.shape.slice(lead).forEach((s, i) => {
      if (s + before[i]! + after[i]! < 0)
        throw new ShapeError(
          `${op}: The input size ${s}, plus negative padding ${before[i]} and ${after[i]} resulted in a negative output size, which is invalid. Check dimension ${lead + i} of your input of shape ${fmtShape(input.shape)}`,
        );
    });
    if (value !== undefined && value !== 0 && input.dtype !== 'float32' && input.dtype !== 'float64' && !Number.isInteger(value))
      throw new DTypeError(`${op}: value ${value} cannot be written into a ${input.dtype} tensor`);
    return tidy(() => (before.every((b) => b === 0) && after.every((a) => a === 0) ? input.contiguous() : padSpatial(input, before, after, value ?? 0)));
  }
  if (value !== undefined && value !== 0) throw new ValueError(`${op}: Padding mode "${mode}" doesn't take in value argument`);
  if (d < 1 || d > 3 || (input.ndim !== d + 1 && input.ndim !== d + 2))
    throw new ShapeError(
      `${op}: Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now: ${mode} padding of ${d} dims needs a ${d + 1}-d or ${d + 2}-d input, got shape ${fmtShape(input.shape)}`,
    );
  if (input.dtype !== 'float32' && input.dtype !== 'float64') throw new DTypeError(`${op}: ${mode} padding is not implemented for ${input.dtype} input (shape ${fmtShape(input.shape)})`);
  const spatial = input.shape.slice(lead);
  // As PyTorch: the leading (batch, channel) dims may be empty, the padded ones not.
  if (spatial.some((s) => s === 0) || (input.ndim === d + 2 && input.shape[1] === 0))
    throw new ShapeError(`${op}: Expected ${d + 1}D or ${d + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${fmtShape(input.shape)}`);
  spatial.forEach((s, i) => {
    if (mode === 'reflect' && (before[i]! >= s || after[i]! >= s))
      throw new ValueError(
        `${op}: Argument #${4 + 2 * (d - 1 - i)}: Padding size should be less than the corresponding input dimension, but got: padding (${before[i]}, ${after[i]}) at dimension ${lead + i} of input ${fmtShape(input.shape)}`,
      );
    if (s + before[i]! + after[i]! < 1)
      throw new ShapeError(`${op}: input (${spatial.join(', ')}) is too small for padding (${pad.join(', ')}): the output size of dimension ${lead + i} would be ${s + before[i]! + after[i]!}`);
  });
  return tidy(() => {
    let y = input;
    for (let i = 0; i < d; i++) {
      if (before[i] === 0 && after[i] === 0) continue;
      y = indexSelect(y, lead + i, padTable(mode, spatial[i]!, before[i]!, after[i]!, input.device));
    }
    return y === input ? input.contiguous() : y;
  });
}

/**
 * Pads `input` (PyTorch's F.pad): `pad` is [left, right] for the last dim,
 * then [top, bottom] for the one before, and so on. Constant mode pads any
 * number of dims with `value` and crops where padding is negative; reflect
 * (mirror without repeating the edge; padding < the dim's size) and replicate
 * (repeat the edge) pad the last 1, 2 or 3 dims of a batched or unbatched input.
 *
 * ```ts
 * F.pad(x, [1, 2]);                       // last dim: 1 zero before, 2 after
 * F.pad(img, [1, 1, 2, 2], { mode: 'reflect' }); // W by 1, H by 2 on each side
 * ```
 */
export function pad(input: Tensor, pad: readonly number[], options: PadMode | PadOptions = {}): Tensor {
  const o = typeof options === 'string' ? { mode: options } : options;
  checkOptions('pad', o, ['mode', 'value']);
  return padAs('pad', input, pad, o.mode ?? 'constant', o.value);
}
