import { type Backend, type DType, type HostArray, type MemoryInfo, type Storage, type TensorView, DeviceError, DTypeError, IndexError } from '@tensile/core';
import { type Acquired, acquireDevice } from './device.js';
import { META_SLOTS } from './kernels/math.wgsl.js';
import { BufferPool, bucketSize } from './pool.js';

// WebGPU's flag values, spelled out so the backend does not depend on the GPUBufferUsage globals (absent in Node).
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
const MAP_READ = 0x1;
const COMPUTE = 0x4;

/** Every element is 4 bytes on the device: float32, int32, and bool stored as one u32 per element (0 or 1). */
export const ELEMENT_BYTES = 4;

/** Submitting in batches amortises the per-submit cost; a microtask flushes whatever one synchronous stretch of ops encoded. */
const MAX_PENDING = 32;

/** Slots of the device-side error record: [count, op, index value, size, dim]; for a value check (op 4): [count, 4, value bits, check id]. */
export const ERROR_OPS = ['', 'gather', 'scatter', 'scatterAdd'] as const;
const CHECK_OP = 4;
const ERROR_BYTES = 32;

export interface GpuStorage extends Storage {
  /** Null once freed, so a use after free fails loudly. */
  buffer: GPUBuffer | null;
  /** The device the buffer belongs to: a storage from a lost device is refused instead of producing garbage. */
  readonly device: GPUDevice;
}

export interface Binding {
  readonly buffer: GPUBuffer;
  readonly write: boolean;
}

export interface Dispatch {
  /** The op this work belongs to, named in every error. */
  readonly kernel: string;
  /** Pipeline cache key: one per kernel variant (op, dtypes, scalar operands), never per shape. */
  readonly key: string;
  readonly source: () => string;
  readonly bindings: readonly Binding[];
  readonly meta: Uint32Array<ArrayBuffer>;
  readonly groups: readonly [number, number, number];
}

interface Pipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** A uniform block of META_SLOTS u32s; floats and ints are stored by their bits. */
export class Meta {
  readonly u32: Uint32Array<ArrayBuffer> = new Uint32Array(META_SLOTS);
  private readonly f32 = new Float32Array(this.u32.buffer);
  private readonly i32 = new Int32Array(this.u32.buffer);
  set(slot: number, v: number): this {
    this.u32[slot] = v;
    return this;
  }
  setAll(slot: number, vs: readonly number[]): this {
    for (let i = 0; i < vs.length; i++) this.u32[slot + i] = vs[i]!;
    return this;
  }
  /** A scalar operand in the WGSL type of `dtype`. */
  scalar(slot: number, v: number, dtype: DType): this {
    if (dtype === 'float32') this.f32[slot] = v;
    else if (dtype === 'int32') this.i32[slot] = v;
    else this.u32[slot] = v !== 0 ? 1 : 0;
    return this;
  }
}

