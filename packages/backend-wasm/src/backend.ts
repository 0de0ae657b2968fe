import { type Backend, bytesPerElement, type DType, DeviceError, type HostArray, type MemoryInfo, type Storage } from '@tensile/core';
import { Allocator, OutOfMemory } from './allocator.js';
import { instantiate, instantiateSync, type KernelExports } from './module.js';

export interface WasmStorage extends Storage {
  /** Byte address in linear memory; -1 once freed. */
  ptr: number;
}

const PAGE = 65536;
/** wasm32 linear memory cannot exceed 4 GiB. */
const MAX_BYTES = 65536 * PAGE;

/** Typed views over linear memory, rebuilt after memory.grow detaches the old buffer. */
export interface Heap {
  f32: Float32Array;
  f64: Float64Array;
  i32: Int32Array;
  u8: Uint8Array;
}

/**
 * Tensors live in the kernel module's linear memory, placed by a size-class
 * allocator; readback copies out of it (a later memory.grow would detach any
 * view handed out).
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly supportsFloat64 = true;
  readonly syncReadback = true;
  isReady = false;
  unavailableReason: string | undefined = undefined;
  private exports: KernelExports | null = null;
  private allocator: Allocator | null = null;
  private starting: Promise<void> | null = null;
  private views: Heap | null = null;
  private buffer: ArrayBuffer | null = null;
  private tensors = 0;
  private bytes = 0;
  private peak = 0;
  /** Address of the module's static kernel-argument area (fixed once instantiated). */
  argsAt = 0;
  /** Scratch block for kernels that need a workspace (matmul packing, sort). */
  private workspace = { ptr: 0, bytes: 0 };

  /** @param maxBytes cap on linear memory (default 4 GiB, wasm32's limit) */
  constructor(private readonly maxBytes = MAX_BYTES) {}

  /** Instantiates the module synchronously where allowed; returns whether it is ready. Never throws: a failure becomes unavailableReason. */
  startSync(): boolean {
    if (!this.isReady && this.unavailableReason === undefined) {
      try {
        const e = instantiateSync();
        if (e !== null) this.attach(e);
      } catch (err) {
        this.unavailableReason = `WebAssembly instantiation failed: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    return this.isReady;
  }

  init(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    if (this.unavailableReason !== undefined) return Promise.reject(new DeviceError(`wasm: ${this.unavailableReason}`));
    this.starting ??= (typeof WebAssembly === 'undefined' ? Promise.reject(new Error('this JavaScript engine has no WebAssembly')) : instantiate()).then(
      (e) => this.attach(e),
      (err: unknown) => {
        this.unavailableReason = `WebAssembly instantiation failed: ${err instanceof Error ? err.message : String(err)}`;
        throw new DeviceError(`wasm: ${this.unavailableReason}`);
      },
    );
    return this.starting;
  }

  private attach(e: KernelExports): void {
    if (this.isReady) return;
    this.exports = e;
    this.argsAt = e.tn_args();
    const mem = e.memory;
    this.allocator = new Allocator(e.__heap_base.value as number, (end) => {
      if (end > this.maxBytes) return false;
      const have = mem.buffer.byteLength;
      if (end <= have) return true;
      try {
        mem.grow(Math.ceil((end - have) / PAGE));
        return true;
      } catch {
        return false; // the engine refused (RangeError): reported as out of memory by the caller
      }
    });
    this.isReady = true;
  }

  /** The module's exports; a clear error before init. */
  get kernels(): KernelExports {
    if (this.exports === null) throw new DeviceError(`wasm: the backend is not ready; await ready('wasm') first`);
    return this.exports;
  }

  /** Typed views of linear memory, valid until the next allocation. */
  heap(): Heap {
    const buf = this.kernels.memory.buffer;
    if (buf !== this.buffer || this.views === null) {
      this.buffer = buf;
      this.views = { f32: new Float32Array(buf), f64: new Float64Array(buf), i32: new Int32Array(buf), u8: new Uint8Array(buf) };
    }
    return this.views;
  }

  private rawAlloc(bytes: number, what: string): number {
    if (this.allocator === null) throw new DeviceError(`wasm: the backend is not ready; await ready('wasm') first`);
    try {
      return this.allocator.alloc(bytes);
    } catch (e) {
      if (!(e instanceof OutOfMemory)) throw e;
      const s = this.allocator.stats();
      throw new DeviceError(
        `wasm: out of memory allocating ${what} (${bytes} bytes): linear memory is ${this.kernels.memory.buffer.byteLength} bytes, ` +
          `${s.usedBytes} in use, limit ${this.maxBytes}; dispose tensors (tidy, dispose) or use a backend with more memory`,
      );
    }
  }

  alloc(dtype: DType, size: number): WasmStorage {
    const bytes = size * bytesPerElement(dtype);
    const ptr = bytes === 0 ? 0 : this.rawAlloc(bytes, `a ${dtype} tensor of ${size} elements`);
    this.tensors++;
    this.bytes += bytes;
    this.notePeak();
    return { backend: this, dtype, size, refs: 0, version: 0, ptr };
  }

  fromHost(data: HostArray, dtype: DType): WasmStorage {
    const s = this.alloc(dtype, data.length);
    if (data.length > 0) this.view(s).set(data);
    return s;
  }

  /** A typed view of a storage's elements (valid until the next allocation). */
  view(storage: Storage, offset = 0, size = storage.size - offset): HostArray {
    const s = storage as WasmStorage;
    if (s.ptr < 0) throw new DeviceError('wasm: use of freed storage');
    const h = this.heap();
    const at = s.ptr / bytesPerElement(s.dtype) + offset;
    switch (s.dtype) {
      case 'float32':
        return h.f32.subarray(at, at + size);
      case 'float64':
        return h.f64.subarray(at, at + size);
      case 'int32':
        return h.i32.subarray(at, at + size);
      case 'bool':
        return h.u8.subarray(at, at + size);
    }
  }

  readSync(storage: Storage, offset: number, size: number): HostArray {
    return this.view(storage, offset, size).slice();
  }

  read(storage: Storage, offset: number, size: number): Promise<HostArray> {
    return Promise.resolve(this.readSync(storage, offset, size));
  }

  free(storage: Storage): void {
    const s = storage as WasmStorage;
    if (s.ptr < 0) return;
    if (s.size > 0) this.allocator!.free(s.ptr);
    this.tensors--;
    this.bytes -= s.size * bytesPerElement(s.dtype);
    s.ptr = -1;
  }

  /** A scratch block of at least `bytes` bytes, reused across calls (its contents do not survive the next call). */
  scratch(bytes: number): number {
    if (bytes <= this.workspace.bytes) return this.workspace.ptr;
    const grown = Math.max(bytes, this.workspace.bytes * 2);
    if (this.workspace.bytes > 0) this.allocator!.free(this.workspace.ptr);
    this.workspace = { ptr: 0, bytes: 0 };
    this.workspace = { ptr: this.rawAlloc(grown, 'kernel workspace'), bytes: grown };
    this.notePeak();
    return this.workspace.ptr;
  }

  /** The peak counts live storages plus the kernel workspace (scratch), as both are held at once. */
  private notePeak(): void {
    const held = this.bytes + this.workspace.bytes;
    if (held > this.peak) this.peak = held;
  }

  resetPeakMemory(): void {
    this.peak = this.bytes + this.workspace.bytes;
  }

  memory(): MemoryInfo {
    if (this.allocator === null) return { tensors: this.tensors, bytes: this.bytes, peakBytes: this.peak, wasmBytes: 0, heapBytes: 0, freeBytes: 0, workspaceBytes: 0 };
    const s = this.allocator.stats();
    return {
      tensors: this.tensors,
      bytes: this.bytes,
      /** Most bytes held at once (storages and kernel workspace) since start or resetPeakMemory(). */
      peakBytes: this.peak,
      /** Size of linear memory (it never shrinks). */
      wasmBytes: this.kernels.memory.buffer.byteLength,
      heapBytes: s.heapBytes,
      freeBytes: s.freeBytes,
      freeBlocks: s.freeBlocks,
      workspaceBytes: this.workspace.bytes,
    };
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}
