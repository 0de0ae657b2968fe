import type { DType, HostArray } from '../dtype.js';
import type { BinaryOp, CompositeOp, PrimitiveOp, ReduceOp, ScanOp, ScatterOp, UnaryOp } from '../ops/table.js';

/**
 * A block of device memory holding `size` elements of one dtype. Backends
 * extend it with their own handle (a typed array, a wasm pointer, a GPUBuffer,
 * a native pointer). Core owns `refs` and `version`; the backend never touches them.
 */
export interface Storage {
  readonly backend: Backend;
  readonly dtype: DType;
  readonly size: number;
  /** Live handles (tensors, views, saved tensors) that share this storage. */
  refs: number;
  /** Bumped by every in-place write, checked by autograd's saved tensors. */
  version: number;
}

/** What a kernel sees of a tensor: storage plus a strided window onto it. */
export interface TensorView {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** A value-dependent input check: an element fails when below min, above max (both inclusive bounds), or NaN if nanFails. */
export interface ValueCheck {
  readonly min?: number;
  readonly max?: number;
  readonly nanFails: boolean;
}

export interface MemoryInfo {
  /** Live storages allocated by this backend. */
  readonly tensors: number;
  /** Bytes held by live storages. */
  readonly bytes: number;
  /**
   * The most bytes live at once since the backend started or `resetPeakMemory()` was last called,
   * kernel scratch included (every backend of this repository reports it).
   */
  readonly peakBytes?: number;
  readonly [key: string]: number | undefined;
}

/**
 * Kernel signatures per kind. Core validates arguments, infers output shape and
 * dtype, allocates `out` (contiguous unless stated) and only then calls the kernel.
 */
export interface KernelSignatures {
  /** out = f(x); x has out's shape (any strides); out is contiguous. */
  unary: (x: TensorView, out: TensorView) => void;
  /** out = a op b; tensor inputs are already broadcast to out's shape (stride 0 on broadcast dims); a number is a scalar operand. */
  binary: (a: TensorView | number, b: TensorView | number, out: TensorView) => void;
  /** out = cond ? a : b, inputs broadcast to out's shape; cond is bool. */
  where: (cond: TensorView, a: TensorView | number, b: TensorView | number, out: TensorView) => void;
  /**
   * dst = src elementwise, converted to dst.dtype (float to int truncates toward zero; to bool is
   * x != 0); same shape; dst may be any non-overlapping strided view of live storage. Casts are copies.
   */
  copy: (src: TensorView, dst: TensorView) => void;
  /** Every element of dst (any strides) set to value. */
  fill: (dst: TensorView, value: number) => void;
  /** x is a contiguous [outer, r, inner] view; out is contiguous [outer, inner]. r may be 0. */
  reduce: (x: TensorView, out: TensorView) => void;
  /** a: [B, M, K], b: [B, K, N] with any strides (batch stride 0 broadcasts); out contiguous [B, M, N]. */
  matmul: (a: TensorView, b: TensorView, out: TensorView) => void;
  /** out = x gathered along dim by int32 index; x, index and out have one rank >= 1 (core turns 0-d operands into [1]); out has index's shape. Indices are in range. */
  gather: (x: TensorView, index: TensorView, dim: number, out: TensorView) => void;
  /** In place into contiguous dst: dst[.. index[p] ..] (+)= src[p] for every position p of index (index.shape <= src.shape); dst, index and src have one rank >= 1. */
  scatter: (dst: TensorView, index: TensorView, src: TensorView, dim: number) => void;
  /** x is a contiguous [outer, n, inner] view; out has the same layout. */
  scan: (x: TensorView, out: TensorView) => void;
  /** x contiguous [outer, n, inner]; values and int32 indices the same layout; stable. */
  sort: (x: TensorView, values: TensorView, indices: TensorView, descending: boolean) => void;
}

type KindOf<O extends PrimitiveOp> = O extends UnaryOp
  ? 'unary'
  : O extends BinaryOp
    ? 'binary'
    : O extends ReduceOp
      ? 'reduce'
      : O extends ScanOp
        ? 'scan'
        : O extends ScatterOp
          ? 'scatter'
          : O extends keyof KernelSignatures
            ? O
            : never;

export type Kernel<O extends PrimitiveOp> = KernelSignatures[KindOf<O>];

/** A fused kernel for a composite: takes the composite's tensor inputs and options, returns its output views' storages. */
export type FusedKernel = (inputs: readonly TensorView[], options: Readonly<Record<string, unknown>>, out: TensorView) => void;

export type KernelTable = { [O in PrimitiveOp]?: Kernel<O> } & { [O in CompositeOp]?: FusedKernel };

/**
 * A compute device. Storage management and readback are the backend's; all
 * compute goes through kernels registered for it. Nothing here may assume
 * synchronous or in-JS memory: readback is async, sync readback is optional.
 */
export interface Backend {
  readonly name: string;
  /** float64 storage and kernels are available. */
  readonly supportsFloat64: boolean;
  /** readSync exists and works (cpu, wasm, native); false on GPUs. */
  readonly syncReadback: boolean;
  /** Asynchronous start-up (wasm instantiation, adapter request). Rejects with the reason the backend cannot start. */
  init(): Promise<void>;
  /** True once init has resolved. */
  readonly isReady: boolean;
  /** Why init failed, when it did. */
  readonly unavailableReason?: string | undefined;
  /** Storage of `size` elements with unspecified contents. */
  alloc(dtype: DType, size: number): Storage;
  /** Storage holding a copy of `data`. */
  fromHost(data: HostArray, dtype: DType): Storage;
  /** A host copy of `size` elements of storage starting at `offset`. */
  read(storage: Storage, offset: number, size: number): Promise<HostArray>;
  readSync?(storage: Storage, offset: number, size: number): HostArray;
  /** Returns storage memory to the backend's allocator. Called once, when refs reach 0. */
  free(storage: Storage): void;
  memory(): MemoryInfo;
  /** Starts a new peak: `memory().peakBytes` becomes the bytes live now. */
  resetPeakMemory?(): void;
  /** Waits for submitted work; throws deferred device-side errors (out-of-range indices found on the device). */
  sync(): Promise<void>;
  /**
   * Devices without synchronous readback: checks every element of x on the
   * device; when one fails, the next read()/sync() throws error(value). Core
   * calls it only where the values have no host copy.
   */
  deferCheck?(x: TensorView, check: ValueCheck, error: (value: number) => Error): void;
}