/** Workgroup counts for `n` groups in one dimension, folded into y past the per-dimension limit. */
export function grid(nGroups: number): [number, number, number] {
  const x = Math.min(nGroups, 65535);
  return [x, Math.ceil(nGroups / x), 1];
}

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  readonly supportsFloat64 = false;
  readonly syncReadback = false;
  isReady = false;
  unavailableReason: string | undefined = undefined;
  /** How the adapter was found ("dawn [backend=opengl] compatibility", "navigator.gpu core"), once ready. */
  source: string | undefined = undefined;
  featureLevel: 'core' | 'compatibility' | undefined = undefined;

  private gpu: Acquired | null = null;
  private initPromise: Promise<void> | null = null;
  private storagePool: BufferPool | null = null;
  private uniformPool: BufferPool | null = null;
  private stagingPool: BufferPool | null = null;
  private errorBuffer: GPUBuffer | null = null;
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();
  private pending: GPUCommandBuffer[] = [];
  private flushScheduled = false;
  private submitted = 0;
  private scopes = new Set<Promise<void>>();
  private deferredError: Error | null = null;
  /** An error of a submission as a whole; only reported when no kernel's own scope explained it first. */
  private submitError: Error | null = null;
  /** Value-dependent input checks on the device (set by index.ts to the check kernel). */
  deferCheck?: Backend['deferCheck'];
  /** Errors of value checks encoded but not yet read back, by id. */
  private readonly checks = new Map<number, { error: (value: number) => Error; dtype: DType }>();
  private nextCheck = 1;
  private live = 0;
  private liveBytes = 0;
  private dispatches = 0;
  private readonly dispatchesByKernel = new Map<string, number>();
  private peakBytes = 0;

  init(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    this.initPromise ??= this.start().catch((e: unknown) => {
      this.initPromise = null;
      this.unavailableReason = (e as Error).message;
      throw new DeviceError(`webgpu: ${(e as Error).message}`);
    });
    return this.initPromise;
  }

  private async start(): Promise<void> {
    const acquired = await acquireDevice();
    const device = acquired.device;
    this.gpu = acquired;
    this.source = acquired.source;
    this.featureLevel = acquired.featureLevel;
    this.pipelines.clear();
    this.layouts.clear();
    this.pending = [];
    this.scopes.clear();
    this.deferredError = null;
    this.submitted = 0;
    this.storagePool = new BufferPool(device, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, 'tensile storage', 256 * 1024 * 1024);
    this.uniformPool = new BufferPool(device, USAGE.UNIFORM | USAGE.COPY_DST, 'tensile meta', 4 * 1024 * 1024);
    this.stagingPool = new BufferPool(device, USAGE.MAP_READ | USAGE.COPY_DST, 'tensile readback', 64 * 1024 * 1024);
    this.errorBuffer = device.createBuffer({ size: ERROR_BYTES, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, label: 'tensile error flags' });
    device.onuncapturederror = (ev: GPUUncapturedErrorEvent) => {
      this.submitError ??= new DeviceError(`webgpu: uncaptured device error: ${ev.error.message}`);
    };
    void device.lost.then((info) => {
      if (this.gpu?.device !== device) return;
      this.isReady = false;
      this.initPromise = null;
      this.gpu = null;
      this.unavailableReason = `the GPU device was lost (${info.reason}: ${info.message}); tensors created on it are gone, and await ready('webgpu') starts a new device`;
    });
    this.unavailableReason = undefined;
    this.isReady = true;
  }

  /** The current device, or a clear error when there is none. */
  get device(): GPUDevice {
    if (this.gpu === null)
      throw new DeviceError(`webgpu: ${this.unavailableReason ?? "not initialised; await ready('webgpu') first"}`);
    return this.gpu.device;
  }

  /** Kernels may use subgroup operations (the adapter offers them). */
  get subgroups(): boolean {
    return this.gpu?.subgroups ?? false;
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Compiled pipelines: one per kernel variant, whatever the shapes (shapes travel in uniforms). */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /**
   * Compute dispatches (calls of `dispatchWorkgroups`) encoded since the
   * backend was created: the figure that bounds a small model's step on a
   * GPU, the same on every GPU. Sample it before and after a step.
   */
  get dispatchCount(): number {
    return this.dispatches;
  }

  /** Dispatches since the backend was created, by the op that encoded them ("matmul", "adamStep", ...), most first. */
  dispatchCounts(): Record<string, number> {
    return Object.fromEntries([...this.dispatchesByKernel].sort((a, b) => b[1] - a[1]));
  }

  /** The cached pipelines' variant keys. */
  pipelineKeys(): string[] {
    return [...this.pipelines.keys()];
  }

  /** Releases the device (tests use it to exercise loss and re-initialisation). */
  destroy(): void {
    this.gpu?.device.destroy();
  }

  // ---- storage -------------------------------------------------------------

  alloc(dtype: DType, size: number): GpuStorage {
    return this.allocFor(dtype, size, false);
  }

  /** Storage whose buffer a host write may fill at once (see pool.ts) when `hostWrite`. */
  private allocFor(dtype: DType, size: number, hostWrite: boolean): GpuStorage {
    if (dtype === 'float64') throw new DTypeError('webgpu: float64 is not supported on WebGPU; use float32');
    const device = this.device;
    const bytes = size * ELEMENT_BYTES;
    const limit = device.limits.maxStorageBufferBindingSize;
    if (bytes > limit)
      throw new DeviceError(`webgpu: a ${dtype} tensor of ${size} elements needs ${bytes} bytes, more than this adapter's maxStorageBufferBindingSize (${limit} bytes)`);
    const buffer = this.storagePool!.acquire(bucketSize(bytes, device.limits.maxBufferSize), hostWrite ? this.submitted : undefined);
    this.live++;
    this.liveBytes += bytes;
    if (this.liveBytes > this.peakBytes) this.peakBytes = this.liveBytes;
    return { backend: this, dtype, size, refs: 0, version: 0, buffer, device };
  }

  fromHost(data: HostArray, dtype: DType): GpuStorage {
    const s = this.allocFor(dtype, data.length, true);
    if (data.length > 0) {
      const arr =
        dtype === 'float32'
          ? data instanceof Float32Array
            ? data
            : Float32Array.from(data)
          : dtype === 'int32'
            ? data instanceof Int32Array
              ? data
              : Int32Array.from(data)
            : Uint32Array.from(data, (v) => (v !== 0 ? 1 : 0));
      // Every reader of this buffer's previous owner is submitted (allocFor), so the write lands after them.
      this.device.queue.writeBuffer(s.buffer!, 0, arr.buffer, arr.byteOffset, arr.byteLength);
    }
    return s;
  }

  free(storage: Storage): void {
    const s = storage as GpuStorage;
    const buffer = s.buffer;
    if (buffer === null) return;
    s.buffer = null;
    this.live--;
    this.liveBytes -= s.size * ELEMENT_BYTES;
    if (this.gpu === null || s.device !== this.gpu.device) return;
    this.storagePool!.release(buffer, this.releaseTag(), this.submitted);
  }

  /** The submission after which a buffer released now is unused: the next one when work is encoded but not submitted. */
  private releaseTag(): number {
    return this.pending.length > 0 ? this.submitted + 1 : this.submitted;
  }

  resetPeakMemory(): void {
    this.peakBytes = this.liveBytes;
  }

  memory(): MemoryInfo {
    return {
      tensors: this.live,
      bytes: this.liveBytes,
      /** Most bytes of live storages plus kernel scratch buffers at once, since start or resetPeakMemory(). */
      peakBytes: this.peakBytes,
      pooledBytes: this.storagePool?.idleBytes ?? 0,
    };
  }

  /** The GPUBuffer behind a view, refusing freed storage and storage from a lost device. */
  bufferOf(v: TensorView, op: string): GPUBuffer {
    const s = v.storage as GpuStorage;
    if (s.backend !== this) throw new DeviceError(`${op}: expected a tensor on device "webgpu", got one on "${s.backend.name}"`);
    if (s.buffer === null) throw new DeviceError(`${op}: the tensor's storage was freed`);
    if (s.device !== this.gpu?.device) throw new DeviceError(`${op}: the tensor belongs to a WebGPU device that was lost; recreate it after ready('webgpu')`);
    return s.buffer;
  }

  /** The device-side error record that index kernels bind as a read_write atomic array. */
  get errors(): GPUBuffer {
    this.device;
    return this.errorBuffer!;
  }

  /** An id for a value check's error; it is dropped once a readback has seen the work that check encodes. */
  registerCheck(error: (value: number) => Error, dtype: DType): number {
    const id = this.nextCheck++;
    this.checks.set(id, { error, dtype });
    return id;
  }

  // ---- dispatch ------------------------------------------------------------

  private layoutFor(signature: string): GPUBindGroupLayout {
    let l = this.layouts.get(signature);
    if (l === undefined) {
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: COMPUTE, buffer: { type: 'uniform' } }];
      for (let i = 0; i < signature.length; i++)
        entries.push({ binding: i + 1, visibility: COMPUTE, buffer: { type: signature[i] === 'w' ? 'storage' : 'read-only-storage' } });
      l = this.device.createBindGroupLayout({ entries });
      this.layouts.set(signature, l);
    }
    return l;
  }

  private pipelineFor(d: Dispatch): Pipeline {
    const signature = d.bindings.map((b) => (b.write ? 'w' : 'r')).join('');
    const key = `${d.key}|${signature}`;
    let p = this.pipelines.get(key);
    if (p === undefined) {
      const device = this.device;
      const layout = this.layoutFor(signature);
      const module = device.createShaderModule({ code: d.source(), label: d.key });
      const pipeline = device.createComputePipeline({
        layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: 'main' },
        label: d.key,
      });
      p = { pipeline, layout };
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Throws a deferred error (a validation or shader error of an earlier kernel) at the next op. */
  private throwDeferred(): void {
    const e = this.deferredError ?? this.submitError;
    this.deferredError = null;
    this.submitError = null;
    if (e !== null) throw e;
  }

  private recordError(kernel: string, message: string): void {
    this.deferredError ??= new DeviceError(`webgpu: kernel ${kernel} failed on the device: ${message}`);
  }

  /** Keeps an error-scope promise until it settles, so readback can wait for every error of earlier work. */
  private track(scope: Promise<void>): void {
    const p = scope.catch(() => undefined);
    this.scopes.add(p);
    void p.then(() => this.scopes.delete(p));
  }

  /** Encodes one compute dispatch (inside an error scope naming the kernel) and queues it for submission. */
  dispatch(d: Dispatch): void {
    this.throwDeferred();
    const device = this.device;
    device.pushErrorScope('validation');
    const { pipeline, layout } = this.pipelineFor(d);
    const uniform = this.uniformPool!.acquire(META_SLOTS * 4, this.submitted);
    device.queue.writeBuffer(uniform, 0, d.meta.buffer, d.meta.byteOffset, d.meta.byteLength);
    const encoder = device.createCommandEncoder();
    // A buffer bound for reading and for writing in one dispatch is invalid (and racy):
    // such inputs are read from a snapshot taken just before.
    const temps: GPUBuffer[] = [];
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
    const bindLimit = device.limits.maxStorageBufferBindingSize;
    d.bindings.forEach((b, i) => {
      let buffer = b.buffer;
      if (!b.write && d.bindings.some((o) => o.write && o.buffer === buffer)) {
        const copy = this.storagePool!.acquire(buffer.size);
        encoder.copyBufferToBuffer(buffer, 0, copy, 0, buffer.size);
        temps.push(copy);
        buffer = copy;
      }
      entries.push({ binding: i + 1, resource: { buffer, size: Math.min(buffer.size, bindLimit) } });
    });
    const bindGroup = device.createBindGroup({ layout, entries });
    const pass = encoder.beginComputePass({ label: d.kernel });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
    pass.end();
    this.dispatches++;
    this.dispatchesByKernel.set(d.kernel, (this.dispatchesByKernel.get(d.kernel) ?? 0) + 1);
    this.pending.push(encoder.finish());
    this.track(
      device.popErrorScope().then((err) => {
        if (err !== null) this.recordError(d.kernel, err.message);
      }),
    );
    const tag = this.submitted + 1;
    this.uniformPool!.release(uniform, tag, this.submitted);
    for (const t of temps) this.storagePool!.release(t, tag, this.submitted);
    this.queued();
  }

  /**
   * Runs `encode` with scratch storage buffers of the given byte sizes; they go
   * back to the pool only after the last work encoded by then has run (an op of
   * many dispatches may be split over several submissions).
   */
  withScratch(bytes: readonly number[], encode: (buffers: GPUBuffer[]) => void): void {
    const max = this.device.limits.maxBufferSize;
    const buffers = bytes.map((b) => this.storagePool!.acquire(bucketSize(b, max)));
    const scratch = bytes.reduce((a, b) => a + b, 0);
    if (this.liveBytes + scratch > this.peakBytes) this.peakBytes = this.liveBytes + scratch;
    try {
      encode(buffers);
    } finally {
      const tag = this.releaseTag();
      for (const b of buffers) this.storagePool!.release(b, tag, this.submitted);
    }
  }

  private queued(): void {
    if (this.pending.length >= MAX_PENDING) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Submits everything encoded so far; never waits. */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0 || this.gpu === null) return;
    const device = this.gpu.device;
    // A submission fails when one of its command buffers is invalid; the kernel's own
    // error scope names the cause, so this one only reports what nothing else did.
    const count = this.pending.length;
    device.pushErrorScope('validation');
    device.queue.submit(this.pending);
    this.track(
      device.popErrorScope().then((err) => {
        if (err !== null) this.submitError ??= new DeviceError(`webgpu: a submission of ${count} command buffers failed: ${err.message}`);
      }),
    );
    this.pending = [];
    this.submitted++;
  }

  // ---- readback ------------------------------------------------------------

  /**
   * Copies `bytes` at `offset` of `source` (when given) and the error record
   * into a staging buffer, clears the record in the same submission (so no
   * later error is lost), and maps it. Throws the first device-side error.
   */
  private async readBack(source: GPUBuffer | null, offset: number, bytes: number, op: string): Promise<ArrayBuffer> {
    this.throwDeferred();
    const device = this.device;
    const errorAt = Math.ceil(bytes / 16) * 16;
    const staging = this.stagingPool!.acquire(bucketSize(errorAt + ERROR_BYTES, device.limits.maxBufferSize));
    const encoder = device.createCommandEncoder();
    if (source !== null && bytes > 0) encoder.copyBufferToBuffer(source, offset, staging, 0, bytes);
    encoder.copyBufferToBuffer(this.errorBuffer!, 0, staging, errorAt, ERROR_BYTES);
    encoder.clearBuffer(this.errorBuffer!);
    const checksBefore = this.nextCheck;
    this.pending.push(encoder.finish());
    this.flush();
    try {
      await staging.mapAsync(MAP_READ);
    } catch (e) {
      throw new DeviceError(`${op}: webgpu readback failed: ${(e as Error).message}${this.unavailableReason ? ` (${this.unavailableReason})` : ''}`);
    }
    const all = staging.getMappedRange().slice(0, errorAt + ERROR_BYTES);
    staging.unmap();
    // Mapped and unmapped: nothing on the GPU uses it any more.
    this.stagingPool!.release(staging, 0, this.submitted);
    await Promise.all(this.scopes);
    this.throwDeferred();
    const record = new Uint32Array(all, errorAt, ERROR_BYTES / 4);
    const check = record[0]! !== 0 && record[1] === CHECK_OP ? this.checks.get(record[3]!) : undefined;
    for (const id of this.checks.keys()) if (id < checksBefore) this.checks.delete(id);
    if (check !== undefined) {
      const bits = record.subarray(2, 3);
      const value = check.dtype === 'float32' ? new Float32Array(bits.buffer, bits.byteOffset, 1)[0]! : check.dtype === 'int32' ? new Int32Array(bits.buffer, bits.byteOffset, 1)[0]! : bits[0]!;
      throw check.error(value);
    }
    if (record[0]! !== 0) {
      const value = new Int32Array(all, errorAt, ERROR_BYTES / 4)[2]!;
      const kernel = ERROR_OPS[record[1]!] ?? 'index kernel';
      throw new IndexError(`${kernel}: index ${value} is out of bounds for dimension ${record[4]} with size ${record[3]}`);
    }
    return all.slice(0, bytes);
  }

  async read(storage: Storage, offset: number, size: number): Promise<HostArray> {
    const buffer = this.bufferOf({ storage, dtype: storage.dtype, shape: [size], strides: [1], offset }, 'data');
    const raw = await this.readBack(buffer, offset * ELEMENT_BYTES, size * ELEMENT_BYTES, 'data');
    if (storage.dtype === 'float32') return new Float32Array(raw);
    if (storage.dtype === 'int32') return new Int32Array(raw);
    return Uint8Array.from(new Uint32Array(raw));
  }

  async sync(): Promise<void> {
    if (!this.isReady) return;
    await this.readBack(null, 0, 0, 'sync');
  }
}
