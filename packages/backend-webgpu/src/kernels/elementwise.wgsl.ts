import type { BinaryOp, DType, UnaryOp } from '@tensile/core';
import { MATH, META } from './math.wgsl.js';

/**
 * Elementwise WGSL: one strided kernel skeleton (up to three inputs, each a
 * tensor or a scalar from the uniform block, and one output that may itself be
 * strided) instantiated per op expression and dtypes. Uniform slots:
 * [0] n, [1] ndim, [4 + k] offset (or scalar bits) of input k, [7] output
 * offset, [8..15] collapsed shape, [16 + 8k ..] strides of input k, [40..47]
 * output strides.
 */

export const WGSL_TYPE: Record<DType, string> = { float32: 'f32', int32: 'i32', bool: 'u32', float64: 'f64' };

export interface Operand {
  readonly dtype: DType;
  readonly scalar: boolean;
  /** The operand is the output's own view (an in-place op): read from `out` where it is written, with no binding of its own. */
  readonly alias?: boolean;
}

const NAMES = ['a', 'b', 'c'];

function scalarLoad(dtype: DType, slot: number): string {
  if (dtype === 'float32') return `bitcast<f32>(M(${slot}u))`;
  if (dtype === 'int32') return `bitcast<i32>(M(${slot}u))`;
  return `M(${slot}u)`;
}

/** Where an elementwise result goes: by default `out[po]`; a check kernel instead flags failing elements. */
export interface Sink {
  readonly decl: (binding: number) => string;
  readonly store: (expr: string) => string;
}

const outputSink = (out: DType): Sink => ({
  decl: (binding) => `@group(0) @binding(${binding}) var<storage, read_write> out: array<${WGSL_TYPE[out]}>;`,
  store: (expr) => `out[po] = ${expr};`,
});

export function elementwiseSource(inputs: readonly Operand[], out: DType, expr: string, sink: Sink = outputSink(out)): string {
  let binding = 1;
  const decls: string[] = [];
  const loads: string[] = [];
  const walk: string[] = [];
  inputs.forEach((x, k) => {
    if (x.scalar) loads.push(`let ${NAMES[k]} = ${scalarLoad(x.dtype, 4 + k)};`);
    else if (x.alias) loads.push(`let ${NAMES[k]} = out[po];`);
    else {
      decls.push(`@group(0) @binding(${binding++}) var<storage, read> in${k}: array<${WGSL_TYPE[x.dtype]}>;`);
      walk.push(`p${k} = p${k} + c * M(${16 + 8 * k}u + ud);`);
      loads.push(`let ${NAMES[k]} = in${k}[p${k}];`);
    }
  });
  decls.push(sink.decl(binding));
  const starts = inputs.map((x, k) => (x.scalar || x.alias ? '' : `var p${k} = M(${4 + k}u);`)).join(' ');
  return `${META}${MATH}
${decls.join('\n')}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_id(wid, nwg, lid, 64u);
  if (i >= M(0u)) { return; }
  var rem = i;
  ${starts} var po = M(7u);
  for (var d = i32(M(1u)) - 1; d >= 0; d = d - 1) {
    let ud = u32(d);
    let size = M(8u + ud);
    let c = rem % size;
    rem = rem / size;
    ${walk.join(' ')}
    po = po + c * M(40u + ud);
  }
  ${loads.join(' ')}
  ${sink.store(expr)}
}
`;
}

const asBool = (cond: string) => `select(0u, 1u, ${cond})`;

/** WGSL truthiness of a value of a dtype (float: nonzero including NaN, as `x != 0` on the cpu). */
export function truthy(dtype: DType, x: string): string {
  return dtype === 'float32' ? `truthy_f(${x})` : dtype === 'int32' ? `(${x} != 0)` : `(${x} != 0u)`;
}

