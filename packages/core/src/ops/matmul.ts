import { fusedKernelCall, kernel } from '../backend/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { promoteTypes } from '../dtype.js';
import { DTypeError, IndexError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { broadcastShapes, numel, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { checkOptions } from '../options.js';
import { add, mul } from './elementwise.js';
import { sum, sumTo } from './reduce.js';
import { deviceOf, empty } from './util.js';
import { expand, reshape, squeeze, t as transpose2d, transpose, unsqueeze } from './view.js';

/** The batched-matrix-product primitive on 3-d inputs [B, M, K] x [B, K, N]. */
function bmmPrimitive(a: Tensor, b: Tensor): Tensor {
  const backend = deviceOf('matmul', a, b);
  const out = empty(backend, [a.shape[0]!, a.shape[1]!, b.shape[2]!], a.dtype);
  kernel('matmul', backend)(a, b, out);
  if (needsGrad(a, b)) {
    const na = a._requiresGrad;
    const nb = b._requiresGrad;
    const save = [...(nb ? [a] : []), ...(na ? [b] : [])];
    record('matmul', [a, b], [out], save, (g, s, needs) => {
      const as = nb ? s[0]! : null;
      const bs = na ? s[nb ? 1 : 0]! : null;
      return [needs[0] && bs ? bmmPrimitive(g, transpose(bs, 1, 2)) : null, needs[1] && as ? bmmPrimitive(transpose(as, 1, 2), g) : null];
    });
  }
  return out;
}

/** Matrix product with PyTorch's rules: 1-D dot, 2-D, and batched with broadcasting. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  deviceOf('matmul', a, b);
  if (a.ndim === 0 || b.ndim === 0)
    throw new ShapeError(`matmul: both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  // As PyTorch: no type promotion in matmul.
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: expected both arguments to have the same dtype, but got ${a.dtype} (shape ${fmtShape(a.shape)}) and ${b.dtype} (shape ${fmtShape(b.shape)})`);
  if (a.dtype === 'bool') throw new DTypeError(`matmul: not implemented for bool tensors (shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)})`);
  const k1 = a.shape[a.ndim - 1]!;
  const k2 = b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!;
  if (k1 !== k2) {
    if (a.ndim === 1 && b.ndim === 1)
      throw new ShapeError(`matmul: inconsistent tensor size, expected tensor ${fmtShape(a.shape)} and src ${fmtShape(b.shape)} to have the same number of elements, but got ${k1} and ${k2} elements respectively`);
    if (a.ndim <= 2 && b.ndim <= 2)
      throw new ShapeError(`matmul: mat1 and mat2 shapes cannot be multiplied (${a.ndim === 1 ? 1 : a.shape[0]}x${k1} and ${k2}x${b.ndim === 1 ? 1 : b.shape[1]})`);
    throw new ShapeError(`matmul: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} cannot be multiplied (inner dimensions ${k1} and ${k2} differ)`);
  }
  const batchA = a.shape.slice(0, Math.max(0, a.ndim - 2));
  const batchB = b.shape.slice(0, Math.max(0, b.ndim - 2));
  const batch = broadcastShapes('matmul', batchA, batchB);
  return tidy(() => {
    const dt = promoteTypes(a.dtype, b.dtype);
    const A0 = a.dtype === dt ? a : castTo(a, dt);
    const B0 = b.dtype === dt ? b : castTo(b, dt);
    const A = A0.ndim === 1 ? unsqueeze(A0, 0) : A0;
    const B = B0.ndim === 1 ? unsqueeze(B0, 1) : B0;
    const M = A.shape[A.ndim - 2]!;
    const N = B.shape[B.ndim - 1]!;
    const nb = numel(batch);
    const A3 = reshape(expand(A, [...batch, M, k1]), [nb, M, k1]);
    const B3 = reshape(expand(B, [...batch, k1, N]), [nb, k1, N]);
    let out = reshape(bmmPrimitive(A3, B3), [...batch, M, N]);
    if (a.ndim === 1) out = squeeze(out, -2);
    if (b.ndim === 1) out = squeeze(out, -1);
    return out;
  });
}

/**
 * x W^T + b (PyTorch's F.linear). Its own gradient formula keeps every
 * gradient contiguous in its parameter's layout (dW = g^T x, not the
 * transpose of x^T g), so optimizers and .grad never pay for a copy.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  deviceOf('linear', x, weight, bias ?? null);
  if (x.dtype === 'bool' || weight.dtype === 'bool') throw new DTypeError(`linear: not implemented for bool tensors (input ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)})`);
  if (weight.ndim !== 2 && weight.ndim !== 1) throw new ShapeError(`linear: weight must be 1-D or 2-D, got shape ${fmtShape(weight.shape)}`);
  const inF = weight.shape[weight.ndim - 1]!;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF)
    throw new ShapeError(
      `linear: mat1 and mat2 shapes cannot be multiplied (${x.ndim <= 1 ? 1 : numel(x.shape.slice(0, -1))}x${x.shape[x.ndim - 1] ?? 1} and ${inF}x${weight.ndim === 2 ? weight.shape[0] : 1})`,
    );
  const b = bias ?? null;
  if (b !== null) {
    const outShape = [...x.shape.slice(0, -1), ...(weight.ndim === 2 ? [weight.shape[0]!] : [])];
    const shaped = broadcastShapes('linear', outShape, b.shape);
    if (!shapesEqual(shaped, outShape))
      throw new ShapeError(`linear: bias of shape ${fmtShape(b.shape)} does not broadcast to the output shape ${fmtShape(outShape)}`);
  }
  const grad = weight.ndim === 2 && x.dtype === weight.dtype && (b === null || b.dtype === x.dtype) && needsGrad(x, weight, b);
  const forward = () => linearViaFused(x, weight, b) ?? linearComposed(x, weight, b);
  if (!grad) return forward();
  const out = noGrad(forward);
  const outF = weight.shape[0]!;
  record('linear', [x, weight, b], [out], [x, weight], (g, s, needs) => {
    const [xs, ws] = s as [Tensor, Tensor];
    // Rows counted, not inferred: -1 is ambiguous when inF or outF is 0.
    const rows = numel(xs.shape.slice(0, -1));
    const g2 = reshape(g, [rows, outF]);
    return [
      needs[0] ? matmul(g, ws) : null,
      needs[1] ? matmul(transpose2d(g2), reshape(xs, [rows, inF])) : null,
      needs[2] ? sum(g2, 0) : null,
    ];
  });
  return out;
}

/** linear from primitives: x W^T (+ b) as a matmul and a broadcasting add (what a fused kernel must match). */
export function linearComposed(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return tidy(() => {
    const y = matmul(x, transpose2d(weight));
    return bias === null || bias === undefined ? y : add(y, bias);
  });
}

/**
 * A backend's fused kernel for linear with a bias (the matmul with the bias
 * added as it stores, one dispatch instead of two on a GPU), for float32 2-D
 * x, 2-D weight and a 1-D bias of the output's width; null where it does not apply.
 */
function linearViaFused(x: Tensor, weight: Tensor, b: Tensor | null): Tensor | null {
  if (b === null || x.dtype !== 'float32' || weight.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (x.ndim !== 2 || weight.ndim !== 2 || b.ndim !== 1 || b.shape[0] !== weight.shape[0]) return null;
  const k = fusedKernelCall('linear', x.storage.backend);
  if (k === undefined) return null;
  const out = empty(x.storage.backend, [x.shape[0]!, weight.shape[0]!], 'float32');
  k([x, weight, b], {}, out);
  return out;
}

const DTYPE_NAMES: Record<string, string> = { float32: 'Float', float64: 'Double', int32: 'Int', bool: 'Bool' };

/** The one dtype of a matrix product's operands (no promotion, as PyTorch), bool refused. */
function productDtype(op: string, ts: readonly [string, Tensor][]): void {
  const [first] = ts;
  for (const [name, t] of ts) {
    if (t.dtype === 'bool') throw new DTypeError(`${op}: not implemented for bool tensors (${name} of shape ${fmtShape(t.shape)})`);
    if (t.dtype !== first![1].dtype)
      throw new DTypeError(
        `${op}: expected scalar type ${DTYPE_NAMES[first![1].dtype]} but found ${DTYPE_NAMES[t.dtype]} (${first![0]} ${first![1].dtype} of shape ${fmtShape(first![1].shape)}, ${name} ${t.dtype} of shape ${fmtShape(t.shape)})`,
      );
  }
}

function check3d(op: string, b1: Tensor, b2: Tensor): void {
  // IndexError as PyTorch 1.13's (its dims are looked up before the check).
  if (b1.ndim !== 3) throw new IndexError(`${op}: batch1 must be a 3D tensor, got shape ${fmtShape(b1.shape)}`);
  if (b2.ndim !== 3) throw new IndexError(`${op}: batch2 must be a 3D tensor, got shape ${fmtShape(b2.shape)}`);
  if (b2.shape[0] !== b1.shape[0] || b2.shape[1] !== b1.shape[2])
    throw new ShapeError(
      `${op}: Expected size for first two dimensions of batch2 tensor to be: [${b1.shape[0]}, ${b1.shape[2]}] but got: [${b2.shape[0]}, ${b2.shape[1]}] (batch1 ${fmtShape(b1.shape)}, batch2 ${fmtShape(b2.shape)})`,
    );
}

/** Batched matrix product of two 3-d tensors [B, N, M] x [B, M, P] -> [B, N, P], without broadcasting (PyTorch's bmm). */
export function bmm(batch1: Tensor, batch2: Tensor): Tensor {
  deviceOf('bmm', batch1, batch2);
  check3d('bmm', batch1, batch2);
  productDtype('bmm', [['batch1', batch1], ['batch2', batch2]]);
  return matmul(batch1, batch2);
}

/** beta and alpha of addmm / baddbmm. */
export interface AddmmOptions {
  /** Multiplier of input (default 1); with 0, input is ignored (its NaN and inf do not propagate), as PyTorch. */
  beta?: number;
  /** Multiplier of the product (default 1). */
  alpha?: number;
}

/**
 * beta * input + alpha * (a @ b) with input broadcast to the product's shape, and a gradient
 * formula of its own (written with differentiable ops, so it differentiates twice) that gives
 * input a gradient even when beta is 0.
 */
function addProduct(op: string, input: Tensor, a: Tensor, b: Tensor, outShape: readonly number[], options: AddmmOptions | undefined, tr: (t: Tensor) => Tensor): Tensor {
  const o = checkOptions(op, options, ['beta', 'alpha']);
  const beta = o.beta ?? 1;
  const alpha = o.alpha ?? 1;
  for (const [k, v] of [['beta', beta], ['alpha', alpha]] as const)
    if (typeof v !== 'number') throw new DTypeError(`${op}: ${k} must be a number, got ${typeof v}`);
  const shaped = broadcastShapes(op, input.shape, outShape);
  if (!shapesEqual(shaped, outShape))
    throw new ShapeError(`${op}: the expanded size of the tensor must match: input of shape ${fmtShape(input.shape)} does not broadcast to the product's shape ${fmtShape(outShape)}`);
  const forward = () =>
    tidy(() => {
      const p = matmul(a, b);
      const pa = alpha === 1 ? p : mul(p, alpha);
      if (beta === 0) return pa.ndim === outShape.length ? pa : expand(pa, outShape);
      return add(pa, beta === 1 ? input : mul(input, beta));
    });
  if (!needsGrad(input, a, b)) return forward();
  const out = noGrad(forward);
  const inShape = input.shape;
  record(op, [input, a, b], [out], [a, b], (g, s, needs) => {
    const [as, bs] = s as [Tensor, Tensor];
    const scaled = (t: Tensor) => (alpha === 1 ? t : mul(t, alpha));
    return [
      needs[0] ? sumTo(beta === 1 ? g : mul(g, beta), inShape) : null,
      needs[1] ? scaled(matmul(g, tr(bs))) : null,
      needs[2] ? scaled(matmul(tr(as), g)) : null,
    ];
  });
  return out;
}

/** beta * input + alpha * (mat1 @ mat2) for matrices mat1 [n, m], mat2 [m, p]; input broadcasts to [n, p] (PyTorch's addmm). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options?: AddmmOptions): Tensor {
  deviceOf('addmm', input, mat1, mat2);
  if (mat1.ndim !== 2) throw new ShapeError(`addmm: mat1 must be a matrix, got ${mat1.ndim}-D tensor of shape ${fmtShape(mat1.shape)}`);
  if (mat2.ndim !== 2) throw new ShapeError(`addmm: mat2 must be a matrix, got ${mat2.ndim}-D tensor of shape ${fmtShape(mat2.shape)}`);
  if (mat1.shape[1] !== mat2.shape[0])
    throw new ShapeError(`addmm: mat1 and mat2 shapes cannot be multiplied (${mat1.shape[0]}x${mat1.shape[1]} and ${mat2.shape[0]}x${mat2.shape[1]})`);
  productDtype('addmm', [['input', input], ['mat1', mat1], ['mat2', mat2]]);
  return addProduct('addmm', input, mat1, mat2, [mat1.shape[0]!, mat2.shape[1]!], options, transpose2d);
}

/** beta * input + alpha * bmm(batch1, batch2); input broadcasts to [B, n, p] (PyTorch's baddbmm). */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, options?: AddmmOptions): Tensor {
  deviceOf('baddbmm', input, batch1, batch2);
  check3d('baddbmm', batch1, batch2);
  productDtype('baddbmm', [['input', input], ['batch1', batch1], ['batch2', batch2]]);
  return addProduct('baddbmm', input, batch1, batch2, [batch1.shape[0]!, batch1.shape[1]!, batch2.shape[2]!], options, (t) => transpose(t, 1, 2));
}
