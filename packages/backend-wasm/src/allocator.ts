/**
 * The heap allocator for tensors in wasm linear memory: 16-byte aligned
 * blocks, segregated free lists by power-of-two size class, immediate
 * coalescing of freed neighbours, and a bump region at the top that grows
 * linear memory on demand. A training loop that frees and re-allocates the
 * same sizes reuses the same blocks, so memory stays flat.
 */

export const ALIGN = 16;
const CLASSES = 32;

/** Raised when linear memory cannot grow any further. */
export class OutOfMemory extends Error {}

export interface AllocatorStats {
  /** Bytes in live blocks (rounded up to the alignment). */
  readonly usedBytes: number;
  /** Bytes in free blocks below the top. */
  readonly freeBytes: number;
  /** End of the highest block ever handed out: heap size in use, free blocks included. */
  readonly heapBytes: number;
  readonly freeBlocks: number;
}

export class Allocator {
  /** Live block start -> size. */
  private readonly live = new Map<number, number>();
  /** Free block start -> size, and end -> start, for coalescing. */
  private readonly freeStart = new Map<number, number>();
  private readonly freeEnd = new Map<number, number>();
  /** Free block starts per size class (class c holds sizes in [ALIGN * 2^c, ALIGN * 2^(c+1))). */
  private readonly classes: Set<number>[] = Array.from({ length: CLASSES }, () => new Set<number>());
  private top: number;
  private used = 0;

  /**
   * @param base first usable address (aligned up)
   * @param ensure makes addresses below `end` usable (grows linear memory); returns false when it cannot
   */
  constructor(
    private readonly base: number,
    private readonly ensure: (end: number) => boolean,
  ) {
    this.top = roundUp(base);
  }

  /** Address of a block of at least `bytes` bytes (bytes > 0). Throws OutOfMemory. */
  alloc(bytes: number): number {
    const size = roundUp(Math.max(bytes, 1));
    for (let c = classOf(size); c < CLASSES; c++) {
      for (const start of this.classes[c]!) {
        const have = this.freeStart.get(start)!;
        if (have < size) continue;
        this.unlinkFree(start, have);
        if (have > size) this.linkFree(start + size, have - size);
        return this.take(start, size);
      }
    }
    // Nothing fits: extend a free block that ends at the top, else bump.
    const below = this.freeEnd.get(this.top);
    const start = below ?? this.top;
    if (!this.ensure(start + size)) throw new OutOfMemory(`cannot allocate ${bytes} bytes`);
    if (below !== undefined) this.unlinkFree(below, this.top - below);
    this.top = start + size;
    return this.take(start, size);
  }

  free(start: number): void {
    const size = this.live.get(start);
    if (size === undefined) throw new Error(`wasm allocator: free of unknown block ${start}`);
    this.live.delete(start);
    this.used -= size;
    let s = start;
    let e = start + size;
    const prev = this.freeEnd.get(s);
    if (prev !== undefined) {
      this.unlinkFree(prev, s - prev);
      s = prev;
    }
    const nextSize = this.freeStart.get(e);
    if (nextSize !== undefined) {
      this.unlinkFree(e, nextSize);
      e += nextSize;
    }
    // A free block at the top goes back to the bump region.
    if (e === this.top) this.top = s;
    else this.linkFree(s, e - s);
  }

  sizeOf(start: number): number | undefined {
    return this.live.get(start);
  }

  stats(): AllocatorStats {
    let freeBytes = 0;
    for (const size of this.freeStart.values()) freeBytes += size;
    return { usedBytes: this.used, freeBytes, heapBytes: this.top - roundUp(this.base), freeBlocks: this.freeStart.size };
  }

  private take(start: number, size: number): number {
    this.live.set(start, size);
    this.used += size;
    return start;
  }

  private linkFree(start: number, size: number): void {
    this.freeStart.set(start, size);
    this.freeEnd.set(start + size, start);
    this.classes[classOf(size)]!.add(start);
  }

  private unlinkFree(start: number, size: number): void {
    this.freeStart.delete(start);
    this.freeEnd.delete(start + size);
    this.classes[classOf(size)]!.delete(start);
  }
}

function roundUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function classOf(size: number): number {
  return Math.min(CLASSES - 1, 31 - Math.clz32(size / ALIGN));
}
