import type { BinaryOp, DType, HostArray, KernelSignatures, TensorView, UnaryOp } from '@tensile/core';
import { BINARY_LOOPS, copyLoop, F32_UNARY_LOOPS, INT_BINARY_LOOPS, type Loop1, type Loop2, type Loop3, toBoolLoop, UNARY_LOOPS, whereLoop } from '../generated/elementwise-loops.js';
import { collapse, dataOf } from '../strided.js';

/**
 * Elementwise kernels run one monomorphic loop per op (no per-element closure calls), generated at
 * build time from the expressions in ./elementwise-exprs.ts (tools/codegen writes
 * ../generated/elementwise-loops.ts): nothing is compiled at run time, so no Content-Security-Policy
 * needs 'unsafe-eval' for this backend.
 */
type Loop = Loop1 | Loop2 | Loop3;

/**
 * A scalar operand is held in the tensor operands' dtype, as PyTorch converts a Python number to the
 * op's common dtype: x / 0.001 in float32 divides by float32(0.001), as the other backends do.
 */
function operand(x: TensorView | number, nd: number, dtype: DType): [HostArray, number, readonly number[]] {
  if (typeof x === 'number') return [dtype === 'float32' ? Float32Array.of(x) : Float64Array.of(x), 0, new Array<number>(nd).fill(0)];
  return [dataOf(x), x.offset, x.strides];
}

function run(loop: Loop, inputs: readonly (TensorView | number)[], out: TensorView, scalarDtype: DType = out.dtype): void {
  const nd = out.shape.length;
  const ops = inputs.map((x) => operand(x, nd, scalarDtype));
  const c = collapse(out.shape, [...ops.map((o) => o[2]), out.strides]);
  for (const o of c.shape) if (o === 0) return;
  const O = dataOf(out);
  const s = c.strides;
  const [a, b, d] = ops;
  if (ops.length === 1) (loop as Loop1)(a![0], a![1], s[0]!, O, out.offset, s[1]!, c.shape);
  else if (ops.length === 2) (loop as Loop2)(a![0], a![1], s[0]!, b![0], b![1], s[1]!, O, out.offset, s[2]!, c.shape);
  else (loop as Loop3)(a![0], a![1], s[0]!, b![0], b![1], s[1]!, d![0], d![1], s[2]!, O, out.offset, s[3]!, c.shape);
}

export function unaryKernel(op: UnaryOp): KernelSignatures['unary'] {
  const loop = UNARY_LOOPS[op];
  const f32Loop = F32_UNARY_LOOPS[op] ?? loop;
  return (x, out) => run(out.dtype === 'float32' ? f32Loop : loop, [x], out);
}

export function binaryKernel(op: BinaryOp): KernelSignatures['binary'] {
  const loop = BINARY_LOOPS[op];
  const intLoop = INT_BINARY_LOOPS[op] ?? loop;
  // Operands share a dtype (core promotes them), which for comparisons is not out's (bool).
  return (a, b, out) => run(out.dtype === 'int32' ? intLoop : loop, [a, b], out, typeof a === 'number' ? (typeof b === 'number' ? out.dtype : b.dtype) : a.dtype);
}

export const whereKernel: KernelSignatures['where'] = (cond, a, b, out) => run(whereLoop, [cond, a, b], out);

export const copyKernel: KernelSignatures['copy'] = (src, dst) => run(dst.dtype === 'bool' && src.dtype !== 'bool' ? toBoolLoop : copyLoop, [src], dst);
export const fillKernel: KernelSignatures['fill'] = (dst, value) => {
  const v = dst.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  run(copyLoop, [v], dst);
};
