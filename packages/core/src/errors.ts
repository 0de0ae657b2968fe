/**
 * Exported error classes mirror PyTorch's Python error types, so code that
 * ports `except IndexError` keeps its meaning. PyTorch's RuntimeError is split
 * by cause into ShapeError, DTypeError and DeviceError.
 */
export class TensileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that cannot be combined, broadcast, reshaped or multiplied. */
export class ShapeError extends TensileError {}
/** A dtype the operation does not accept. */
export class DTypeError extends TensileError {}
/** Tensors on different devices, or a device that is missing or not ready. */
export class DeviceError extends TensileError {}
/** An index, class index or dimension outside its range. */
export class IndexError extends TensileError {}
/** An invalid argument or option value, or an unknown option key. */
export class ValueError extends TensileError {}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
