import type { TensorView } from '../backend/backend.js';
import { fusedKernelCall, kernel } from '../backend/registry.js';
import { noGrad as noGradRun } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { type DType, isFloat, promoteTypes, promoteWithScalar } from '../dtype.js';
import { DTypeError, ValueError, fmtShape } from '../errors.js';
import { broadcastShapes, broadcastStrides, shapesEqual } from '../shape.js';
import { isTensor, type Tensor } from '../tensor.js';
import { type BinaryOp, PRIMITIVES, type UnaryOp } from './table.js';
import { deviceOf, empty, rawView, type TensorOrScalar } from './util.js';
import { castTo } from './cast.js';
import { zerosLike } from '../creation.js';
import { sumTo } from './reduce.js';
import { cos, cosh, digamma, div, eq, exp, ge, gt, isinf, isnan, le, log, log1p, logicalAnd, logicalNot, logicalOr, lt, mul, neg, pow, reciprocal, round, rsqrt, sigmoid, sign, sin, sinh } from '../generated/ops.js';

/** The elementwise primitives without arguments of their own: generated from the op table. */
export * from '../generated/ops.js';

// ---- unary ----------------------------------------------------------------

/** relu's gradient from its output, op by op: 0 where out <= 0, g elsewhere (NaN included), as PyTorch's threshold_backward. */
export function reluBackwardComposed(g: Tensor, out: Tensor): Tensor {
  // Gradients are floating point; `where` with the integer 0 would promote a bool one to int32.
  if (!isFloat(g.dtype)) throw new DTypeError(`reluBackward: expected a floating point gradient, got ${g.dtype} of shape ${fmtShape(g.shape)}`);
  return where(le(out, 0), 0, g);
}

/**
 * relu's gradient: a backend's fused `reluBackward` kernel (one pass instead
 * of a compare and a where) for contiguous float32 g and out of one shape
 * where no graph of the gradient is needed, else the composite.
 */
export function reluBackward(g: Tensor, out: Tensor): Tensor {
  if (g.dtype === 'float32' && out.dtype === 'float32' && shapesEqual(g.shape, out.shape) && g.isContiguous() && out.isContiguous() && !needsGrad(g, out)) {
    const backend = deviceOf('reluBackward', g, out);
    const k = fusedKernelCall('reluBackward', backend);
    if (k !== undefined) {
      const res = empty(backend, out.shape, 'float32');
      k([g, out], {}, res);
      return res;
    }
  }
  return reluBackwardComposed(g, out);
}

type UnaryGrad = (g: Tensor, x: Tensor, out: Tensor) => Tensor;

