import type { BinaryOp, UnaryOp } from '@tensile/core';

/**
 * The expression of every elementwise kernel of the cpu backend, over its operands a, b, c (numbers
 * read from the inputs' typed arrays) and H (math.ts's helpers). tools/codegen turns each into its own
 * monomorphic loop in ../generated/elementwise-loops.ts at build time (`npm run codegen`), so the
 * backend builds no code at run time (no `new Function`: a page whose Content-Security-Policy forbids
 * 'unsafe-eval' can import it). This file is read only by the generator; edit it, then run codegen.
 */

export const UNARY: Record<UnaryOp, string> = {
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

export const BINARY: Record<BinaryOp, string> = {
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
export const INT_OVERRIDES: Partial<Record<BinaryOp, string>> = { mul: 'Math.imul(a, b)', pow: 'H.ipow(a, b)' };

// float32 outputs that PyTorch rounds twice: rsqrt is 1 / sqrtf(x) there. Rounding once (double, then
// float32) can land an ulp away, which pow of a negative base turns from 0 into NaN (fuzz seed 1034736).
export const F32_OVERRIDES: Partial<Record<UnaryOp, string>> = { rsqrt: '1 / Math.fround(Math.sqrt(a))' };

/** The other loops the kernels use: name -> [arity, expression]. */
export const OTHER: Record<string, [1 | 2 | 3, string]> = {
  where: [3, 'a !== 0 ? b : c'],
  copy: [1, 'a'],
  toBool: [1, 'a !== 0 ? 1 : 0'],
};
