import type { Storage, TensorView } from './backend/backend.js';
import { getBackendObject, traceTransfer } from './backend/registry.js';
import { type Node, RETAIN, type RemovableHandle, type TensorHook } from './autograd/node.js';
import { isGradEnabled, setGradEnabled } from './autograd/grad-mode.js';
import { edgeOf } from './autograd/record.js';
import type { BackwardOptions } from './autograd/engine.js';
import type * as R from './ops/reduce.js';
import type * as S from './ops/scan.js';
import type { MultinomialOptions } from './ops/multinomial.js';
import type { BernoulliOptions } from './ops/bernoulli.js';
import type { NormalOptions } from './ops/normal.js';
import type { NonzeroOptions } from './ops/nonzero.js';
import type { UniqueOptions } from './ops/unique.js';
import type { TensorOrScalar } from './ops/util.js';
import type { GeneratedTensorMethods } from './generated/methods.js';

import { type DType, type HostArray, isFloat } from './dtype.js';
import { DeviceError, DTypeError, ValueError, fmtShape } from './errors.js';
import { release, retain, track, unwatch, watch } from './memory.js';
import { contiguousStrides, isContiguous, numel } from './shape.js';

export type NestedArray = number | boolean | NestedArray[];
type Sizes = (number | readonly number[])[];