/** Gradient formulas of the differentiable unary primitives, written with differentiable ops. */
const UNARY_GRADS: { [O in UnaryOp]?: { save: 'x' | 'out' | 'both' | 'none'; grad: UnaryGrad } } = {
  neg: { save: 'none', grad: (g) => neg(g) },
  abs: { save: 'x', grad: (g, x) => mul(g, sign(x)) },
  sign: { save: 'none', grad: (g) => zerosLike(g) },
  // As PyTorch's threshold_backward: 0 where out <= 0, g elsewhere (NaN included).
  relu: { save: 'out', grad: (g, _x, out) => reluBackward(g, out) },
  floor: { save: 'none', grad: (g) => zerosLike(g) },
  // Zero, not g * 0: PyTorch's zeros_like keeps a NaN or infinite upstream gradient from turning into NaN.
  ceil: { save: 'none', grad: (g) => zerosLike(g) },
  round: { save: 'none', grad: (g) => zerosLike(g) },
  exp: { save: 'out', grad: (g, _x, out) => mul(g, out) },
  log: { save: 'x', grad: (g, x) => div(g, x) },
  log1p: { save: 'x', grad: (g, x) => div(g, add(x, 1)) },
  expm1: { save: 'out', grad: (g, _x, out) => mul(g, add(out, 1)) },
  sqrt: { save: 'out', grad: (g, _x, out) => div(g, mul(out, 2)) },
  rsqrt: { save: 'out', grad: (g, _x, out) => mul(mul(g, -0.5), mul(out, mul(out, out))) },
  reciprocal: { save: 'out', grad: (g, _x, out) => neg(mul(g, mul(out, out))) },
  tanh: { save: 'out', grad: (g, _x, out) => mul(g, sub(1, mul(out, out))) },
  sigmoid: { save: 'out', grad: (g, _x, out) => mul(g, mul(out, sub(1, out))) },
  softplus: { save: 'x', grad: (g, x) => mul(g, sigmoid(x)) },
  sin: { save: 'x', grad: (g, x) => mul(g, cos(x)) },
  cos: { save: 'x', grad: (g, x) => neg(mul(g, sin(x))) },
  erf: { save: 'x', grad: (g, x) => mul(g, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))) },
  erfinv: { save: 'out', grad: (g, _x, out) => mul(g, mul(exp(mul(out, out)), Math.sqrt(Math.PI) / 2)) },
  lgamma: { save: 'x', grad: (g, x) => mul(g, digamma(x)) },
  digamma: { save: 'x', grad: (g, x) => mul(g, unary('trigamma', x)) },
  // polygamma(2) is not a primitive: trigamma, and so digamma's second derivative, stops here with an error.
  trigamma: {
    save: 'none',
    grad: (g) => {
      throw new ValueError(`trigamma: the gradient of polygamma(1, x) needs polygamma(2, x), which Tensile does not implement (shape ${fmtShape(g.shape)}): lgamma is differentiable twice, digamma and polygamma(0) once`);
    },
  },
  sinh: { save: 'x', grad: (g, x) => mul(g, cosh(x)) },
  cosh: { save: 'x', grad: (g, x) => mul(g, sinh(x)) },
  asin: { save: 'x', grad: (g, x) => mul(g, rsqrt(sub(1, mul(x, x)))) },
  acos: { save: 'x', grad: (g, x) => neg(mul(g, rsqrt(sub(1, mul(x, x))))) },
  atan: { save: 'x', grad: (g, x) => div(g, add(mul(x, x), 1)) },
};

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const backend = deviceOf(op, x);
  const rule = PRIMITIVES[op].dtype;
  let outDtype: DType = x.dtype;
  let input = x;
  if (rule === 'float') {
    if (!isFloat(x.dtype)) {
      input = castTo(x, 'float32');
      outDtype = 'float32';
    }
  } else if (rule === 'bool') outDtype = 'bool';
  else if (x.dtype === 'bool') {
    // As PyTorch: the sign of a bool is the bool itself; the other same-dtype ops reject bool.
    if (op === 'sign') return castTo(x, 'bool');
    throw new DTypeError(`${op}: not supported for bool tensors (shape ${fmtShape(x.shape)})`);
  }
  const out = empty(backend, x.shape, outDtype);
  kernel(op, backend)(input, out);
  if (input !== x) input.dispose();
  if (needsGrad(x)) {
    const f = UNARY_GRADS[op];
    if (f !== undefined) {
      const save = f.save === 'x' ? [x] : f.save === 'out' ? [out] : f.save === 'both' ? [x, out] : [];
      const mode = f.save;
      record(op, [x], [out], save, (g, s) => [f.grad(g, mode === 'out' ? (null as never) : s[0]!, mode === 'out' ? s[0]! : (s[1] ?? (null as never)))]);
    }
  }
  return out;
}


/** log(1 + exp(beta x)) / beta, linear where beta x > threshold (PyTorch's F.softplus). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  if (beta === 1 && threshold === 20) return unary('softplus', x);
  const bx = mul(x, beta);
  const cond = gt(bx, threshold);
  // The soft branch sees 0 where the linear one is taken: exp of a large beta x
  // would be inf there, and its zero gradient times inf a NaN.
  const masked = where(cond, 0, bx);
  const soft = div(log1p(exp(masked)), beta);
  const out = where(cond, x, soft);
  for (const t of [bx, cond, masked, soft]) t.dispose();
  return out;
}

export function square(x: Tensor): Tensor {
  // As PyTorch (pow(x, 2)): the square of a bool tensor is an integer tensor.
  if (x.dtype === 'bool') {
    const i = castTo(x, 'int32');
    const out = mul(i, i);
    i.dispose();
    return out;
  }
  return mul(x, x);
}

// ---- binary ---------------------------------------------------------------

type BinaryGrad = (g: Tensor, a: TensorOrScalar, b: TensorOrScalar, out: Tensor, needs: readonly boolean[]) => [Tensor | null, Tensor | null];

const half = (m: Tensor) => mul(m, 0.5);

/** Which of (a, b, out) backward needs, given which inputs need gradients. */
type Saves = (needA: boolean, needB: boolean) => readonly [boolean, boolean, boolean];
const NONE: Saves = () => [false, false, false];

