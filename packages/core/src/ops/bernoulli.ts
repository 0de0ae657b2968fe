// bernoulli: PyTorch's torch.bernoulli / Tensor.bernoulli_ on the shared counter-based generator.
//
// The uniforms come from the generator on the host, rounded to the dtype (float32's 24-bit grid is
// exact), and the device computes only u < p: an exact comparison on every backend, so the same
// seed gives the same draws everywhere, and P(u < p) = p to the grid's resolution.
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { fromHostArray, zerosLike } from '../creation.js';
import { isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { defaultGenerator, type Generator } from '../random.js';
import { isTensor, type Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { lt } from './elementwise.js';
import { checkValues } from './indexing.js';
import { checkWritable, copy_ } from './inplace.js';
import { deviceOf } from './util.js';
import { expand } from './view.js';

export interface BernoulliOptions {
  /** The random stream (default: core's default generator). */
  generator?: Generator;
}
const KEYS = ['generator'];

function checkFloat(op: string, t: Tensor): void {
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected a floating point tensor, got ${t.dtype} (shape ${fmtShape(t.shape)})`);
}

function checkP(op: string, p: number | Tensor): void {
  if (typeof p === 'number') {
    if (!(p >= 0 && p <= 1)) throw new ValueError(`${op}: expects p to be in [0, 1], but got p=${p}`);
    return;
  }
  checkValues(p, { min: 0, max: 1, nanFails: true }, (v) => new ValueError(`${op}: Expected p_in >= 0 && p_in <= 1 to be true, but got false (a probability is ${v}, shape ${fmtShape(p.shape)})`));
}

/** 0/1 draws of `like`'s shape, dtype and device with probability p (a number, or a tensor broadcast to the shape). */
function draw(_op: string, like: Tensor, p: number | Tensor, gen: Generator): Tensor {
  const n = like.numel();
  const u = gen.uniform(n, like.dtype === 'float64');
  const host = like.dtype === 'float64' ? u : Float32Array.from(u);
  return tidy(() => {
    const ut = fromHostArray(host, like.shape, like.dtype, like.device);
    const pp = isTensor(p) ? expand(p.detach(), like.shape) : p;
    return castTo(lt(ut, pp), like.dtype);
  });
}

/**
 * Draws 0 or 1 for each element with the element's value as the probability (PyTorch's
 * `torch.bernoulli(input)`), or with a fixed probability `p` (`torch.bernoulli(input, p)`): a tensor
 * of input's shape and dtype. Probabilities outside [0, 1] (or NaN) are a ValueError (at the next
 * readback on an asynchronous device). Its gradient is zero, as PyTorch's.
 */
export function bernoulli(input: Tensor, p?: number | BernoulliOptions, options?: BernoulliOptions): Tensor {
  const op = 'bernoulli';
  const o = checkOptions(op, typeof p === 'object' ? p : options, KEYS) as BernoulliOptions;
  deviceOf(op, input);
  checkFloat(op, input);
  const prob = typeof p === 'number' ? p : input;
  checkP(op, prob);
  const out = noGrad(() => draw(op, input, prob, o.generator ?? defaultGenerator));
  if (needsGrad(input)) record(op, [input], [out], [], (g) => [zerosLike(g)]);
  return out;
}

/** Fills `self` in place with 0/1 draws of probability p (a number, default 0.5, or a tensor broadcast to self's shape). */
export function bernoulli_(self: Tensor, p: number | Tensor = 0.5, options?: BernoulliOptions): Tensor {
  const op = 'bernoulli_';
  const o = checkOptions(op, options, KEYS) as BernoulliOptions;
  checkWritable(op, self);
  checkFloat(op, self);
  if (isTensor(p)) deviceOf(op, self, p);
  checkP(op, p);
  const d = noGrad(() => draw(op, self, p, o.generator ?? defaultGenerator));
  copy_(self, d);
  d.dispose();
  return self;
}
