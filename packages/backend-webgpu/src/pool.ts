/**
 * A size-bucketed pool of GPUBuffers of one usage.
 *
 * WebGPU runs a queue's operations in the order they are issued: command
 * buffers in submission order, and `queue.writeBuffer` at the point it is
 * called, which is after everything already submitted but BEFORE command
 * buffers that are encoded and not yet submitted. So a released buffer may go
 * straight to a new owner whose first use is GPU work encoded later (a kernel
 * output, a scratch buffer): that work is submitted after the old readers and
 * runs after them. A buffer the host will write with `writeBuffer` (uploads,
 * uniform blocks) is only handed out once every command that may read it has
 * been submitted (its tag is at most the submitted serial); otherwise a new
 * buffer is made. Staging buffers for readback come back only after unmap.
 * Nothing waits for the GPU, and a loop that never yields to the event loop
 * still reuses its buffers, so GPU memory stays flat.
 */

const MiB = 1 << 20;

/** Sizes round up to a power of two (at most 2x waste) below 64 MiB, to 16 MiB steps above. */
export function bucketSize(bytes: number, maxBufferSize: number): number {
  const b = Math.max(16, bytes);
  const rounded = b <= 64 * MiB ? 2 ** Math.ceil(Math.log2(b)) : Math.ceil(b / (16 * MiB)) * 16 * MiB;
  return rounded <= maxBufferSize ? rounded : Math.ceil(b / 4) * 4;
}

interface Entry {
  readonly buffer: GPUBuffer;
  /** The last submission serial that may read the buffer (a serial not yet submitted while its reader is only encoded). */
  readonly tag: number;
}

export class BufferPool {
  private readonly idle = new Map<number, Entry[]>();
  /** Bytes in released buffers kept for reuse. */
  idleBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly label: string,
    /** Idle bytes kept for reuse; beyond this, released buffers nothing pending reads are destroyed. */
    private readonly keepBytes: number,
  ) {}

  /**
   * A buffer of `size` bytes. With `hostWriteAfter` (the serial submitted so
   * far), only a buffer whose readers have all been submitted qualifies, so a
   * writeBuffer into it cannot overtake them.
   */
  acquire(size: number, hostWriteAfter?: number): GPUBuffer {
    const list = this.idle.get(size);
    if (list !== undefined)
      for (let i = list.length - 1; i >= 0; i--) {
        const e = list[i]!;
        if (hostWriteAfter !== undefined && e.tag > hostWriteAfter) continue;
        list.splice(i, 1);
        this.idleBytes -= size;
        return e.buffer;
      }
    return this.device.createBuffer({ size, usage: this.usage, label: this.label });
  }

  /** Gives a buffer back; `tag` is the last submission serial that may read it, `submitted` the serial submitted so far. */
  release(buffer: GPUBuffer, tag: number, submitted: number): void {
    if (this.idleBytes + buffer.size > this.keepBytes && tag <= submitted) {
      // Submitted work that still uses it keeps it alive until done; nothing unsubmitted refers to it.
      buffer.destroy();
      return;
    }
    let list = this.idle.get(buffer.size);
    if (list === undefined) {
      list = [];
      this.idle.set(buffer.size, list);
    }
    list.push({ buffer, tag });
    this.idleBytes += buffer.size;
  }
}
