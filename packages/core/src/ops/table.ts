import type { DType } from '../dtype.js';

/**
 * The op table: the one declarative list of Tensile's ops. Primitive ops are
 * what a backend implements as kernels; composite ops are built in core from
 * primitives (a backend may still register a fused kernel for a composite).
 * Kernel signatures, the coverage matrix and the docs are derived from here.
 */

/** How an op's result dtype follows its inputs. */
export type DTypeRule =
  | 'float' // float in, same float out; int/bool promote to float32
  | 'float-only' // float in, same float out; int/bool refused
  | 'same' // numeric in, same dtype out (bool rejected where it makes no sense)
  | 'promote' // binary: promoted dtype of the inputs
  | 'div' // binary: promoted, then int/bool to float32 (true division)
  | 'bool' // any in, bool out
  | 'index' // int32 out
  | 'sample' // float in, int32 out (indices drawn by the values); int/bool refused
  | 'position' // numeric in, int32 positions out (where values fall); bool refused
  | 'reduce-sum' // int/bool accumulate to int32, floats keep their dtype
  | 'any'; // dtype-preserving movement of data

export type OpKind =
  | 'unary'
  | 'binary'
  | 'where'
  | 'copy'
  | 'fill'
  | 'reduce'
  | 'matmul'
  | 'gather'
  | 'scatter'
  | 'scan'
  | 'sort'
  | 'composite';

export interface OpSpec {
  readonly kind: OpKind;
  readonly group: 'elementwise' | 'reduce' | 'matmul' | 'index' | 'scan' | 'memory' | 'nn' | 'shape' | 'optim';
  readonly dtype: DTypeRule;
  readonly arity: number;
  /** Whether autograd can flow through it (integer results never carry gradients). */
  readonly differentiable: boolean;
  readonly doc: string;
  /** Core writes this op's function and Tensor method by hand (extra arguments); the others are generated from this table. */
  readonly ownApi?: true;
}

/**
 * A primitive's spec adds the dtypes its kernel receives: core casts or refuses the others before
 * calling it, every backend handles each of these (float64 where the device has it), and the
 * conformance suite tests the kernel on each.
 */
export interface PrimitiveSpec extends OpSpec {
  readonly dtypes: readonly DType[];
}

const FLOATS = ['float32', 'float64'] as const;
const NUMERIC = ['float32', 'float64', 'int32'] as const;
const ALL = ['float32', 'float64', 'int32', 'bool'] as const;

const unaryFloat = (doc: string) => ({ kind: 'unary', group: 'elementwise', dtype: 'float', dtypes: FLOATS, arity: 1, differentiable: true, doc }) as const;
const unarySame = (doc: string) => ({ kind: 'unary', group: 'elementwise', dtype: 'same', dtypes: NUMERIC, arity: 1, differentiable: true, doc }) as const;
const unaryBool = (doc: string) => ({ kind: 'unary', group: 'elementwise', dtype: 'bool', dtypes: ALL, arity: 1, differentiable: false, doc }) as const;
// Inputs arrive promoted to one dtype: comparisons and logic take any, true division floats only.
const binary = <D extends DTypeRule = 'promote'>(doc: string, dtype: D = 'promote' as D, differentiable = true) =>
  ({ kind: 'binary', group: 'elementwise', dtype, dtypes: dtype === 'bool' ? ALL : dtype === 'div' ? FLOATS : NUMERIC, arity: 2, differentiable, doc }) as const;
const reduce = <D extends DTypeRule>(doc: string, dtype: D, dtypes: readonly DType[], differentiable = true) => ({ kind: 'reduce', group: 'reduce', dtype, dtypes, arity: 1, differentiable, doc }) as const;

