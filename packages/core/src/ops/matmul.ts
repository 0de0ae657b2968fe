import { kernel } from '../backend/registry.js';
import { noGrad } from '../autograd/grad-mode.js';
import { needsGrad, record } from '../autograd/record.js';
import { promoteTypes } from '../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../errors.js';
import { tidy } from '../memory.js';
import { broadcastShapes, numel, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { castTo } from './cast.js';
import { add } from './elementwise.js';
import { sum } from './reduce.js';
import { deviceOf, empty } from './util.js';
import { expand, reshape, squeeze, t as transpose2d, transpose, unsqueeze } from './view.js';

/** The batched-matrix-product primitive on 3-d inputs [B, M, K] x [B, K, N]. */
function bmm(a: Tensor, b: Tensor): Tensor {
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
      return [needs[0] && bs ? bmm(g, transpose(bs, 1, 2)) : null, needs[1] && as ? bmm(transpose(as, 1, 2), g) : null];
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
    let out = reshape(bmm(A3, B3), [...batch, M, N]);
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
  const forward = () => tidy(() => {
    const y = matmul(x, transpose2d(weight));
    return b === null ? y : add(y, b);
  });
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
