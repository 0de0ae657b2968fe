/**
 * Tensor methods: each forwards to the functional op of the same name, as
 * PyTorch's `x.exp()` mirrors `torch.exp(x)`. Kept apart from tensor.ts so the
 * class does not import every op module.
 */
import { backward as runBackward, type BackwardOptions, setEngineOps } from './autograd/engine.js';
import { noGrad } from './autograd/grad-mode.js';
import { onesLike } from './creation.js';
import { type DType, isDType } from './dtype.js';
import { castTo, toDtype } from './ops/cast.js';
import { toDevice, toDeviceAsync } from './ops/device.js';
import * as E from './ops/elementwise.js';
import { GENERATED_METHODS } from './generated/methods.js';
import * as I from './ops/indexing.js';
import * as P from './ops/inplace.js';
import { addmm, baddbmm, bmm, matmul, type AddmmOptions } from './ops/matmul.js';
import { tril, triu } from './ops/tri.js';
import * as R from './ops/reduce.js';
import * as S from './ops/scan.js';
import { logSoftmax, softmax } from './ops/softmax.js';
import type { TensorOrScalar } from './ops/util.js';
import * as V from './ops/view.js';
import * as X from './ops/tensor-ops.js';
import { multinomial, type MultinomialOptions } from './ops/multinomial.js';
import { polygamma } from './ops/polygamma.js';
import { bernoulli, bernoulli_, type BernoulliOptions } from './ops/bernoulli.js';
import { normal_, type NormalOptions } from './ops/normal.js';
import * as NZ from './ops/nonzero.js';
import * as U from './ops/unique.js';
import { DeviceError, ValueError } from './errors.js';
import { Tensor } from './tensor.js';
import { tile } from './ops/tile.js';
import { hypot } from './ops/hypot.js';
import { cummax, cummin } from './ops/cumextreme.js';
import { logcumsumexp } from './ops/logcumsumexp.js';
import { median } from './ops/median.js';
import { kthvalue } from './ops/kthvalue.js';
import { quantile, type QuantileInterpolation, type QuantileOptions } from './ops/quantile.js';
import { bincount, type BincountOptions } from './ops/bincount.js';

setEngineOps({
  add: (a, b) => E.add(a, b),
  addInPlace: (a, b) => void noGrad(() => P.add_(a, b)),
  onesLike: (t) => onesLike(t),
  clone: (t) => V.clone(t),
  cast: (t, dtype) => castTo(t, dtype),
});

type Sizes = (number | readonly number[])[];

