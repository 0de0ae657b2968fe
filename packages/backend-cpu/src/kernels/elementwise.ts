import type { BinaryOp, DType, HostArray, KernelSignatures, TensorView, UnaryOp } from '@tensile/core';
import { helpers } from '../math.js';
import { collapse, dataOf } from '../strided.js';

/**
 * Elementwise kernels are generated once per op from an expression, so each
 * op gets its own monomorphic loop (no per-element closure calls): a flat loop
 * for contiguous and scalar-broadcast operands, else an N-d walk with a tight
 * inner loop over the collapsed dims.
 */
type Loop = (...args: unknown[]) => void;

function generate(arity: 1 | 2 | 3, expr: string): Loop {
  const names = ['a', 'b', 'c'].slice(0, arity);
  const arrs = ['A', 'B', 'C'].slice(0, arity);
  const params = names.flatMap((_, i) => [arrs[i], `${names[i]}o`, `${names[i]}s`]).join(', ');
  const flatLoads = (on: (i: number) => boolean) => names.map((n, i) => (on(i) ? `const ${n} = ${arrs[i]}[${n}o + i];` : '')).join(' ');
  const hoist = (on: (i: number) => boolean) => names.map((n, i) => (on(i) ? '' : `const ${n} = ${arrs[i]}[${n}o];`)).join(' ');
  const fastCases: string[] = [];
  for (let mask = (1 << arity) - 1; mask >= 1; mask--) {
    const on = (i: number) => ((mask >> i) & 1) === 1;
    const cond = names.map((n, i) => `${n}s[0] === ${on(i) ? 1 : 0}`).join(' && ');
    fastCases.push(`if (${cond} && os[0] === 1) { ${hoist(on)} for (let i = 0; i < n; i++) { ${flatLoads(on)} O[oo + i] = ${expr}; } return; }`);
  }
  const body = `
    return function (${params}, O, oo, os, shape) {
      const nd = shape.length;
      if (nd === 1) {
        const n = shape[0];
        ${fastCases.join('\n        ')}
      }
      const last = nd - 1;
      const inner = shape[last];
      ${names.map((n) => `const ${n}i = ${n}s[last];`).join(' ')}
      const oi = os[last];
      let outer = 1;
      for (let d = 0; d < last; d++) outer *= shape[d];
      const idx = new Int32Array(nd);
      ${names.map((n) => `let ${n}p = ${n}o;`).join(' ')}
      let op = oo;
      for (let t = 0; t < outer; t++) {
        for (let j = 0; j < inner; j++) {
          ${names.map((n, i) => `const ${n} = ${arrs[i]}[${n}p + j * ${n}i];`).join(' ')}
          O[op + j * oi] = ${expr};
        }
        for (let d = last - 1; d >= 0; d--) {
          idx[d]++;
          ${names.map((n) => `${n}p += ${n}s[d];`).join(' ')}
          op += os[d];
          if (idx[d] < shape[d]) break;
          ${names.map((n) => `${n}p -= ${n}s[d] * shape[d];`).join(' ')}
          op -= os[d] * shape[d];
          idx[d] = 0;
        }
      }
    };`;
  return new Function('H', body)(helpers) as Loop;
}

