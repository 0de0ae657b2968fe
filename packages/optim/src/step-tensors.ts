import { checkWritable, deviceOfList, DTypeError, fmtShape, isFloat, ShapeError, shapesEqual, type Tensor } from '@tensile/core';

/**
 * The checks every fused optimizer step makes before any state changes: the
 * updated tensors are writable, all share a device, are floating point and
 * have the param's shape. Returns the device's backend and whether a fused
 * kernel may take them (every tensor contiguous float32).
 */
export function checkStepTensors(
  op: string,
  param: Tensor,
  all: readonly Tensor[],
  updated: readonly Tensor[],
): { backend: ReturnType<typeof deviceOfList>; fusable: boolean } {
  for (const t of updated) checkWritable(op, t);
  const backend = deviceOfList(op, all);
  for (const t of all) {
    if (!isFloat(t.dtype)) throw new DTypeError(`${op}: expected floating point tensors, got ${t.dtype}`);
    if (!shapesEqual(t.shape, param.shape))
      throw new ShapeError(`${op}: every tensor must have the param's shape ${fmtShape(param.shape)}, got ${fmtShape(t.shape)}`);
  }
  return { backend, fusable: all.every((t) => t.dtype === 'float32' && t.isContiguous()) };
}
