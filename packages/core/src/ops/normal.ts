// normal: PyTorch's torch.normal (its four forms) and Tensor.normal_ on the shared counter-based
// generator. The standard normals come from the generator on the host, rounded to the dtype, and
// the device computes mean + std * z (two correctly rounded operations on every backend), so the
// same seed gives the same values everywhere.
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { fromHostArray, zerosLike } from '../creation.js';
import { type DType, isFloat, promoteTypes } from '../dtype.js';
import { DTypeError, fmtShape, ValueError } from '../errors.js';
import { tidy } from '../memory.js';
import { checkOptions } from '../options.js';
import { defaultGenerator, type Generator } from '../random.js';
import { broadcastShapes, checkShape } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { add, mul } from './elementwise.js';
import { checkValues } from './indexing.js';
import { checkWritable, copy_ } from './inplace.js';
import { deviceOf } from './util.js';

export interface NormalOptions {
  /** The random stream (default: core's default generator). */
  generator?: Generator;
  /** The dtype of `normal(mean, std, size)` (default float32). */
  dtype?: DType;
  /** The device of `normal(mean, std, size)` (default: the active backend). */
  device?: string;
}
const KEYS = ['generator'];
const SIZE_KEYS = ['generator', 'dtype', 'device'];

function checkStdNumber(op: string, std: number): void {
  if (!(std >= 0)) throw new ValueError(`${op}: normal expects std >= 0.0, but found std ${std}`);
}

function checkStdTensor(op: string, std: Tensor): void {
  checkValues(std, { min: 0, nanFails: true }, (v) => new ValueError(`${op}: normal expects all elements of std >= 0.0 (found ${v}, std shape ${fmtShape(std.shape)})`));
}

function standard(shape: readonly number[], dtype: DType, device: string | undefined, gen: Generator): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const z = gen.normal(n, dtype === 'float64');
  return fromHostArray(dtype === 'float64' ? z : Float32Array.from(z), shape, dtype, device);
}

/**
 * Normal draws (PyTorch's `torch.normal`): `normal(mean, std)` with tensors broadcast together,
 * `normal(meanTensor, stdNumber = 1)`, `normal(meanNumber, stdTensor)`, or
 * `normal(mean, std, size, {dtype, device})` with numbers. A negative or NaN std is a ValueError (at
 * the next readback on an asynchronous device). The gradients with respect to mean and std are
 * zero, as PyTorch's.
 */
export function normal(mean: Tensor | number, std: Tensor | number = 1, size?: readonly number[] | NormalOptions, options?: NormalOptions): Tensor {
  const op = 'normal';
  if (!isTensor(mean) && !isTensor(std)) {
    if (!Array.isArray(size)) throw new ValueError(`${op}: normal(mean, std) with two numbers needs a size: normal(mean, std, size)`);
    const o = checkOptions(op, options, SIZE_KEYS) as NormalOptions;
    if (typeof mean !== 'number' || typeof std !== 'number') throw new ValueError(`${op}: mean and std must be numbers or tensors`);
    checkStdNumber(op, std);
    checkShape(op, size);
    const dtype = o.dtype ?? 'float32';
    if (!isFloat(dtype)) throw new DTypeError(`${op}: expected a floating point dtype, got ${dtype}`);
    return noGrad(() => tidy(() => add(mul(standard(size, dtype, o.device, o.generator ?? defaultGenerator), std), mean)));
  }
  const o = checkOptions(op, Array.isArray(size) ? options : (size as NormalOptions | undefined), KEYS) as NormalOptions;
  if (Array.isArray(size)) throw new ValueError(`${op}: a size is only taken with a number mean and std; with a tensor the shape is the tensor's`);
  const backend = deviceOf(op, mean, std);
  for (const t of [mean, std]) if (isTensor(t) && !isFloat(t.dtype)) throw new DTypeError(`${op}: expected floating point mean and std tensors, got ${t.dtype} (shape ${fmtShape(t.shape)})`);
  if (isTensor(std)) checkStdTensor(op, std);
  else checkStdNumber(op, std);
  const shape = isTensor(mean) && isTensor(std) ? broadcastShapes(op, mean.shape, std.shape) : isTensor(mean) ? mean.shape : (std as Tensor).shape;
  const dtype: DType = isTensor(mean) && isTensor(std) ? promoteTypes(mean.dtype, std.dtype) : isTensor(mean) ? mean.dtype : (std as Tensor).dtype;
  const out = noGrad(() =>
    tidy(() => {
      const z = standard(shape, dtype, backend.name, o.generator ?? defaultGenerator);
      return add(mul(z, isTensor(std) ? std.detach() : std), isTensor(mean) ? mean.detach() : mean);
    }),
  );
  const inputs = [mean, std].filter((t): t is Tensor => isTensor(t));
  if (inputs.some((t) => needsGrad(t))) record(op, inputs, [out], [], () => inputs.map((t) => zerosLike(t)));
  return out;
}

/** Fills `self` in place with draws from N(mean, std^2) (PyTorch's `Tensor.normal_`, defaults 0 and 1). */
export function normal_(self: Tensor, mean = 0, std = 1, options?: NormalOptions): Tensor {
  const op = 'normal_';
  const o = checkOptions(op, options, KEYS) as NormalOptions;
  checkWritable(op, self);
  if (!isFloat(self.dtype)) throw new DTypeError(`${op}: expected a floating point tensor, got ${self.dtype} (shape ${fmtShape(self.shape)})`);
  checkStdNumber(op, std);
  const d = noGrad(() => tidy(() => add(mul(standard(self.shape, self.dtype, self.device, o.generator ?? defaultGenerator), std), mean)));
  copy_(self, d);
  d.dispose();
  return self;
}