type Method = (this: Tensor, ...args: never[]) => unknown;
const methods: Record<string, Method> = {
  backward(this: Tensor, gradient?: Tensor | null, options?: BackwardOptions) {
    runBackward([this], [gradient], options);
  },
  add(this: Tensor, o: TensorOrScalar, alpha?: number) { return E.add(this, o, alpha); },
  sub(this: Tensor, o: TensorOrScalar, alpha?: number) { return E.sub(this, o, alpha); },
  softplus(this: Tensor, beta?: number, threshold?: number) { return E.softplus(this, beta, threshold); },
  square(this: Tensor) { return E.square(this); },
  polygamma(this: Tensor, n: number) { return polygamma(n, this); },
  bernoulli(this: Tensor, p?: number | BernoulliOptions, o?: BernoulliOptions) { return bernoulli(this, p, o); },
  bernoulli_(this: Tensor, p?: number | Tensor, o?: BernoulliOptions) { return bernoulli_(this, p, o); },
  normal_(this: Tensor, mean?: number, std?: number, o?: NormalOptions) { return normal_(this, mean, std, o); },
  nonzero(this: Tensor, o?: NZ.NonzeroOptions) { return NZ.nonzero(this, o); },
  nonzeroSync(this: Tensor, o?: NZ.NonzeroOptions) { return NZ.nonzeroSync(this, o); },
  maskedSelect(this: Tensor, mask: Tensor) { return NZ.maskedSelect(this, mask); },
  maskedSelectSync(this: Tensor, mask: Tensor) { return NZ.maskedSelectSync(this, mask); },
  unique(this: Tensor, o?: U.UniqueOptions) { return U.unique(this, o); },
  uniqueSync(this: Tensor, o?: U.UniqueOptions) { return U.uniqueSync(this, o); },
  clamp(this: Tensor, lo?: TensorOrScalar | null, hi?: TensorOrScalar | null) { return E.clamp(this, lo, hi); },
  where(this: Tensor, c: Tensor, o: TensorOrScalar) { return E.where(c, this, o); },
  sum(this: Tensor, d?: R.Dims | R.ReduceOptions, k?: boolean) { return R.sum(this, d, k); },
  prod(this: Tensor, d?: R.Dims | R.ReduceOptions, k?: boolean) { return R.prod(this, d, k); },
  mean(this: Tensor, d?: R.Dims | R.ReduceOptions, k?: boolean) { return R.mean(this, d, k); },
  amax(this: Tensor, d?: R.Dims | R.ReduceOptions, k?: boolean) { return R.amax(this, d, k); },
  amin(this: Tensor, d?: R.Dims | R.ReduceOptions, k?: boolean) { return R.amin(this, d, k); },
  max(this: Tensor, d?: number, k?: boolean) { return d === undefined ? R.max(this) : R.max(this, d, k); },
  min(this: Tensor, d?: number, k?: boolean) { return d === undefined ? R.min(this) : R.min(this, d, k); },
  argmax(this: Tensor, d?: number | null, k?: boolean) { return R.argmax(this, d, k); },
  argmin(this: Tensor, d?: number | null, k?: boolean) { return R.argmin(this, d, k); },
  logsumexp(this: Tensor, d?: R.Dims | R.ReduceOptions, k?: boolean) { return R.logsumexp(this, d, k); },
  var(this: Tensor, d?: R.Dims | R.VarOptions, o?: R.VarOptions | boolean) { return R.variance(this, d, o); },
  std(this: Tensor, d?: R.Dims | R.VarOptions, o?: R.VarOptions | boolean) { return R.std(this, d, o); },
  norm(this: Tensor, p?: number | 'fro' | null, d?: R.Dims, k?: boolean) { return R.norm(this, p, d, k); },
  all(this: Tensor, d?: number, k?: boolean) { return R.all(this, d, k); },
  any(this: Tensor, d?: number, k?: boolean) { return R.any(this, d, k); },
  matmul(this: Tensor, o: Tensor) { return matmul(this, o); },
  bmm(this: Tensor, o: Tensor) { return bmm(this, o); },
  addmm(this: Tensor, m1: Tensor, m2: Tensor, o?: AddmmOptions) { return addmm(this, m1, m2, o); },
  baddbmm(this: Tensor, b1: Tensor, b2: Tensor, o?: AddmmOptions) { return baddbmm(this, b1, b2, o); },
  tril(this: Tensor, d?: number) { return tril(this, d); },
  triu(this: Tensor, d?: number) { return triu(this, d); },
  softmax(this: Tensor, d?: number) { return softmax(this, d); },
  logSoftmax(this: Tensor, d?: number) { return logSoftmax(this, d); },
  gather(this: Tensor, d: number, i: Tensor) { return I.gather(this, d, i); },
  scatter(this: Tensor, d: number, i: Tensor, s: Tensor | number) { return I.scatter(this, d, i, s); },
  scatterAdd(this: Tensor, d: number, i: Tensor, s: Tensor) { return I.scatterAdd(this, d, i, s); },
  indexSelect(this: Tensor, d: number, i: Tensor) { return I.indexSelect(this, d, i); },
  takeAlongDim(this: Tensor, i: Tensor, d?: number | null) { return I.takeAlongDim(this, i, d); },
  maskedFill(this: Tensor, m: Tensor, v: number | Tensor) { return I.maskedFill(this, m, v); },
  indexPut(this: Tensor, i: readonly Tensor[], v: Tensor | number, acc?: boolean) { return I.indexPut(this, i, v, acc); },
  cumsum(this: Tensor, d: number) { return S.cumsum(this, d); },
  cumprod(this: Tensor, d: number) { return S.cumprod(this, d); },
  sort(this: Tensor, d?: number | S.SortOptions, desc?: boolean) { return S.sort(this, d, desc); },
  argsort(this: Tensor, d?: number, desc?: boolean) { return S.argsort(this, d, desc); },
  topk(this: Tensor, k: number, d?: number | S.TopkOptions, l?: boolean) { return S.topk(this, k, d, l); },
  reshape(this: Tensor, ...s: Sizes) { return V.reshape(this, ...s); },
  view(this: Tensor, ...s: Sizes) { return V.view(this, ...s); },
  flatten(this: Tensor, s?: number, e?: number) { return V.flatten(this, s, e); },
  unflatten(this: Tensor, d: number, s: readonly number[]) { return V.unflatten(this, d, s); },
  permute(this: Tensor, ...d: Sizes) { return V.permute(this, ...d); },
  transpose(this: Tensor, a: number, b: number) { return V.transpose(this, a, b); },
  t(this: Tensor) { return V.t(this); },
  expand(this: Tensor, ...s: Sizes) { return V.expand(this, ...s); },
  expandAs(this: Tensor, o: Tensor) { return V.expandAs(this, o); },
  squeeze(this: Tensor, d?: number | readonly number[]) { return V.squeeze(this, d); },
  unsqueeze(this: Tensor, d: number) { return V.unsqueeze(this, d); },
  narrow(this: Tensor, d: number, s: number, l: number) { return V.narrow(this, d, s, l); },
  slice(this: Tensor, d: number, s?: number | null, e?: number | null, st?: number) { return V.slice(this, d, s, e, st); },
  select(this: Tensor, d: number, i: number) { return V.select(this, d, i); },
  split(this: Tensor, s: number | readonly number[], d?: number) { return V.split(this, s, d); },
  chunk(this: Tensor, c: number, d?: number) { return V.chunk(this, c, d); },
  unbind(this: Tensor, d?: number) { return V.unbind(this, d); },
  repeat(this: Tensor, ...r: Sizes) { return V.repeat(this, ...r); },
  diagonal(this: Tensor, off?: number, d1?: number, d2?: number) { return V.diagonal(this, off, d1, d2); },
  contiguous(this: Tensor) { return V.contiguous(this); },
  clone(this: Tensor) { return V.clone(this); },
  to(this: Tensor, target: string | DType) { return isDType(target) || target === 'int64' ? toDtype(this, target === 'int64' ? 'int32' : target) : toDevice(this, target); },
  toAsync(this: Tensor, device: string) { return toDeviceAsync(this, device); },
  cpu(this: Tensor) {
    if (this.device !== 'cpu' && !this.storage.backend.syncReadback)
      throw new DeviceError(`cpu: device "${this.device}" cannot read synchronously; use await x.toAsync('cpu')`);
    return toDevice(this, 'cpu');
  },
  cuda(this: Tensor): never {
    throw new DeviceError(`cuda: Tensile has no CUDA device; move a tensor with x.to('webgpu') or x.to('native') (await x.toAsync(device) from webgpu), or choose the default device with setBackend('webgpu')`);
  },
  numpy(this: Tensor): never {
    throw new ValueError(`numpy: there is no NumPy in JavaScript; use await x.data() (or x.dataSync()) for a flat typed array with x.shape, or await x.tolist() for nested arrays`);
  },
  float(this: Tensor) { return toDtype(this, 'float32'); },
  double(this: Tensor) { return toDtype(this, 'float64'); },
  int(this: Tensor) { return toDtype(this, 'int32'); },
  bool(this: Tensor) { return toDtype(this, 'bool'); },
  long(this: Tensor) { return X.toLong(this); },
  typeAs(this: Tensor, o: Tensor) { return toDtype(this, o.dtype); },
  viewAs(this: Tensor, o: Tensor) { return V.view(this, o.shape); },
  reshapeAs(this: Tensor, o: Tensor) { return V.reshape(this, o.shape); },
  multinomial(this: Tensor, n: number, o?: MultinomialOptions | boolean) { return multinomial(this, n, o); },
  flip(this: Tensor, ...d: Sizes) { return X.flip(this, (d.length === 1 ? d[0] : d) as number | number[]); },
  roll(this: Tensor, s: number | readonly number[], d?: number | readonly number[] | null) { return X.roll(this, s, d); },
  outer(this: Tensor, o: Tensor) { return X.outer(this, o); },
  diag(this: Tensor, k?: number) { return X.diag(this, k); },
  trace(this: Tensor) { return X.trace(this); },
  diff(this: Tensor, n?: number | X.DiffOptions, d?: number, o?: X.DiffOptions) { return X.diff(this, n, d, o); },
  lerp(this: Tensor, e: Tensor, w: number | Tensor) { return X.lerp(this, e, w); },
  isclose(this: Tensor, o: Tensor, opts?: X.IsCloseOptions) { return X.isclose(this, o, opts); },
  allclose(this: Tensor, o: Tensor, opts?: X.IsCloseOptions) { return X.allclose(this, o, opts); },
  allcloseSync(this: Tensor, o: Tensor, opts?: X.IsCloseOptions) { return X.allcloseSync(this, o, opts); },
  equal(this: Tensor, o: Tensor) { return X.equal(this, o); },
  equalSync(this: Tensor, o: Tensor) { return X.equalSync(this, o); },
  cross(this: Tensor, o: Tensor, d?: number | null) { return X.cross(this, o, d); },
  repeatInterleave(this: Tensor, r: number | Tensor, d?: number | null) { return X.repeatInterleave(this, r, d); },
  tile(this: Tensor, ...d: Sizes) { return tile(this, ...d); },
  hypot(this: Tensor, o: Tensor) { return hypot(this, o); },
  cummax(this: Tensor, d: number) { return cummax(this, d); },
  cummin(this: Tensor, d: number) { return cummin(this, d); },
  logcumsumexp(this: Tensor, d: number) { return logcumsumexp(this, d); },
  median(this: Tensor, d?: number, k?: boolean) { return d === undefined ? median(this) : median(this, d, k); },
  kthvalue(this: Tensor, k: number, d?: number, keep?: boolean) { return kthvalue(this, k, d, keep); },
  quantile(this: Tensor, q: number | Tensor, d?: number | null | QuantileOptions, k?: boolean, i?: QuantileInterpolation) { return quantile(this, q, d, k, i); },
  bincount(this: Tensor, o?: BincountOptions) { return bincount(this, o); },
  add_(this: Tensor, o: TensorOrScalar, alpha?: number) { return P.add_(this, o, alpha); },
  sub_(this: Tensor, o: TensorOrScalar, alpha?: number) { return P.sub_(this, o, alpha); },
  mul_(this: Tensor, o: TensorOrScalar) { return P.mul_(this, o); },
  div_(this: Tensor, o: TensorOrScalar) { return P.div_(this, o); },
  pow_(this: Tensor, o: TensorOrScalar) { return P.pow_(this, o); },
  zero_(this: Tensor) { return P.zero_(this); },
  fill_(this: Tensor, v: number | boolean | Tensor) { return P.fill_(this, v); },
  copy_(this: Tensor, s: Tensor) { return P.copy_(this, s); },
  clamp_(this: Tensor, lo?: TensorOrScalar | null, hi?: TensorOrScalar | null) { return P.clamp_(this, lo, hi); },
  maskedFill_(this: Tensor, m: Tensor, v: number | Tensor) { return P.maskedFill_(this, m, v); },
};
Object.assign(methods, GENERATED_METHODS);
for (const [name, fn] of Object.entries(methods)) Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) {
    return V.permute(this, this.shape.map((_, i) => this.ndim - 1 - i));
  },
  configurable: true,
});
Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor) {
    return V.matrixTranspose(this);
  },
  configurable: true,
});


