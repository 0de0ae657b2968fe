import { type Backend, type DType, type HostArray, type MemoryInfo, type Storage, bytesPerElement, DeviceError } from '@tensile/core';

export interface CpuStorage extends Storage {
  data: HostArray;
}

function arrayFor(dtype: DType, size: number): HostArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
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

  init(): Promise<void> {
    return Promise.resolve();
  }

  alloc(dtype: DType, size: number): CpuStorage {
    const data = arrayFor(dtype, size);
    this.live++;
    this.bytes += data.byteLength;
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
    // Drop the array so a use after free fails loudly instead of reading stale data.
    (s as { data: HostArray | null }).data = null;
  }

  memory(): MemoryInfo {
    return { tensors: this.live, bytes: this.bytes };
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }
}