const BINARY_GRADS: { [O in BinaryOp]?: { saves: Saves; grad: BinaryGrad } } = {
  add: { saves: NONE, grad: (g) => [g, g] },
  sub: { saves: NONE, grad: (g, _a, _b, _o, n) => [g, n[1] ? neg(g) : null] },
  mul: { saves: (na, nb) => [nb, na, false], grad: (g, a, b, _o, n) => [n[0] ? mul(g, b) : null, n[1] ? mul(g, a) : null] },
  div: { saves: (_na, nb) => [nb, true, false], grad: (g, a, b, _o, n) => [n[0] ? div(g, b) : null, n[1] ? neg(div(mul(g, a), mul(b, b))) : null] },
  pow: {
    saves: (_na, nb) => [true, true, nb],
    grad: (g, a, b, out, n) => {
      let ga: Tensor | null = null;
      let gb: Tensor | null = null;
      if (n[0]) {
        // d/da a^b = b a^(b-1), and 0 where b == 0 (as PyTorch masks it): exactly 0 for a scalar
        // b == 0, even where a^(b-1) overflows (a = 0, a float32 denormal) and 0 * inf would be NaN.
        if (typeof b === 'number' && b === 0) ga = zerosLike(g);
        else {
          const d = mul(b, pow(a, isTensor(b) ? sub(b, 1) : Number(b) - 1));
          ga = mul(g, typeof b === 'number' ? d : where(eq(b, 0), 0, d));
        }
      }
      if (n[1]) {
        // d/db a^b = a^b log(a), and 0 where a == 0 and b >= 0.
        const d = isTensor(a) ? mul(out, log(a)) : mul(out, Math.log(Number(a)));
        const mask = isTensor(a) ? logicalAnd(eq(a, 0), ge(b, 0)) : Number(a) === 0 ? ge(b, 0) : null;
        gb = mul(g, mask === null ? d : where(mask, 0, d));
      }
      return [ga, gb];
    },
  },
  // As PyTorch: ties split the gradient evenly, the smaller (larger) side gets none,
  // and where either side is NaN both get all of it (every comparison is false).
  maximum: {
    saves: () => [true, true, false],
    grad: (g, a, b, _o, n) => {
      const shared = where(eq(a, b), half(g), g);
      return [n[0] ? where(lt(a, b), 0, shared) : null, n[1] ? where(gt(a, b), 0, shared) : null];
    },
  },
  minimum: {
    saves: () => [true, true, false],
    grad: (g, a, b, _o, n) => {
      const shared = where(eq(a, b), half(g), g);
      return [n[0] ? where(gt(a, b), 0, shared) : null, n[1] ? where(lt(a, b), 0, shared) : null];
    },
  },
  // As PyTorch: d/da = 1, d/db = -(a floor-divided by b).
  remainder: {
    saves: (_na, nb) => [nb, nb, false],
    grad: (g, a, b, _o, n) => [n[0] ? g : null, n[1] ? neg(mul(g, floorQuotient(a, b as Tensor))) : null],
  },
  // As PyTorch: g * b / (a^2 + b^2) and g * -a / (a^2 + b^2), through the reciprocal (so NaN at the origin).
  atan2: {
    saves: () => [true, true, false],
    grad: (g, a, b, _o, n) => {
      const sq = (v: TensorOrScalar): TensorOrScalar => (isTensor(v) ? mul(v, v) : Number(v) * Number(v));
      const r = reciprocal(add(sq(a), sq(b)));
      return [n[0] ? mul(mul(g, b), r) : null, n[1] ? mul(mul(g, isTensor(a) ? neg(a) : -Number(a)), r) : null];
    },
  },
};

