/**
 * A size-bucketed pool of GPUBuffers of one usage. A released buffer is only
 * handed out again once every command that may touch it has completed on the
 * GPU (its tag is the submission serial that must finish first), and staging
 * buffers come back only after unmap. So `queue.writeBuffer` into a recycled
 * buffer can never overtake earlier work that reads it, and a mapAsync never
 * races a new owner.
 */

const MiB = 1 << 20;

/** Sizes round up to a power of two (at most 2x waste) below 64 MiB, to 16 MiB steps above. */
export function bucketSize(bytes: number, maxBufferSize: number): number {
  const b = Math.max(16, bytes);
  const rounded = b <= 64 * MiB ? 2 ** Math.ceil(Math.log2(b)) : Math.ceil(b / (16 * MiB)) * 16 * MiB;
  return rounded <= maxBufferSize ? rounded : Math.ceil(b / 4) * 4;
}

export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private waiting: { tag: number; buffer: GPUBuffer }[] = [];
  /** Bytes in idle buffers, ready to be handed out. */
  idleBytes = 0;
  /** Bytes released but still possibly in use by submitted work. */
  waitingBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly label: string,
    /** Idle bytes kept for reuse; beyond this released buffers are destroyed. */
    private readonly keepBytes: number,
  ) {}

  acquire(size: number): GPUBuffer {
    const list = this.idle.get(size);
    const b = list?.pop();
    if (b !== undefined) {
      this.idleBytes -= size;
      return b;
    }
    return this.device.createBuffer({ size, usage: this.usage, label: this.label });
  }

  /** Gives a buffer back; it becomes reusable once submission `tag` has completed (`completed` is the last finished one). */
  release(buffer: GPUBuffer, tag: number, completed: number): void {
    if (tag <= completed) this.makeIdle(buffer);
    else {
      this.waiting.push({ tag, buffer });
      this.waitingBytes += buffer.size;
    }
  }

  /** Submission `serial` and everything before it finished on the GPU. */
  completed(serial: number): void {
    if (this.waiting.length === 0) return;
    const still: { tag: number; buffer: GPUBuffer }[] = [];
    for (const w of this.waiting) {
      if (w.tag <= serial) {
        this.waitingBytes -= w.buffer.size;
        this.makeIdle(w.buffer);
      } else still.push(w);
    }
    this.waiting = still;
  }

  private makeIdle(buffer: GPUBuffer): void {
    if (this.idleBytes + buffer.size > this.keepBytes) {
      buffer.destroy();
      return;
    }
    let list = this.idle.get(buffer.size);
    if (list === undefined) {
      list = [];
      this.idle.set(buffer.size, list);
    }
    list.push(buffer);
    this.idleBytes += buffer.size;
  }

  /** Destroys every buffer (device lost or replaced). */
  clear(): void {
    for (const list of this.idle.values()) for (const b of list) b.destroy();
    for (const w of this.waiting) w.buffer.destroy();
    this.idle.clear();
    this.waiting = [];
    this.idleBytes = 0;
    this.waitingBytes = 0;
  }
}