/** Primitive ops: every backend implements each of these as a kernel. */
export const PRIMITIVES = {
  // elementwise unary
  neg: unarySame('-x'),
  abs: unarySame('|x|'),
  sign: unarySame('sign(x): -1, 0 or 1'),
  relu: unarySame('max(x, 0)'),
  floor: unarySame('round toward -inf; zero gradient'),
  ceil: unarySame('round toward +inf; zero gradient'),
  round: unarySame('round half to even; zero gradient'),
  exp: unaryFloat('e^x'),
  log: unaryFloat('natural logarithm'),
  log1p: unaryFloat('log(1 + x), accurate near 0'),
  expm1: unaryFloat('e^x - 1, accurate near 0'),
  sqrt: unaryFloat('square root'),
  rsqrt: unaryFloat('1 / sqrt(x)'),
  reciprocal: unaryFloat('1 / x'),
  tanh: unaryFloat('hyperbolic tangent'),
  sigmoid: unaryFloat('1 / (1 + e^-x), stable for large |x|'),
  softplus: { ...unaryFloat('log(1 + e^x), linear above 20 as PyTorch'), ownApi: true },
  sin: unaryFloat('sine'),
  cos: unaryFloat('cosine'),
  erf: unaryFloat('error function'),
  erfinv: unaryFloat('inverse error function: NaN outside [-1, 1], +-inf at +-1'),
  lgamma: unaryFloat('log|Gamma(x)|: +inf at 0, the negative integers and +-inf'),
  digamma: unaryFloat('digamma (psi, the derivative of lgamma): -inf at +0, +inf at -0, NaN at the negative integers and -inf'),
  trigamma: { ...unaryFloat('trigamma (polygamma(1, x), the derivative of digamma): +inf at the poles; differentiable once less (its gradient would be polygamma(2))'), ownApi: true },
  sinh: unaryFloat('hyperbolic sine'),
  cosh: unaryFloat('hyperbolic cosine'),
  asin: unaryFloat('arcsine: NaN outside [-1, 1]'),
  acos: unaryFloat('arccosine: NaN outside [-1, 1]'),
  atan: unaryFloat('arctangent'),
  isnan: unaryBool('x is NaN'),
  isinf: unaryBool('x is +-inf'),
  logicalNot: unaryBool('!x'),
  // elementwise binary (inputs arrive broadcast to the output shape)
  add: { ...binary('a + b'), ownApi: true },
  sub: { ...binary('a - b'), ownApi: true },
  mul: binary('a * b'),
  div: binary('a / b (true division)', 'div'),
  pow: binary('a ^ b', 'promote'),
  maximum: binary('elementwise max, NaN-propagating'),
  minimum: binary('elementwise min, NaN-propagating'),
  remainder: binary('fmod(a, b), moved by b where its sign differs from b (sign of b, as Python and PyTorch)'),
  atan2: binary('the angle of the point (b, a): atan(a / b) in the right quadrant, C99 special cases', 'div'),
  eq: binary('a == b', 'bool', false),
  ne: binary('a != b', 'bool', false),
  lt: binary('a < b', 'bool', false),
  le: binary('a <= b', 'bool', false),
  gt: binary('a > b', 'bool', false),
  ge: binary('a >= b', 'bool', false),
  logicalAnd: binary('a && b', 'bool', false),
  logicalOr: binary('a || b', 'bool', false),
  logicalXor: binary('a xor b', 'bool', false),
  where: { kind: 'where' as const, group: 'elementwise', dtype: 'promote', dtypes: ALL, arity: 3, differentiable: true, doc: 'cond ? a : b' },
  // data movement
  copy: { kind: 'copy' as const, group: 'memory', dtype: 'any', dtypes: ALL, arity: 1, differentiable: true, doc: 'strided copy into a (possibly strided) destination, converting to its dtype (dtype casts are copies)' },
  fill: { kind: 'fill' as const, group: 'memory', dtype: 'any', dtypes: ALL, arity: 0, differentiable: false, doc: 'set every element of a (possibly strided) destination' },
  // reductions over the middle axis of a contiguous [outer, r, inner] view
  sum: reduce('sum; float32 accumulates in float64', 'reduce-sum', NUMERIC),
  prod: reduce('product', 'reduce-sum', NUMERIC),
  amax: reduce('maximum, NaN-propagating', 'same', ALL),
  amin: reduce('minimum, NaN-propagating', 'same', ALL),
  argmax: reduce('index of the first maximum (NaN counts as maximum)', 'index', ALL, false),
  argmin: reduce('index of the first minimum (NaN counts as minimum)', 'index', ALL, false),
  // matrix product of [B, M, K] by [B, K, N] views (any strides, batch stride may be 0)
  matmul: { kind: 'matmul' as const, group: 'matmul', dtype: 'same', dtypes: NUMERIC, arity: 2, differentiable: true, doc: 'batched matrix product' },
  // indexing along one dim
  gather: { kind: 'gather' as const, group: 'index', dtype: 'any', dtypes: ALL, arity: 2, differentiable: true, doc: 'out[i][j] = x[i][index[i][j]] along dim' },
  scatter: { kind: 'scatter' as const, group: 'index', dtype: 'any', dtypes: ALL, arity: 3, differentiable: true, doc: 'dst[i][index[i][j]] = src[i][j] along dim, in place' },
  scatterAdd: { kind: 'scatter' as const, group: 'index', dtype: 'any', dtypes: ALL, arity: 3, differentiable: true, doc: 'dst[i][index[i][j]] += src[i][j] along dim, in place' },
  // scans and order along the middle axis of a contiguous [outer, n, inner] view
  cumsum: { kind: 'scan' as const, group: 'scan', dtype: 'reduce-sum', dtypes: NUMERIC, arity: 1, differentiable: true, doc: 'inclusive prefix sum' },
  cumprod: { kind: 'scan' as const, group: 'scan', dtype: 'reduce-sum', dtypes: NUMERIC, arity: 1, differentiable: true, doc: 'inclusive prefix product' },
  sort: { kind: 'sort' as const, group: 'scan', dtype: 'any', dtypes: ALL, arity: 1, differentiable: true, doc: 'stable sort, values and int32 indices' },
} as const satisfies Record<string, PrimitiveSpec>;