/**
 * PyTorch's floor division of floats (div_floor_floating), without a graph (it
 * is piecewise constant): (a - remainder(a, b)) / b rounded, so a quotient
 * that rounds up to an integer is not floored past it; a / b for b == 0; for
 * an infinite b, 0 where a has b's sign (or is 0) and -1 where it has not.
 */
function floorQuotient(a: TensorOrScalar, b: Tensor): Tensor {
  return noGradRun(() => {
    const r = binary('remainder', a, b);
    const q = where(eq(b, 0), div(a, b), round(div(sub(a, r), b)));
    return where(logicalAnd(isinf(b), logicalNot(isnan(r))), where(eq(r, a), 0, -1), q);
  });
}

function computeDtype(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): DType {
  const at = isTensor(a);
  const bt = isTensor(b);
  let dt: DType = at && bt ? promoteTypes(a.dtype, b.dtype) : at ? promoteWithScalar(a.dtype, b as number) : promoteWithScalar((b as Tensor).dtype, a as number);
  const rule = PRIMITIVES[op].dtype;
  if (rule === 'div' && !isFloat(dt)) dt = 'float32';
  if (dt === 'bool' && rule !== 'bool') dt = 'int32';
  return dt;
}

function asKernelArg(x: TensorOrScalar, dt: DType, shape: readonly number[], temps: Tensor[]): TensorView | number {
  if (!isTensor(x)) return typeof x === 'boolean' ? (x ? 1 : 0) : x;
  let t = x;
  if (t.dtype !== dt) {
    t = castTo(t, dt);
    temps.push(t);
  }
  if (shapesEqual(t.shape, shape)) return t;
  return rawView(t, shape, broadcastStrides(t.shape, t.strides, shape));
}

const isBoolArg = (v: TensorOrScalar): boolean => (isTensor(v) ? v.dtype === 'bool' : typeof v === 'boolean');

/**
 * PyTorch's rules for bool operands: a bool tensor in a subtraction is an
 * error; bool with bool stays bool for add and maximum (or), mul and minimum
 * (and), and has no remainder or power. Returns the result where a rule
 * applies, else null.
 */