/** Methods attached in methods.ts; each forwards to the op function of the same name (the generated ops' methods come from generated/methods.ts). */
export interface Tensor extends GeneratedTensorMethods {
    backward(gradient?: Tensor | null, options?: BackwardOptions): void;
    add(other: TensorOrScalar, alpha?: number): Tensor;
    sub(other: TensorOrScalar, alpha?: number): Tensor;
    square(): Tensor;
    softplus(beta?: number, threshold?: number): Tensor;
    polygamma(n: number): Tensor;
    bernoulli(p?: number | BernoulliOptions, options?: BernoulliOptions): Tensor;
    bernoulli_(p?: number | Tensor, options?: BernoulliOptions): Tensor;
    normal_(mean?: number, std?: number, options?: NormalOptions): Tensor;
    nonzero(options?: NonzeroOptions): Promise<Tensor | Tensor[]>;
    nonzeroSync(options?: NonzeroOptions): Tensor | Tensor[];
    maskedSelect(mask: Tensor): Promise<Tensor>;
    maskedSelectSync(mask: Tensor): Tensor;
    unique(options?: UniqueOptions): Promise<Tensor | Tensor[]>;
    uniqueSync(options?: UniqueOptions): Tensor | Tensor[];
    clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    where(condition: Tensor, other: TensorOrScalar): Tensor;
    sum(dim?: R.Dims | R.ReduceOptions, keepdim?: boolean): Tensor;
    prod(dim?: R.Dims | R.ReduceOptions, keepdim?: boolean): Tensor;
    mean(dim?: R.Dims | R.ReduceOptions, keepdim?: boolean): Tensor;
    amax(dim?: R.Dims | R.ReduceOptions, keepdim?: boolean): Tensor;
    amin(dim?: R.Dims | R.ReduceOptions, keepdim?: boolean): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): R.ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): R.ValuesIndices;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    logsumexp(dim?: R.Dims | R.ReduceOptions, keepdim?: boolean): Tensor;
    var(dim?: R.Dims | R.VarOptions, opts?: R.VarOptions | boolean): Tensor;
    std(dim?: R.Dims | R.VarOptions, opts?: R.VarOptions | boolean): Tensor;
    norm(p?: number | 'fro' | null, dim?: R.Dims, keepdim?: boolean): Tensor;
    all(dim?: number, keepdim?: boolean): Tensor;
    any(dim?: number, keepdim?: boolean): Tensor;
    matmul(other: Tensor): Tensor;
    bmm(batch2: Tensor): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, options?: { beta?: number; alpha?: number }): Tensor;
    baddbmm(batch1: Tensor, batch2: Tensor, options?: { beta?: number; alpha?: number }): Tensor;
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(dim?: number): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    takeAlongDim(indices: Tensor, dim?: number | null): Tensor;
    maskedFill(mask: Tensor, value: number | Tensor): Tensor;
    indexPut(indices: readonly Tensor[], values: Tensor | number, accumulate?: boolean): Tensor;
    cumsum(dim: number): Tensor;
    cumprod(dim: number): Tensor;
    sort(dim?: number | S.SortOptions, descending?: boolean): R.ValuesIndices;
    argsort(dim?: number, descending?: boolean): Tensor;
    topk(k: number, dim?: number | S.TopkOptions, largest?: boolean): R.ValuesIndices;
    reshape(...shape: Sizes): Tensor;
    view(...shape: Sizes): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    permute(...dims: Sizes): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    /** All dims reversed (PyTorch's `T`). */
    readonly T: Tensor;
    /** The last two dims swapped (PyTorch's `mT`; needs at least 2 dims). */
    readonly mT: Tensor;
    expand(...sizes: Sizes): Tensor;
    expandAs(other: Tensor): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    select(dim: number, index: number): Tensor;
    split(sizeOrSections: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    unbind(dim?: number): Tensor[];
    repeat(...repeats: Sizes): Tensor;
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    contiguous(): Tensor;
    /** numSamples category indices per row drawn by the weights in this tensor (int32; see multinomial). */
    multinomial(numSamples: number, options?: MultinomialOptions | boolean): Tensor;
    /** Reversed along dims (a copy). */
    flip(...dims: (number | readonly number[])[]): Tensor;
    roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor;
    outer(vec2: Tensor): Tensor;
    diag(diagonal?: number): Tensor;
    trace(): Tensor;
    diff(n?: number | { n?: number; dim?: number; prepend?: Tensor | null; append?: Tensor | null }, dim?: number, options?: { prepend?: Tensor | null; append?: Tensor | null }): Tensor;
    lerp(end: Tensor, weight: number | Tensor): Tensor;
    isclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): Tensor;
    /** Whether every element is close to other's; reads back, so async (allcloseSync on cpu, wasm, native). */
    allclose(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): Promise<boolean>;
    allcloseSync(other: Tensor, options?: { rtol?: number; atol?: number; equalNan?: boolean }): boolean;
    /** Same shape and values; async (equalSync on cpu, wasm, native). */
    equal(other: Tensor): Promise<boolean>;
    equalSync(other: Tensor): boolean;
    cross(other: Tensor, dim?: number | null): Tensor;
    repeatInterleave(repeats: number | Tensor, dim?: number | null): Tensor;
    tile(...dims: Sizes): Tensor;
    hypot(other: Tensor): Tensor;
    cummax(dim: number): R.ValuesIndices;
    cummin(dim: number): R.ValuesIndices;
    logcumsumexp(dim: number): Tensor;
    median(): Tensor;
    median(dim: number, keepdim?: boolean): R.ValuesIndices;
    kthvalue(k: number, dim?: number, keepdim?: boolean): R.ValuesIndices;
    quantile(q: number | Tensor, dim?: number | null | { dim?: number | null; keepdim?: boolean; interpolation?: 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest' }, keepdim?: boolean, interpolation?: 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest'): Tensor;
    bincount(options?: { weights?: Tensor | null; minlength?: number }): Tensor;
    /** int32 (PyTorch's int64, narrowed): float values must fit int32. */
    long(): Tensor;
    /** This tensor in other's dtype. */
    typeAs(other: Tensor): Tensor;
    /** A view with other's shape. */
    viewAs(other: Tensor): Tensor;
    /** Reshaped to other's shape. */
    reshapeAs(other: Tensor): Tensor;
    clone(): Tensor;
    to(target: string | DType): Tensor;
    toAsync(device: string): Promise<Tensor>;
    /**
     * PyTorch's `x.cpu()`: `x.to('cpu')`, this tensor itself when it is already
     * there. From a device without synchronous readback (webgpu) it throws a
     * DeviceError that names `await x.toAsync('cpu')`.
     */
    cpu(): Tensor;
    /**
     * There is no CUDA device: always throws a DeviceError that names Tensile's
     * spelling (`x.to('webgpu')`, `x.to('native')`, ...).
     */
    cuda(): never;
    /**
     * There is no NumPy in JavaScript: always throws a ValueError that names
     * Tensile's spelling (`await x.data()` for a typed array, `await x.tolist()`
     * for nested arrays).
     */
    numpy(): never;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    add_(other: TensorOrScalar, alpha?: number): Tensor;
    sub_(other: TensorOrScalar, alpha?: number): Tensor;
    mul_(other: TensorOrScalar): Tensor;
    div_(other: TensorOrScalar): Tensor;
    pow_(other: TensorOrScalar): Tensor;
    zero_(): Tensor;
    fill_(value: number | boolean | Tensor): Tensor;
    copy_(src: Tensor): Tensor;
    clamp_(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
    maskedFill_(mask: Tensor, value: number | Tensor): Tensor;
  }


/**
 * A tensor handle: a strided view onto reference-counted storage on one
 * device. Ops live in `ops/` and are attached as methods in `methods.ts`.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface merged in methods.ts declares the methods it installs on the prototype
export class Tensor implements TensorView {
  declare readonly _isTensor: true;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  readonly storage: Storage;
  /** The autograd node that produced this tensor (null for leaves). */
  private _gradFn: Node | null = null;
  /** @internal A saved tensor: owned by its node, so it must not keep that node alive. */
  _weakGraph = false;
  /** Which output of gradFn this tensor is. */
  outputNr = 0;
  /** Accumulated gradient (owned by this tensor; no scope disposes it). */
  grad: Tensor | null = null;
  /** @internal The requiresGrad flag itself; read it through _requiresGrad (a view syncs with its base first). */
  _rg = false;
  /** @internal */ _retainsGrad = false;
  /** @internal */ _kept = false;
  /** @internal */ _disposed = false;
  /** @internal Registered with the finalizer (the safety net for handles no scope owns). */
  _watched = false;
  /** @internal AccumulateGrad node of a leaf, created on first use. */
  _accumulator: Node | null = null;
  /** @internal Host copy of values given from JS (index and length tensors), valid while storage.version is _hostVersion. */
  _host: HostArray | null = null;
  /** @internal */ _hostVersion = 0;
  /**
   * @internal For a view (PyTorch's `_base`): the tensor that owns the memory, never itself a view,
   * and how to make this view of it again (`_viewFn(base)` replays the view ops). An in-place write
   * through the view rebases the base's history (CopySlices), and the view's history is replayed
   * from the base whenever the shared version counter moved since it was last set.
   */
  _viewBase: Tensor | null = null;
  /** @internal */ _viewFn: ((base: Tensor) => Tensor) | null = null;
  /** @internal The storage version at which this view's gradFn was last set or replayed. */
  _viewVersion = 0;
  /**
   * @internal How the view was made, where PyTorch forbids writing it in place under autograd:
   * 'noGrad' (made in noGrad mode) or the node name of a multi-output view op (split, unbind).
   */
  _viewCreation: string | null = null;

  /** @internal Use the creation functions; this wraps a storage in a new handle. */
  constructor(storage: Storage, shape: readonly number[], strides: readonly number[], offset: number) {
    this.storage = storage;
    this.dtype = storage.dtype;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    retain(storage);
    track(this);
  }

  get device(): string {
    return this.storage.backend.name;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  numel(): number {
    return numel(this.shape);
  }

  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return this.shape.slice();
    const d = dim < 0 ? dim + this.shape.length : dim;
    if (d < 0 || d >= this.shape.length) throw new ValueError(`size: dim ${dim} out of range for a ${this.shape.length}-d tensor`);
    return this.shape[d]!;
  }

  dim(): number {
    return this.shape.length;
  }

  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** The autograd node that produced this tensor (null for leaves). */
  get gradFn(): Node | null {
    if (this._viewBase !== null && this._viewVersion !== this.storage.version) this._syncView();
    return this._gradFn;
  }

  /** @internal Whether autograd tracks this tensor (a view first catches up with its base's history). */
  get _requiresGrad(): boolean {
    if (this._viewBase !== null && this._viewVersion !== this.storage.version) this._syncView();
    return this._rg;
  }

  set _requiresGrad(value: boolean) {
    this._rg = value;
  }

  /**
   * @internal Replays this view from its base so its history is the base's current one (PyTorch
   * regenerates a view's grad_fn the same way when the version counter moved).
   */
  _syncView(): void {
    const base = this._viewBase!;
    this._viewVersion = this.storage.version;
    if (this._viewCreation === 'noGrad' || this._viewFn === null) return;
    if (this._gradFn === null && !base._rg) return;
    // A handle with the base's autograd identity (the base itself may have been disposed).
    const b = new Tensor(base.storage, base.shape, base.strides, base.offset);
    b.gradFn = base._gradFn;
    b.outputNr = base.outputNr;
    b._rg = base._rg;
    if (base._gradFn === null && base._rg) b._accumulator = edgeOf(base)!.node;
    const prev = isGradEnabled();
    setGradEnabled(true);
    let v: Tensor;
    try {
      v = this._viewFn(b);
    } finally {
      setGradEnabled(prev);
    }
    this.gradFn = v._gradFn;
    this.outputNr = v.outputNr;
    this._rg = v._rg;
    v.dispose();
    b.dispose();
  }

  /**
   * Handles count as references to their node, so a graph that no live tensor
   * can reach frees its saved tensors at once (no backward needed).
   */
  set gradFn(node: Node | null) {
    if (this._viewBase !== null) this._viewVersion = this.storage.version;
    if (node === this._gradFn) return;
    if (!this._weakGraph && !this._disposed) {
      node?.ref();
      this._gradFn?.unref();
    }
    this._gradFn = node;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** Sets requiresGrad on a leaf, as PyTorch's `requires_grad_()`. */
  requiresGrad_(value = true): this {
    if (!this.isLeaf && !value)
      throw new ValueError('requiresGrad_: you can only change requiresGrad flags of leaf tensors; use detach() to get a tensor without a graph');
    if (value && !isFloat(this.dtype))
      throw new DTypeError(`requiresGrad_: only floating point tensors can require gradients, got ${this.dtype}`);
    this._requiresGrad = value;
    return this;
  }

  /** Keeps `.grad` for a non-leaf tensor after backward. */
  retainGrad(): this {
    if (!this._requiresGrad) throw new ValueError("retainGrad: can't retain the gradient of a tensor that does not require grad");
    if (this.gradFn === null) return this;
    this._retainsGrad = true;
    const node = this.gradFn;
    if (node.retained === null) node.retained = new Map();
    if (!node.retained.has(this.outputNr)) node.addHook(this.outputNr, RETAIN);
    node.retained.set(this.outputNr, this);
    return this;
  }

  /**
   * Registers a hook on this tensor's gradient (PyTorch's `register_hook`): during backward `fn(grad)`
   * runs when the gradient with respect to this tensor is complete, before it is accumulated into a
   * leaf's `.grad` or flows on; returning a tensor (of the same shape) replaces the gradient. Several
   * hooks run in registration order, each seeing the previous one's result. Returns a handle whose
   * `remove()` unregisters the hook.
   */
  registerHook(fn: TensorHook): RemovableHandle {
    this._live('registerHook');
    if (typeof fn !== 'function') throw new ValueError(`registerHook: expected a function, got ${typeof fn}`);
    if (!this._requiresGrad) throw new ValueError(`registerHook: cannot register a hook on a tensor that doesn't require gradient (shape ${fmtShape(this.shape)})`);
    const e = edgeOf(this)!;
    return e.node.addHook(e.nr, fn);
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  /** Releases this handle's reference to its storage; storage is freed when no handle, view or saved tensor needs it. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    unwatch(this);
    release(this.storage);
    if (this._gradFn !== null && !this._weakGraph) this._gradFn.unref();
    if (this.grad !== null) {
      this.grad.dispose();
      this.grad = null;
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** @internal Throws when used after dispose. */
  _live(op: string): this {
    if (this._disposed) throw new ValueError(`${op}: tensor of shape ${fmtShape(this.shape)} was disposed`);
    return this;
  }

  /**
   * @internal Points this handle at src's data, as PyTorch's `t.data = src`:
   * the same object (so an optimizer's list of parameters follows it to a new
   * device), with its autograd identity; graphs that saved the old data keep
   * their own references to it.
   */
  _setData(src: Tensor): void {
    this._live('setData');
    src._live('setData');
    if (src.dtype !== this.dtype) throw new DTypeError(`setData: expected data of dtype ${this.dtype}, got ${src.dtype}`);
    const watched = this._watched;
    unwatch(this);
    retain(src.storage);
    release(this.storage);
    const self = this as { -readonly [K in 'storage' | 'shape' | 'strides' | 'offset']: Tensor[K] };
    self.storage = src.storage;
    self.shape = src.shape.slice();
    self.strides = src.strides.slice();
    self.offset = src.offset;
    this._host = null;
    if (watched) watch(this);
  }

  /** @internal A new handle on the same view, with the same autograd identity (used for saved tensors). */
  _alias(weak = false): Tensor {
    const t = new Tensor(this.storage, this.shape, this.strides, this.offset);
    t._weakGraph = weak;
    t.gradFn = this.gradFn;
    t.outputNr = this.outputNr;
    t._requiresGrad = this._requiresGrad;
    return t;
  }

  /** A new handle on the same data that is cut from the graph (PyTorch's `detach()`). */
  detach(): Tensor {
    this._live('detach');
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }

  /** A host copy of the elements in row-major order. Portable: works on every backend. */
  async data(): Promise<HostArray> {
    this._live('data');
    const b = this.storage.backend;
    if (this.isContiguous()) {
      const n = this.numel();
      const out = await b.read(this.storage, this.offset, n);
      traceTransfer('readback', b.name, out.byteLength);
      return out;
    }
    const c = (this as unknown as { contiguous(): Tensor }).contiguous();
    try {
      return await c.data();
    } finally {
      c.dispose();
    }
  }

  /** Synchronous host copy; only on backends that can read synchronously (cpu, wasm, native). */
  dataSync(): HostArray {
    return this._readSync('dataSync', 'await x.data()');
  }

  /** @internal dataSync under another name: the error on an async-only device names the portable spelling. */
  _readSync(op: string, portable: string): HostArray {
    this._live(op);
    const b = this.storage.backend;
    if (!b.syncReadback || b.readSync === undefined)
      throw new DeviceError(`${op}: device "${b.name}" cannot read synchronously; use ${portable}`);
    if (this.isContiguous()) {
      const out = b.readSync(this.storage, this.offset, this.numel());
      traceTransfer('readback', b.name, out.byteLength);
      return out;
    }
    const c = (this as unknown as { contiguous(): Tensor }).contiguous();
    try {
      return c._readSync(op, portable);
    } finally {
      c.dispose();
    }
  }

  /** The value of a one-element tensor, as PyTorch's `item()`. Portable: works on every backend. */
  async item(): Promise<number> {
    if (this.numel() !== 1)
      throw new ValueError(`item: a Tensor with ${this.numel()} elements cannot be converted to a scalar`);
    return (await this.data())[0]!;
  }

  /** Synchronous `item()`; only on backends that can read synchronously (cpu, wasm, native). */
  itemSync(): number {
    if (this.numel() !== 1)
      throw new ValueError(`itemSync: a Tensor with ${this.numel()} elements cannot be converted to a scalar`);
    return this._readSync('itemSync', 'await x.item()')[0]!;
  }

  /** Nested JS arrays (numbers; booleans for bool tensors), as PyTorch's `tolist()`. */
  async tolist(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype);
  }

  /** Synchronous `tolist()`; only on backends that can read synchronously (cpu, wasm, native). */
  tolistSync(): NestedArray {
    return nest(this._readSync('tolistSync', 'await x.tolist()'), this.shape, this.dtype);
  }

  toString(): string {
    if (this._disposed) return `tensor(<disposed>, shape=${fmtShape(this.shape)})`;
    const b = this.storage.backend;
    const extras: string[] = [];
    if (b.name !== 'cpu') extras.push(`device='${b.name}'`);
    if (this.dtype !== 'float32' && !(this.dtype === 'bool') && !(this.dtype === 'int32' && this.numel() > 0)) extras.push(`dtype=${this.dtype}`);
    if (this.dtype === 'int32' && this.numel() === 0) extras.push('dtype=int32');
    if (this.gradFn !== null) extras.push(`gradFn=<${this.gradFn.name}>`);
    else if (this._requiresGrad) extras.push('requiresGrad=true');
    let body: string;
    if (!b.syncReadback) body = `<${this.numel()} values on ${b.name}; await data()>`;
    else body = formatValues(this.dataSync(), this.shape, this.dtype);
    if (this.numel() === 0) body = '[]';
    if (this.numel() === 0 && this.ndim > 1) extras.unshift(`size=(${this.shape.join(', ')})`);
    return `tensor(${body}${extras.map((e) => `, ${e}`).join('')})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
Object.defineProperty(Tensor.prototype, '_isTensor', { value: true });

export function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && (x as { _isTensor?: boolean })._isTensor === true;
}

/** @internal A fresh contiguous tensor with unspecified contents on `device`. */
export function emptyOn(device: string | undefined, shape: readonly number[], dtype: DType): Tensor {
  const b = getBackendObject(device);
  if (dtype === 'float64' && !b.supportsFloat64)
    throw new DTypeError(`device "${b.name}" has no float64 support; use float32`);
  return new Tensor(b.alloc(dtype, numel(shape)), shape, contiguousStrides(shape), 0);
}

function nest(data: HostArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(data[0]!);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const n = shape[d]!;
    const out: NestedArray[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = d === shape.length - 1 ? conv(data[pos++]!) : build(d + 1);
    return out;
  };
  return build(0);
}

function formatValues(data: HostArray, shape: readonly number[], dtype: DType): string {
  const n = data.length;
  const summarize = n > 1000;
  let fmt: (v: number) => string;
  if (dtype === 'bool') fmt = (v) => (v ? 'True' : 'False');
  else if (dtype === 'int32') fmt = (v) => String(v);
  else {
    let allInt = true;
    let maxAbs = 0;
    let minAbs = Infinity;
    for (let i = 0; i < n; i++) {
      const v = data[i]!;
      if (!Number.isFinite(v)) continue;
      if (!Number.isInteger(v)) allInt = false;
      const a = Math.abs(v);
      if (a > maxAbs) maxAbs = a;
      if (a !== 0 && a < minAbs) minAbs = a;
    }
    const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
    if (allInt && maxAbs < 1e8) fmt = (v) => (Number.isFinite(v) ? `${v}.` : special(v));
    else if (maxAbs >= 1e8 || (minAbs < 1e-4 && minAbs !== Infinity) || maxAbs / minAbs > 1000)
      fmt = (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
    else fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
  }
  const strs: string[] = new Array(n);
  let width = 0;
  for (let i = 0; i < n; i++) {
    const s = fmt(data[i]!);
    strs[i] = s;
    if (s.length > width) width = s.length;
  }
  if (shape.length === 0) return strs[0]!;
  const strides = contiguousStrides(shape);
  const render = (d: number, off: number, indent: number): string => {
    const len = shape[d]!;
    const idx: (number | null)[] = [];
    if (summarize && len > 6) {
      for (let i = 0; i < 3; i++) idx.push(i);
      idx.push(null);
      for (let i = len - 3; i < len; i++) idx.push(i);
    } else for (let i = 0; i < len; i++) idx.push(i);
    if (d === shape.length - 1) return `[${idx.map((i) => (i === null ? '...' : strs[off + i]!.padStart(width))).join(', ')}]`;
    const sep = `,${'\n'.repeat(shape.length - 1 - d)}${' '.repeat(indent + 1)}`;
    return `[${idx.map((i) => (i === null ? '...' : render(d + 1, off + i * strides[d]!, indent + 1))).join(sep)}]`;
  };
  return render(0, 0, 'tensor('.length);
}