const FLOAT_UNARY: Record<string, string> = {
  neg: '-a',
  abs: 'abs(a)',
  // 0 for NaN, as PyTorch.
  // From a's sign bit and the bits of 1.0, chosen by integer tests only: Mesa's compiler
  // recognises a select between -1, 0 and 1 on float comparisons (float or bit constants alike)
  // as its fsign, which gives -0 for +0 and for NaN.
  sign: 'bitcast<f32>(select(0u, (bitcast<u32>(a) & 0x80000000u) | 0x3f800000u, truthy_f(a) && !is_nan(a)))',
  relu: 'select(a, 0.0, f_lt(a, 0.0))',
  floor: 'floor(a)',
  ceil: 'ceil(a)',
  round: 'round(a)',
  exp: 't_exp(a)',
  log: 't_log(a)',
  log1p: 't_log1p(a)',
  expm1: 't_expm1(a)',
  sqrt: 't_sqrt(a)',
  rsqrt: 't_rsqrt(a)',
  reciprocal: 't_div(1.0, a)',
  tanh: 't_tanh(a)',
  sigmoid: 't_sigmoid(a)',
  softplus: 't_softplus(a)',
  sin: 't_sin(a)',
  cos: 't_cos(a)',
  erf: 't_erf(a)',
  erfinv: 't_erfinv(a)',
  lgamma: 't_lgamma(a)',
  digamma: 't_digamma(a)',
  trigamma: 't_trigamma(a)',
  sinh: 't_sinh(a)',
  cosh: 't_cosh(a)',
  asin: 't_asin(a)',
  acos: 't_acos(a)',
  atan: 't_atan(a)',
};

const INT_UNARY: Record<string, string> = { neg: '-a', abs: 'abs(a)', sign: 'sign(a)', relu: 'max(a, 0)', floor: 'a', ceil: 'a', round: 'a' };

/** The expression of a unary op on an input of dtype `x` (core casts float-only ops' inputs to float32 first). */
export function unaryExpr(op: UnaryOp, x: DType): string {
  if (op === 'isnan') return asBool(x === 'float32' ? 'is_nan(a)' : 'false');
  if (op === 'isinf') return asBool(x === 'float32' ? 'is_inf(a)' : 'false');
  if (op === 'logicalNot') return asBool(`!${truthy(x, 'a')}`);
  if (x === 'float32') return FLOAT_UNARY[op]!;
  if (x === 'int32') return INT_UNARY[op]!;
  // bool: core lets no same-dtype unary op through (sign of a bool is a copy there); the identity is harmless.
  return 'a';
}

/** The expression of a binary op whose inputs both have dtype `x` (core promotes them first). */
export function binaryExpr(op: BinaryOp, x: DType): string {
  const f = x === 'float32';
  switch (op) {
    case 'add':
      return 'a + b';
    case 'sub':
      return f ? 't_sub(a, b)' : 'a - b';
    case 'mul':
      return 'a * b';
    case 'div':
      return 't_div(a, b)';
    case 'pow':
      return f ? 't_pow(a, b)' : 'i_pow(a, b)';
    case 'maximum':
      return f ? 't_max(a, b)' : 'max(a, b)';
    case 'minimum':
      return f ? 't_min(a, b)' : 'min(a, b)';
    case 'remainder':
      return f ? 't_rem(a, b)' : 'i_rem(a, b)';
    case 'atan2':
      return 't_atan2(a, b)';
    case 'eq':
      return asBool(f ? 'f_eq(a, b)' : 'a == b');
    case 'ne':
      return asBool(f ? '!f_eq(a, b)' : 'a != b');
    case 'lt':
      return asBool(f ? 'f_lt(a, b)' : 'a < b');
    case 'le':
      return asBool(f ? 'f_le(a, b)' : 'a <= b');
    case 'gt':
      return asBool(f ? 'f_lt(b, a)' : 'a > b');
    case 'ge':
      return asBool(f ? 'f_le(b, a)' : 'a >= b');
    case 'logicalAnd':
      return asBool(`${truthy(x, 'a')} && ${truthy(x, 'b')}`);
    case 'logicalOr':
      return asBool(`${truthy(x, 'a')} || ${truthy(x, 'b')}`);
    case 'logicalXor':
      return asBool(`${truthy(x, 'a')} != ${truthy(x, 'b')}`);
  }
}

/** Conversion between dtypes, as the cpu backend's typed-array stores do (to bool is x != 0). */
export function convertExpr(from: DType, to: DType): string {
  if (to === 'bool') return from === 'bool' ? 'a' : asBool(truthy(from, 'a'));
  if (from === to) return 'a';
  if (to === 'int32') return from === 'float32' ? 'f_to_i(a)' : 'i32(a)';
  return 'f32(a)';
}