function boolBinary(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor | null {
  const at = isTensor(a);
  const bt = isTensor(b);
  if (op === 'sub' && ((at && a.dtype === 'bool') || (bt && b.dtype === 'bool')))
    throw new DTypeError(
      `sub: Subtraction, the \`-\` operator, with a bool tensor is not supported (shapes ${fmtShape(at ? a.shape : [])} and ${fmtShape(bt ? b.shape : [])}); to invert a mask use logicalNot(), for exclusive or logicalXor()`,
    );
  if (!isBoolArg(a) || !isBoolArg(b)) return null;
  if (op === 'add' || op === 'maximum') return binary('logicalOr', a, b);
  if (op === 'mul' || op === 'minimum') return binary('logicalAnd', a, b);
  if (op === 'remainder' || op === 'pow') throw new DTypeError(`${op}: not implemented for bool tensors; cast them to int32 or float32 first`);
  return null;
}

export function binary(op: BinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const backend = deviceOf(op, a, b);
  const at = isTensor(a);
  const bt = isTensor(b);
  if (PRIMITIVES[op].dtype !== 'bool' && op !== 'div' && (isBoolArg(a) || isBoolArg(b))) {
    const r = boolBinary(op, a, b);
    if (r !== null) return r;
  }
  if (op === 'pow' && at && !isFloat(a.dtype) && typeof b === 'number' && Number.isInteger(b) && b < 0)
    throw new ValueError(`pow: Integers to negative integer powers are not allowed (an ${a.dtype} tensor of shape ${fmtShape(a.shape)} to the power ${b})`);
  const shape = at && bt ? broadcastShapes(op, a.shape, b.shape) : at ? a.shape : (b as Tensor).shape;
  const dt = computeDtype(op, a, b);
  const outDtype: DType = PRIMITIVES[op].dtype === 'bool' ? 'bool' : dt;
  const out = empty(backend, shape, outDtype);
  const temps: Tensor[] = [];
  const sqrtLike = op === 'pow' && at && isFloat(dt) ? powAsUnary(b) : null;
  if (sqrtLike !== null) kernel(sqrtLike, backend)(asKernelArg(a, dt, shape, temps) as TensorView, out);
  else kernel(op, backend)(asKernelArg(a, dt, shape, temps), asKernelArg(b, dt, shape, temps), out);
  for (const t of temps) t.dispose();
  if (outDtype !== 'bool' && needsGrad(a, b)) {
    const f = BINARY_GRADS[op];
    if (f !== undefined) {
      const na = at && a._requiresGrad;
      const nb = bt && b._requiresGrad;
      const [sa, sb, so] = f.saves(na, nb);
      const saveList: Tensor[] = [];
      if (sa && at) saveList.push(a);
      if (sb && bt) saveList.push(b);
      if (so) saveList.push(out);
      const aShape = at ? a.shape : null;
      const bShape = bt ? b.shape : null;
      const aDtype = at ? a.dtype : dt;
      const bDtype = bt ? b.dtype : dt;
      record(op, [a, b], [out], saveList, (g, s, needs) => {
        let i = 0;
        const av = sa && at ? s[i++]! : at ? (null as never) : a;
        const bv = sb && bt ? s[i++]! : bt ? (null as never) : b;
        const ov = so ? s[i]! : (null as never);
        const [ga, gb] = f.grad(g, av, bv, ov, needs);
        return [ga && aShape ? reduceGrad(ga, aShape, aDtype) : null, gb && bShape ? reduceGrad(gb, bShape, bDtype) : null];
      });
    }
  }
  return out;
}

/**
 * PyTorch computes a float tensor to the Python-number power 0.5 as sqrt and -0.5 as rsqrt (its
 * pow_tensor_scalar special cases), so pow(-0, -0.5) is -inf and pow(-inf, 0.5) NaN there, where
 * C's pow gives +inf for both. The gradient stays pow's (0.5 * pow(x, -0.5) is rsqrt again).
 */
export function powAsUnary(b: unknown): 'sqrt' | 'rsqrt' | null {
  return typeof b === 'number' ? (b === 0.5 ? 'sqrt' : b === -0.5 ? 'rsqrt' : null) : null;
}

function reduceGrad(g: Tensor, shape: readonly number[], dtype: DType): Tensor {
  let r = shapesEqual(g.shape, shape) ? g : sumTo(g, shape);
  if (r.dtype !== dtype && isFloat(dtype)) r = castTo(r, dtype);
  return r;
}

/** a op (alpha * b), scaling first only when alpha is not 1. */
function scaledBinary(op: 'add' | 'sub', a: TensorOrScalar, b: TensorOrScalar, alpha: number): Tensor {
  if (alpha === 1) return binary(op, a, b);
  const integral = (v: TensorOrScalar) => (isTensor(v) ? !isFloat(v.dtype) : typeof v === 'boolean' || Number.isInteger(v));
  if (!Number.isInteger(alpha) && integral(a) && integral(b))
    throw new DTypeError(`${op}: For integral input tensors, argument alpha must not be a floating point number (got alpha ${alpha})`);
  if (!isTensor(b)) return binary(op, a, Number(b) * alpha);
  const scaled = mul(b, alpha);
  const out = binary(op, a, scaled);
  scaled.dispose();
  return out;
}

export const add = (a: TensorOrScalar, b: TensorOrScalar, alpha = 1): Tensor => scaledBinary('add', a, b, alpha);
export const sub = (a: TensorOrScalar, b: TensorOrScalar, alpha = 1): Tensor => scaledBinary('sub', a, b, alpha);

// ---- where / clamp ----------------------------------------------------------

/** cond ? a : b with broadcasting; cond must be bool. */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const backend = deviceOf('where', cond, a, b);
  if (cond.dtype !== 'bool')
    throw new DTypeError(`where: expected condition to be a bool tensor, got ${cond.dtype} of shape ${fmtShape(cond.shape)}`);
  const at = isTensor(a);
  const bt = isTensor(b);
  let shape = cond.shape as number[];
  if (at) shape = broadcastShapes('where', shape, a.shape);
  if (bt) shape = broadcastShapes('where', shape, b.shape);
  let dt: DType;
  if (at && bt) dt = promoteTypes(a.dtype, b.dtype);
  else if (at) dt = promoteWithScalar(a.dtype, b as number);
  else if (bt) dt = promoteWithScalar(b.dtype, a as number);
  else dt = Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32';
  if (!at && !bt && typeof a === 'boolean' && typeof b === 'boolean') dt = 'bool';
  const out = empty(backend, shape, dt);
  const temps: Tensor[] = [];
  const c = shapesEqual(cond.shape, shape) ? cond : rawView(cond, shape, broadcastStrides(cond.shape, cond.strides, shape));
  kernel('where', backend)(c, asKernelArg(a, dt, shape, temps), asKernelArg(b, dt, shape, temps), out);
  for (const t of temps) t.dispose();
  if (needsGrad(a, b)) {
    record('where', [a, b], [out], [cond], (g, s, needs) => [
      needs[0] && at ? reduceGrad(where(s[0]!, g, 0), a.shape, a.dtype) : null,
      needs[1] && bt ? reduceGrad(where(s[0]!, 0, g), b.shape, b.dtype) : null,
    ]);
  }
  return out;
}

