import { type Backend, DeviceError, type DType, type HostArray, type MemoryInfo, type Storage, ValueError } from '@tensile/core';
import type { Addon, LoadResult } from './addon.js';
import { Bridge, type NativeStorage } from './bridge.js';
import { DTYPE_CODE } from './generated/codes.js';

const ARRAY_OF: Readonly<Record<DType, new (src: ArrayLike<number>) => HostArray>> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/**
 * Storage lives in memory owned by the addon (64-byte aligned, named by a
 * handle): kernels run on it in place, `free` returns it to the addon at once,
 * and readback is the only copy. No external ArrayBuffer is ever created, so
 * it also works where those are refused (Electron's sandbox).
 */
export class NativeBackend implements Backend {
  readonly name = 'native';
  readonly supportsFloat64 = true;
  readonly syncReadback = true;
  readonly isReady: boolean;
  readonly unavailableReason: string | undefined;
  /** Null when the addon is not available. */
  readonly bridge: Bridge | null;

  constructor(load: LoadResult) {
    this.isReady = load.ok;
    this.unavailableReason = load.ok ? undefined : load.reason;
    this.bridge = load.ok ? new Bridge(load.addon, this) : null;
  }

  /** The addon, or a DeviceError saying why there is none. */
  get addon(): Addon {
    if (this.bridge === null) throw new DeviceError(`device "native" is unavailable: ${this.unavailableReason}`);
    return this.bridge.addon;
  }

  init(): Promise<void> {
    return this.isReady ? Promise.resolve() : Promise.reject(new DeviceError(`device "native" is unavailable: ${this.unavailableReason}`));
  }

  private wrap(dtype: DType, size: number, handle: number | undefined): NativeStorage {
    this.bridge!.check();
    return { backend: this, dtype, size, refs: 0, version: 0, handle: handle! };
  }

  alloc(dtype: DType, size: number): NativeStorage {
    const addon = this.addon;
    if (!Number.isSafeInteger(size) || size < 0) throw new ValueError(`alloc: invalid element count ${size}`);
    return this.wrap(dtype, size, addon.alloc(DTYPE_CODE[dtype], size));
  }

  fromHost(data: HostArray, dtype: DType): NativeStorage {
    const addon = this.addon;
    const Ctor = ARRAY_OF[dtype];
    const typed = data instanceof Ctor ? data : new Ctor(data);
    return this.wrap(dtype, typed.length, addon.upload(typed, DTYPE_CODE[dtype]));
  }

  readSync(storage: Storage, offset: number, size: number): HostArray {
    const addon = this.addon;
    const s = storage as NativeStorage;
    if (!(s.handle >= 0)) throw new DeviceError('native: read of freed storage');
    const out = addon.read(s.handle, offset, size);
    this.bridge!.check();
    return out!;
  }

  read(storage: Storage, offset: number, size: number): Promise<HostArray> {
    try {
      return Promise.resolve(this.readSync(storage, offset, size));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  free(storage: Storage): void {
    const s = storage as NativeStorage;
    if (!(s.handle >= 0)) return;
    this.addon.free(s.handle);
    s.handle = -1;
    this.bridge!.check();
  }

  resetPeakMemory(): void {
    this.bridge?.addon.resetPeakMemory();
  }

  memory(): MemoryInfo {
    if (this.bridge === null) return { tensors: 0, bytes: 0, peakBytes: 0 };
    return this.bridge.addon.memory();
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}
