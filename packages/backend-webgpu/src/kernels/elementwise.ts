import { type BinaryOp, collapseDims, type DType, DeviceError, type KernelSignatures, numel, type TensorView, type UnaryOp } from '@tensile/core';
import { grid, Meta, type WebGPUBackend } from '../backend.js';
import { binaryExpr, convertExpr, elementwiseSource, type Operand, type Sink, unaryExpr, WGSL_TYPE } from './elementwise.wgsl.js';
import { MAX_DIMS } from './math.wgsl.js';

type Input = TensorView | number;

/**
 * Runs one elementwise expression over out's shape. Scalars travel in the
 * uniform block in `scalarDtype`; dims are collapsed first, so most calls walk
 * one or two dims whatever their rank.
 */
/** A sink other than an output tensor: its binding, and the variant key of the WGSL it generates. */
export interface CustomSink {
  readonly sink: Sink;
  readonly buffer: GPUBuffer;
  readonly key: string;
  /** Uniform slots the sink reads (slots 2, 3 and 48..63 are free in elementwise kernels). */
  readonly meta: (m: Meta) => void;
}

export function run(backend: WebGPUBackend, op: string, expr: string, inputs: readonly Input[], scalarDtype: DType, out: TensorView, custom?: CustomSink): void {
  const n = numel(out.shape);
  if (n === 0) return;
  const nd = out.shape.length;
  const zero = new Array<number>(nd).fill(0);
  const c = collapseDims(out.shape, [...inputs.map((x) => (typeof x === 'number' ? zero : x.strides)), out.strides]);
  if (c.shape.length > MAX_DIMS)
    throw new DeviceError(`${op}: webgpu kernels walk at most ${MAX_DIMS} non-mergeable dims, got a view of shape [${out.shape.join(', ')}]; make it contiguous first`);
  const outStrides = c.strides[inputs.length]!;
  // An input that is exactly the output's view (in-place ops) is read where it is written: each
  // invocation reads its element before writing it, so no copy is needed.
  const isAlias = (x: TensorView, k: number) =>
    custom === undefined && x.storage === out.storage && x.offset === out.offset && x.dtype === out.dtype && c.strides[k]!.every((s, d) => s === outStrides[d]);
  const operands: Operand[] = inputs.map((x, k) =>
    typeof x === 'number' ? { dtype: scalarDtype, scalar: true } : { dtype: x.dtype, scalar: false, alias: isAlias(x, k) },
  );
  const meta = new Meta().set(0, n).set(1, c.shape.length).setAll(8, c.shape).set(7, out.offset).setAll(40, outStrides);
  const bindings = [];
  for (let k = 0; k < inputs.length; k++) {
    const x = inputs[k]!;
    if (typeof x === 'number') meta.scalar(4 + k, x, scalarDtype);
    else if (operands[k]!.alias !== true) {
      meta.set(4 + k, x.offset).setAll(16 + 8 * k, c.strides[k]!);
      bindings.push({ buffer: backend.bufferOf(x, op), write: false });
    }
  }
  bindings.push({ buffer: custom?.buffer ?? backend.bufferOf(out, op), write: true });
  custom?.meta(meta);
  const key = `ew:${op}:${operands.map((o) => (o.scalar ? 's' : o.alias ? 'o' : 't') + WGSL_TYPE[o.dtype]).join(',')}:${custom?.key ?? WGSL_TYPE[out.dtype]}`;
  backend.dispatch({
    kernel: op,
    key,
    source: () => elementwiseSource(operands, out.dtype, expr, custom?.sink),
    bindings,
    meta: meta.u32,
    groups: grid(Math.ceil(n / 64)),
  });
}

/** The dtype of the scalar operands: that of the tensor operands (core promotes them to one dtype), else the output's. */
function operandDtype(inputs: readonly Input[], out: TensorView): DType {
  for (const x of inputs) if (typeof x !== 'number') return x.dtype;
  return out.dtype;
}

export function unaryKernel(backend: WebGPUBackend, op: UnaryOp): KernelSignatures['unary'] {
  return (x, out) => run(backend, op, unaryExpr(op, x.dtype), [x], x.dtype, out);
}

export function binaryKernel(backend: WebGPUBackend, op: BinaryOp): KernelSignatures['binary'] {
  return (a, b, out) => {
    const dt = operandDtype([a, b], out);
    run(backend, op, binaryExpr(op, dt), [a, b], dt, out);
  };
}

export function whereKernel(backend: WebGPUBackend): KernelSignatures['where'] {
  return (cond, a, b, out) => run(backend, 'where', 'select(c, b, a != 0u)', [cond, a, b], operandDtype([a, b], out), out);
}

export function copyKernel(backend: WebGPUBackend): KernelSignatures['copy'] {
  return (src, dst) => run(backend, 'copy', convertExpr(src.dtype, dst.dtype), [src], src.dtype, dst);
}

export function fillKernel(backend: WebGPUBackend): KernelSignatures['fill'] {
  return (dst, value) => run(backend, 'fill', 'a', [value], dst.dtype, dst);
}
