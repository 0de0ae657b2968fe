// multinomial: PyTorch's torch.multinomial on the shared counter-based generator.
//
// Every draw is an exponential race (PyTorch's own path without replacement, and for one sample):
// category c of a row wins with key p_c / E_c, E_c ~ Exp(1) independent, which picks c with
// probability p_c / sum(p); the k largest keys are k draws without replacement. With replacement
// each sample runs its own race. The exponentials come from the generator on the host (so the
// same seed gives the same numbers everywhere) as w = 1 / E, rounded to the input's dtype, and the
// device computes only p * w (a correctly rounded multiply on every backend, WGSL's included) and a
// stable sort or a first-maximum argmax: the same seed gives the same samples on every backend.
import { fromHostArray } from '../creation.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import { isFloat } from '../dtype.js';
import { noGrad } from '../autograd/grad-mode.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { defaultGenerator, type Generator } from '../random.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { eq, mul } from './elementwise.js';
import { checkValues } from './indexing.js';
import { argmax, sum } from './reduce.js';
import { sort } from './scan.js';
import { deviceOf } from './util.js';
import { contiguous, narrow, reshape, unsqueeze } from './view.js';

export interface MultinomialOptions {
  /** Draw with replacement (default false: each row's samples are distinct categories). */
  replacement?: boolean;
  /** The random stream (default: core's default generator). */
  generator?: Generator;
}

const OPTION_KEYS = ['replacement', 'generator'];
const MAX_CATEGORIES = 2 ** 24;
const FLOAT32_MAX = 3.4028234663852886e38;

/** Half a step of the generator's 53-bit grid: u + HALF lies in (0, 1), so E = -log(u + HALF) > 0. */
const HALF = 2 ** -54;

/**
 * `numSamples` category indices per row of `input` ([C] or [R, C] non-negative weights, not
 * necessarily summing to 1), drawn with probability proportional to the weights: int32, [numSamples]
 * or [R, numSamples]. Without replacement (the default) a row's samples are distinct, so
 * numSamples may not exceed C. Errors as PyTorch's: a negative, NaN or infinite weight or a row of
 * zeros is a ValueError (at the next readback on an asynchronous device).
 */
export function multinomial(input: Tensor, numSamples: number, options?: MultinomialOptions | boolean): Tensor {
  const op = 'multinomial';
  const o = checkOptions(op, typeof options === 'boolean' ? { replacement: options } : options, OPTION_KEYS) as MultinomialOptions;
  const replacement = o.replacement ?? false;
  if (typeof replacement !== 'boolean') throw new ValueError(`${op}: replacement must be a boolean, got ${String(replacement)}`);
  const gen = o.generator ?? defaultGenerator;
  deviceOf(op, input);
  const device = input.device;
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: multinomial only supports floating-point dtypes for input, got: ${input.dtype}`);
  if (input.ndim !== 1 && input.ndim !== 2) throw new ShapeError(`${op}: prob_dist must be 1 or 2 dim, got shape ${fmtShape(input.shape)}`);
  if (!Number.isInteger(numSamples)) throw new ValueError(`${op}: numSamples must be an integer, got ${numSamples}`);
  if (numSamples <= 0) throw new ValueError(`${op}: cannot sample n_sample <= 0 samples (numSamples ${numSamples})`);
  const C = input.shape[input.ndim - 1]!;
  const R = input.ndim === 2 ? input.shape[0]! : 1;
  if (!replacement && numSamples > C)
    throw new ValueError(`${op}: cannot sample n_sample > prob_dist.size(-1) samples without replacement (numSamples ${numSamples}, ${C} categories)`);
  if (C > MAX_CATEGORIES) throw new ValueError(`${op}: number of categories cannot exceed 2^24, got ${C}`);
  const outShape = input.ndim === 2 ? [R, numSamples] : [numSamples];
  // PyTorch words its checks by path: one message for the race (no replacement, or one sample), two for the others.
  const race = !replacement || numSamples === 1;
  // Bounds a device can hold in the input's dtype (a float32 device would read Number.MAX_VALUE as infinity).
  const finiteMax = input.dtype === 'float64' ? Number.MAX_VALUE : FLOAT32_MAX;
  checkValues(input, { min: 0, max: finiteMax, nanFails: true }, (v) =>
    new ValueError(
      race
        ? `${op}: probability tensor contains either \`inf\`, \`nan\` or element < 0 (got ${v})`
        : v < 0
          ? `${op}: invalid multinomial distribution (encountering probability entry < 0) (got ${v})`
          : `${op}: invalid multinomial distribution (encountering probability entry = infinity or NaN) (got ${v})`,
    ));
  if (R === 0) return fromHostArray(new Int32Array(0), outShape, 'int32', device);
  return noGrad(() =>
    tidy(() => {
      const rows = input.ndim === 2 ? input.detach() : reshape(input.detach(), [1, C]);
      const sums = sum(rows, 1);
      // sums >= 0 once the weights pass; a zero sum is flagged as exactly 1 in a 0/1 tensor (a bound like
      // Number.MIN_VALUE would round to 0 on a float32 device, and WGSL may flush subnormals).
      checkValues(castTo(eq(sums, 0), 'float32'), { max: 0.5, nanFails: false }, () => new ValueError(`${op}: invalid multinomial distribution (sum of probabilities <= 0)`));
      const S = race ? 1 : numSamples;
      const n = R * S * C;
      const u = gen.uniform(n, true);
      const w = input.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) w[i] = 1 / -Math.log(u[i]! + HALF);
      let picked: Tensor;
      if (race && numSamples > 1) {
        const keys = mul(rows, fromHostArray(w, [R, C], input.dtype, device));
        const [, order] = sort(keys, 1, true);
        picked = contiguous(narrow(order, 1, 0, numSamples));
      } else if (!race) {
        const keys = mul(unsqueeze(rows, 1), fromHostArray(w, [R, S, C], input.dtype, device));
        picked = argmax(keys, 2);
      } else {
        picked = argmax(mul(rows, fromHostArray(w, [R, C], input.dtype, device)), 1, true);
      }
      return input.ndim === 2 ? picked : reshape(picked, [numSamples]);
    }),
  );
}
