import {
  IndexError,
  ShapeError,
  type Tensor,
  ValueError,
  broadcastShapes,
  checkOptions,
  fmtShape,
  hostIndices,
  isTensor,
  requireFloat,
  requireIndex,
  shapesEqual,
} from '@tensile/core';

/** Checks the options object (unknown keys are a ValueError listing the valid ones). */
export function lossOptions<T extends object>(op: string, options: T | undefined, keys: readonly string[]): Partial<T> {
  return checkOptions(op, options, keys) as Partial<T>;
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

/** A number option, with a default. */
export function numberOption(op: string, value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ValueError(`${op}: expected ${name} to be a number, got ${String(value)}`);
  return value;
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