/**
 * Clamps into [min, max] (either may be omitted; bounds may be tensors).
 * The gradient passes where min <= x <= max, bounds included, as PyTorch's clamp.
 */
export function clamp(x: Tensor, min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
  deviceOf('clamp', x, min ?? null, max ?? null);
  if ((min === undefined || min === null) && (max === undefined || max === null))
    throw new DTypeError("clamp: at least one of 'min' or 'max' must not be None");
  for (const bound of [min, max]) if (isTensor(bound)) broadcastShapes('clamp', x.shape, bound.shape);
  if (isTensor(min) && isTensor(max)) broadcastShapes('clamp', min.shape, max.shape);
  const grad = needsGrad(x, min ?? null, max ?? null);
  const run = () => {
    let r = x;
    if (min !== undefined && min !== null) r = binary('maximum', r, min);
    if (max !== undefined && max !== null) {
      const prev = r;
      r = binary('minimum', r, max);
      if (prev !== x) prev.dispose();
    }
    return r === x ? binary('mul', x, 1) : r;
  };
  const out = grad ? noGradRun(run) : run();
  if (grad) {
    const lo = min ?? null;
    const hi = max ?? null;
    const save: Tensor[] = [x];
    if (isTensor(lo)) save.push(lo);
    if (isTensor(hi)) save.push(hi);
    record('clamp', [x, lo, hi], [out], save, (g, s, needs) => {
      let i = 1;
      const xs = s[0]!;
      const lv = isTensor(lo) ? s[i++]! : lo;
      const hv = isTensor(hi) ? s[i++]! : hi;
      let inside: Tensor | null = null;
      if (lv !== null) inside = ge(xs, lv);
      if (hv !== null) inside = inside === null ? le(xs, hv) : logicalAnd(inside, le(xs, hv));
      // As PyTorch's clamp_backward_min_max: with both bounds, min gets the gradient where
      // x < min < max, and max where x > max or max < min (then every entry is max).
      const toMin = () => (hv !== null ? logicalAnd(lt(xs, lv!), lt(lv!, hv)) : lt(xs, lv!));
      const toMax = () => (lv !== null ? logicalOr(gt(xs, hv!), lt(hv!, lv)) : gt(xs, hv!));
      return [
        needs[0] ? where(inside!, g, 0) : null,
        needs[1] && isTensor(lv) ? reduceGrad(where(toMin(), g, 0), lv.shape, lv.dtype) : null,
        needs[2] && isTensor(hv) ? reduceGrad(where(toMax(), g, 0), hv.shape, hv.dtype) : null,
      ];
    });
  }
  return out;
}