export type PrimitiveOp = keyof typeof PRIMITIVES;
type OpsOfKind<K extends OpKind> = { [O in PrimitiveOp]: (typeof PRIMITIVES)[O]['kind'] extends K ? O : never }[PrimitiveOp];
export type UnaryOp = OpsOfKind<'unary'>;
export type BinaryOp = OpsOfKind<'binary'>;
export type ReduceOp = OpsOfKind<'reduce'>;
export type ScanOp = OpsOfKind<'scan'>;
export type ScatterOp = OpsOfKind<'scatter'>;

const composite = (group: OpSpec['group'], dtype: DTypeRule, doc: string, arity = 1, differentiable = true): OpSpec => ({ kind: 'composite', group, dtype, arity, differentiable, doc });

/** Composite ops: built in core from primitives, so every backend has them. */
export const COMPOSITES = {
  mean: composite('reduce', 'float-only', 'sum / count'),
  logsumexp: composite('reduce', 'float', 'max + log(sum(exp(x - max)))'),
  var: composite('reduce', 'float-only', 'variance with correction'),
  std: composite('reduce', 'float-only', 'sqrt(var)'),
  norm: composite('reduce', 'float-only', 'p-norm'),
  max: composite('reduce', 'same', 'max, or values and indices along a dim'),
  min: composite('reduce', 'same', 'min, or values and indices along a dim'),
  softmax: composite('nn', 'float-only', 'exp(x - logsumexp(x))'),
  logSoftmax: composite('nn', 'float-only', 'x - logsumexp(x)'),
  // The two gradients below take contiguous (g, y) from core; core uses a fused kernel only where no graph of the gradient is needed.
  softmaxBackward: composite('nn', 'float-only', "softmax's gradient from its output y: y * (g - sum(g * y)) along dim", 2),
  logSoftmaxBackward: composite('nn', 'float-only', "logSoftmax's gradient from its output y: g - exp(y) * sum(g) along dim", 2),
  reluBackward: composite('nn', 'float-only', "relu's gradient from its output y: where(y <= 0, 0, g); core uses a fused kernel only where no graph of the gradient is needed", 2),
  linear: composite('matmul', 'same', 'x W^T + b', 3),
  clamp: composite('elementwise', 'promote', 'min(max(x, lo), hi); gradient passes at the bounds'),
  indexSelect: composite('index', 'any', 'select entries along a dim by an index list', 2),
  takeAlongDim: composite('index', 'any', 'gather with broadcast indices', 2),
  oneHot: composite('index', 'index', 'one-hot encoding of class indices'),
  maskedFill: composite('index', 'any', 'where(mask, value, x)', 2),
  indexPut: composite('index', 'any', 'x[indices] = values (or +=)', 3),
  topk: composite('scan', 'same', 'k largest (or smallest) values and indices'),
  cat: composite('shape', 'promote', 'concatenate along a dim'),
  pad: composite('shape', 'any', 'constant padding of trailing dims'),
  unfold: composite('index', 'any', 'sliding windows (im2col) by gather with a cached index table'),
  fold: composite('index', 'same', 'sum of windows back into a plane (col2im) by scatterAdd'),
  stack: composite('shape', 'promote', 'stack along a new dim'),
  tril: composite('shape', 'any', 'lower triangle of the last two dims (j - i <= diagonal) by where with a host-built mask'),
  triu: composite('shape', 'any', 'upper triangle of the last two dims (j - i >= diagonal) by where with a host-built mask'),
  repeat: composite('shape', 'any', 'tile along each dim (new leading dims too) by expand and reshape'),
  bmm: composite('matmul', 'same', 'batched matrix product of 3-d tensors, no broadcasting', 2),
  addmm: composite('matmul', 'same', 'beta * input + alpha * (mat1 @ mat2), input broadcast', 3),
  baddbmm: composite('matmul', 'same', 'beta * input + alpha * bmm(batch1, batch2), input broadcast', 3),
  einsum: composite('matmul', 'same', "Einstein summation (PyTorch's grammar, ellipsis, implicit output): diagonals, sums and one matmul per operand pair", 1),
  scaledDotProductAttention: composite(
    'nn', 'float-only',
    "safe_softmax(q k^T * scale + bias) v (PyTorch 2.5's SDPA math): bool mask true = attend, float mask added, causal, dropout; a fully masked row gives zeros",
    3,
  ),
  // Fused attention's gradients (dq, dk, dv) from the saved output and log-sum-exp; core uses a fused kernel only where no graph of them is needed.
  scaledDotProductAttentionBackward: composite(
    'nn', 'float-only',
    'attention gradients dq, dk, dv at the broadcast batch shape, the probabilities recomputed from q, k and the saved log-sum-exp (the composite: from safe_softmax of the scores)',
    6,
    false,
  ),
  flip: composite('shape', 'any', 'reversed along dims, by indexSelect with host-built reversed indices'),
  roll: composite('shape', 'any', 'rotated along dims (or flattened), by indexSelect with host-built rotated indices'),
  outer: composite('matmul', 'promote', 'a[i] * b[j] of two vectors, by broadcasting mul', 2),
  diag: composite('shape', 'any', 'vector to matrix with it on a diagonal (indexSelect of the vector padded with a zero), or a matrix diagonal as a vector'),
  trace: composite('reduce', 'same', 'sum of the main diagonal of a matrix'),
  diff: composite('elementwise', 'any', 'n-th forward difference along a dim after prepend/append (xor for bool)'),
  lerp: composite('elementwise', 'float-only', "start + w (end - start), PyTorch's two-sided form for |w| >= 0.5", 3),
  isclose: composite('elementwise', 'bool', '|a - b| <= atol + rtol |b| or a == b (NaN with equalNan)', 2, false),
  cross: composite('elementwise', 'same', 'cross product of 3-vectors along a dim, inputs broadcast', 2),
  cdist: composite('reduce', 'float-only', 'p-norm of every row difference of x1 [..., P, M] and x2 [..., R, M], computed directly', 2),
  meshgrid: composite('shape', 'any', "coordinate grids of 0-d/1-d tensors, 'ij' or 'xy', as expanded views"),
  multinomial: composite('index', 'sample', 'category indices drawn by weights on the shared generator: an exponential race p * (1 / Exp(1)) per row (or per sample with replacement), then a stable sort or argmax', 1, false),
  repeatInterleave: composite('shape', 'any', 'each element repeated n times along a dim (or flattened), by unsqueeze, expand and reshape; a tensor of counts by indexSelect of host-built positions'),
  tile: composite('shape', 'any', 'repeat with ones prepended to the dims'),
  hypot: composite('elementwise', 'float-only', 'sqrt(a^2 + b^2) scaled by max(|a|, |b|), gradient a / hypot', 2),
  cummax: composite('scan', 'same', 'running max and its index (later index on ties, NaN holds) by a log-step scan, values gathered'),
  cummin: composite('scan', 'same', 'running min and its index (later index on ties, NaN holds) by a log-step scan, values gathered'),
  logcumsumexp: composite('scan', 'float-only', 'log(cumsum(exp(x))) by a log-step scan of logaddexp'),
  median: composite('scan', 'same', 'lower median (all, or values and indices along a dim) by a stable sort'),
  kthvalue: composite('scan', 'same', "k-th smallest and its index along a dim: PyTorch's quickselect on the host picks the index (ties as PyTorch), values gathered"),
  quantile: composite('scan', 'float-only', 'quantiles by sort, gather and lerp (linear, lower, higher, midpoint, nearest)', 2),
  searchsorted: composite('scan', 'position', 'insertion indices in a sorted last dim by counting comparisons', 2, false),
  bincount: composite('index', 'index', 'counts (or summed weights) per value by scatterAdd, length read on the host', 1, false),
} as const satisfies Record<string, OpSpec>;

export type CompositeOp = keyof typeof COMPOSITES;
export type OpName = PrimitiveOp | CompositeOp;

export const OP_TABLE: Readonly<Record<OpName, OpSpec>> = { ...PRIMITIVES, ...COMPOSITES };

export function isPrimitive(op: string): op is PrimitiveOp {
  return Object.hasOwn(PRIMITIVES, op);
}
