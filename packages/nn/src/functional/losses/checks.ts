import {
  DTypeError,
  type FloatDType,
  IndexError,
  ShapeError,
  type Tensor,
  ValueError,
  broadcastShapes,
  checkOptions,
  fmtShape,
  hostIndices,
  isFloat,
  isTensor,
  requireFloat,
  requireIndex,
  shapesEqual,
} from '@tensile/core';

/** Checks the options object (unknown keys are a ValueError listing the valid ones). */
export function lossOptions<T extends object>(op: string, options: T | undefined, keys: readonly string[]): Partial<T> {
  return checkOptions(op, options, keys) as Partial<T>;
}

/** A loss's option keys, in the order its defaults list them (the order error messages name them in). */
export function optionKeys<D extends object>(defaults: D): readonly (keyof D & string)[] {
  return Object.freeze(Object.keys(defaults)) as readonly (keyof D & string)[];
}

/** A tensor argument, as plain JS callers can pass anything. */
export function requireTensor(op: string, x: unknown, name: string): asserts x is Tensor {
  if (!isTensor(x)) throw new ValueError(`${op}: expected ${name} to be a Tensor, got ${x === null ? 'null' : typeof x}`);
  x._live(op);
}

/** A floating-point tensor argument. */
export function floatArg(op: string, x: unknown, name: string): Tensor {
  requireTensor(op, x, name);
  requireFloat(op, x, name);
  return x;
}

/**
 * A tensor argument that PyTorch promotes to float when it is not one:
 * integer (and, unless `bool: false`, bool) targets and inputs of the
 * elementwise losses, +-1 labels of the margin losses.
 */
export function numericArg(op: string, x: unknown, name: string, options: { bool?: boolean } = {}): Tensor {
  requireTensor(op, x, name);
  if (x.dtype === 'bool' && options.bool === false)
    throw new DTypeError(`${op}: expected ${name} to be a floating point or integer tensor, got bool of shape ${fmtShape(x.shape)}`);
  return x;
}

/** The float dtype a loss computes in: the widest float dtype of its tensor arguments, float32 when none is float. */
export function floatDtypeOf(...ts: readonly (Tensor | null)[]): FloatDType {
  let d: FloatDType | null = null;
  for (const t of ts) if (t !== null && isFloat(t.dtype) && (d === null || t.dtype === 'float64')) d = t.dtype;
  return d ?? 'float32';
}

/** At least one of the arguments is float (PyTorch has no integer version of these losses). */
export function requireSomeFloat(op: string, ts: readonly Tensor[], names: readonly string[], when = ''): void {
  if (!ts.some((t) => isFloat(t.dtype)))
    throw new DTypeError(
      `${op}: expected ${names.join(' or ')} to be a floating point tensor${when ? ` ${when}` : ''}, got ${ts.map((t) => `${t.dtype} of shape ${fmtShape(t.shape)}`).join(' and ')}`,
    );
}

/** x as a float tensor: x itself when it is float (so its gradient flows), else a converted copy (call inside a tidy). */
export function asFloat(x: Tensor, dtype: FloatDType): Tensor {
  return isFloat(x.dtype) ? x : x.to(dtype);
}

/** An int32 class-index tensor (a float tensor gets a DTypeError that suggests {dtype: 'int32'}). */
export function indexArg(op: string, x: unknown, name = 'target'): Tensor {
  requireTensor(op, x, name);
  requireIndex(op, x, name);
  return x;
}

/** An optional tensor-valued option (weight, posWeight); null and undefined mean absent. */
export function optionalFloat(op: string, x: unknown, name: string): Tensor | null {
  if (x === undefined || x === null) return null;
  return floatArg(op, x, name);
}

/** A number option, with a default; NaN only where PyTorch takes it (`nan: true`: a margin, which makes the loss NaN). */
export function numberOption(op: string, value: unknown, name: string, fallback: number, options: { nan?: boolean } = {}): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || (Number.isNaN(value) && options.nan !== true)) throw new ValueError(`${op}: expected ${name} to be a number, got ${String(value)}`);
  return value;
}

/** An optional tensor-valued option that PyTorch promotes when it is integer (BCE's weight, posWeight); null and undefined mean absent. */
export function optionalNumeric(op: string, x: unknown, name: string): Tensor | null {
  if (x === undefined || x === null) return null;
  return numericArg(op, x, name);
}

/** A boolean option, with a default. */
export function boolOption(op: string, value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${op}: expected ${name} to be a boolean, got ${String(value)}`);
  return value;
}

/** The broadcast shape of the given tensors, or a ShapeError that names the loss. */
export function broadcastAll(op: string, ...ts: Tensor[]): number[] {
  let shape = ts[0]!.shape as number[];
  for (let i = 1; i < ts.length; i++) shape = broadcastShapes(op, shape, ts[i]!.shape);
  return shape;
}

/** Target and input of exactly the same shape (BCE's rule; a ValueError, as PyTorch raises). */
export function requireSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape))
    throw new ValueError(
      `${op}: using a target size ${fmtShape(target.shape)} that is different to the input size ${fmtShape(input.shape)} is not supported; please ensure they have the same size`,
    );
}

/** A weight that must broadcast to the input's shape without growing it. */
export function requireBroadcastsTo(op: string, t: Tensor, shape: readonly number[], name: string): void {
  const b = broadcastShapes(op, t.shape, shape);
  if (!shapesEqual(b, shape))
    throw new ShapeError(`${op}: ${name} of shape ${fmtShape(t.shape)} cannot be broadcast to the input's shape ${fmtShape(shape)}`);
}

/** A per-class weight: a 1-D tensor with one entry per class. */
export function requireClassWeight(op: string, weight: Tensor | null, classes: number): void {
  if (weight !== null && (weight.ndim !== 1 || weight.shape[0] !== classes))
    throw new ShapeError(
      `${op}: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${fmtShape(weight.shape)}`,
    );
}

/** IndexError unless every class index is in [0, classes) or equal to ignoreIndex. */
export function checkClassIndices(op: string, target: Tensor, classes: number, ignoreIndex: number | null = null): void {
  const v = hostIndices(target);
  if (v === null) return;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if ((c < 0 || c >= classes) && c !== ignoreIndex)
      throw new IndexError(`${op}: Target ${c} is out of bounds: class indices must be in [0, ${classes})${ignoreIndex === null ? '' : ` or equal ignoreIndex (${ignoreIndex})`}`);
  }
}