const UNARY: Record<UnaryOp, string> = {
  neg: '-a',
  abs: 'Math.abs(a)',
  // 0 for NaN, as PyTorch ((0 < a) - (a < 0)).
  sign: 'a > 0 ? 1 : a < 0 ? -1 : 0',
  relu: 'a < 0 ? 0 : a',
  floor: 'Math.floor(a)',
  ceil: 'Math.ceil(a)',
  // Round half to even, as PyTorch.
  round: '(Math.abs(a % 1) === 0.5 ? 2 * Math.round(a / 2) : Math.round(a))',
  exp: 'Math.exp(a)',
  log: 'Math.log(a)',
  log1p: 'Math.log1p(a)',
  expm1: 'Math.expm1(a)',
  sqrt: 'Math.sqrt(a)',
  rsqrt: '1 / Math.sqrt(a)',
  reciprocal: '1 / a',
  tanh: 'Math.tanh(a)',
  sigmoid: '1 / (1 + Math.exp(-a))',
  softplus: 'a > 20 ? a : Math.log1p(Math.exp(a))',
  sin: 'Math.sin(a)',
  cos: 'Math.cos(a)',
  erf: 'H.erf(a)',
  erfinv: 'H.erfinv(a)',
  lgamma: 'H.lgamma(a)',
  digamma: 'H.digamma(a)',
  trigamma: 'H.trigamma(a)',
  sinh: 'Math.sinh(a)',
  cosh: 'Math.cosh(a)',
  asin: 'Math.asin(a)',
  acos: 'Math.acos(a)',
  atan: 'Math.atan(a)',
  isnan: 'a !== a ? 1 : 0',
  isinf: 'a === Infinity || a === -Infinity ? 1 : 0',
  logicalNot: 'a === 0 ? 1 : 0',
};

const BINARY: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  // C99 pow, not JavaScript's: pow(1, y) and pow(-1, +-inf) are 1 even for y NaN.
  pow: 'H.pow(a, b)',
  maximum: 'Math.max(a, b)',
  minimum: 'Math.min(a, b)',
  // fmod (JavaScript's %), moved by b where its sign differs from b's, as PyTorch: remainder(-1, inf) is inf.
  remainder: 'H.remainder(a, b)',
  atan2: 'Math.atan2(a, b)',
  eq: 'a === b ? 1 : 0',
  ne: 'a !== b ? 1 : 0',
  lt: 'a < b ? 1 : 0',
  le: 'a <= b ? 1 : 0',
  gt: 'a > b ? 1 : 0',
  ge: 'a >= b ? 1 : 0',
  logicalAnd: 'a !== 0 && b !== 0 ? 1 : 0',
  logicalOr: 'a !== 0 || b !== 0 ? 1 : 0',
  logicalXor: '(a !== 0) !== (b !== 0) ? 1 : 0',
};

// Integer outputs where double arithmetic would lose exactness before the int32 wrap.
const INT_OVERRIDES: Partial<Record<BinaryOp, string>> = { mul: 'Math.imul(a, b)', pow: 'H.ipow(a, b)' };


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
  const args: unknown[] = [];
  ops.forEach((o, i) => args.push(o[0], o[1], c.strides[i]));
  args.push(dataOf(out), out.offset, c.strides[ops.length], c.shape);
  loop(...args);
}

export function unaryKernel(op: UnaryOp): KernelSignatures['unary'] {
  const loop = generate(1, UNARY[op]);
  return (x, out) => run(loop, [x], out);
}

export function binaryKernel(op: BinaryOp): KernelSignatures['binary'] {
  const loop = generate(2, BINARY[op]);
  const intExpr = INT_OVERRIDES[op];
  const intLoop = intExpr === undefined ? loop : generate(2, intExpr);
  // Operands share a dtype (core promotes them), which for comparisons is not out's (bool).
  return (a, b, out) => run(out.dtype === 'int32' ? intLoop : loop, [a, b], out, typeof a === 'number' ? (typeof b === 'number' ? out.dtype : b.dtype) : a.dtype);
}

const whereLoop = generate(3, 'a !== 0 ? b : c');
export const whereKernel: KernelSignatures['where'] = (cond, a, b, out) => run(whereLoop, [cond, a, b], out);

const copyLoop = generate(1, 'a');
const toBoolLoop = generate(1, 'a !== 0 ? 1 : 0');
export const copyKernel: KernelSignatures['copy'] = (src, dst) => run(dst.dtype === 'bool' && src.dtype !== 'bool' ? toBoolLoop : copyLoop, [src], dst);
export const fillKernel: KernelSignatures['fill'] = (dst, value) => {
  const v = dst.dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
  run(copyLoop, [v], dst);
};
