import { arrayFor, type Backend, type DType, type HostArray, type MemoryInfo, type Storage, bytesPerElement, DeviceError } from '@tensile/core';

export interface CpuStorage extends Storage {
  data: HostArray;
}

/** Storage is a typed array in JS memory; readback is a copy. */
export class CpuBackend implements Backend {
  /** `name` other than 'cpu' gives a second, independent cpu-like device (tests, scratch backends). */
  constructor(readonly name = 'cpu') {}
  readonly supportsFloat64 = true;
  readonly syncReadback = true;
  readonly isReady = true;
  private live = 0;
  private bytes = 0;
  private peak = 0;
  // Freed arrays by dtype and length: training loops allocate the same sizes
  // every step, and reusing them skips zeroing fresh memory and GC pressure.
  private pool = new Map<string, HostArray[]>();
  private pooledBytes = 0;
  private static readonly POOL_LIMIT = 64 * 1024 * 1024;

  init(): Promise<void> {
    return Promise.resolve();
  }

  alloc(dtype: DType, size: number): CpuStorage {
    const reused = this.pool.get(dtype + size)?.pop();
    if (reused !== undefined) this.pooledBytes -= reused.byteLength;
    const data = reused ?? arrayFor(dtype, size);
    this.live++;
    this.bytes += data.byteLength;
    if (this.bytes > this.peak) this.peak = this.bytes;
    return { backend: this, dtype, size, refs: 0, version: 0, data };
  }

  fromHost(data: HostArray, dtype: DType): CpuStorage {
    const s = this.alloc(dtype, data.length);
    s.data.set(data);
    return s;
  }

  readSync(storage: Storage, offset: number, size: number): HostArray {
    const d = (storage as CpuStorage).data;
    if (d === null) throw new DeviceError('cpu: read of freed storage');
    return d.slice(offset, offset + size);
  }

  read(storage: Storage, offset: number, size: number): Promise<HostArray> {
    return Promise.resolve(this.readSync(storage, offset, size));
  }

  free(storage: Storage): void {
    const s = storage as CpuStorage;
    this.live--;
    this.bytes -= s.size * bytesPerElement(s.dtype);
    const data = s.data;
    if (data !== null && this.pooledBytes + data.byteLength <= CpuBackend.POOL_LIMIT) {
      const key = s.dtype + s.size;
      let list = this.pool.get(key);
      if (list === undefined) this.pool.set(key, (list = []));
      list.push(data);
      this.pooledBytes += data.byteLength;
    }
    // Drop the array so a use after free fails loudly instead of reading recycled data.
    (s as { data: HostArray | null }).data = null;
  }

  /**
   * Live storages and their bytes (the pool of freed arrays awaiting reuse is not counted), and
   * peakBytes: the most bytes live at once since start or resetPeakMemory(), kernel scratch included.
   */
  memory(): MemoryInfo {
    return { tensors: this.live, bytes: this.bytes, peakBytes: this.peak };
  }

  resetPeakMemory(): void {
    this.peak = this.bytes;
  }

  /** A kernel's temporary buffer of `bytes`, held while it runs on top of the live storages. */
  noteScratch(bytes: number): void {
    if (this.bytes + bytes > this.peak) this.peak = this.bytes + bytes;
  }

  /** Bytes of freed arrays kept for reuse; `emptyPool()` returns them to the GC. */
  poolBytes(): number {
    return this.pooledBytes;
  }

  emptyPool(): void {
    this.pool.clear();
    this.pooledBytes = 0;
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}
