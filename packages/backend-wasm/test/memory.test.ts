import { describe, expect, it, vi } from 'vitest';
import { DeviceError, fromHostArray, Generator, manualSeed, memory, randn, tidy } from '@tensile/core';
import { Linear, MSELoss, ReLU, Sequential } from '@tensile/nn';
import { SGD } from '@tensile/optim';
import { WasmBackend, wasmBackend } from '@tensile/backend-wasm';
import { Allocator } from '../src/allocator.js';

describe('allocator', () => {
  /** An allocator over a pretend memory that grows up to `limit`. */
  const make = (limit = 1 << 20) => {
    let size = 4096;
    const a = new Allocator(100, (end) => {
      if (end > limit) return false;
      size = Math.max(size, end);
      return true;
    });
    return { a, size: () => size };
  };

  it('aligns, reuses freed blocks and coalesces neighbours', () => {
    const { a } = make();
    const p = a.alloc(10);
    const q = a.alloc(100);
    const r = a.alloc(1000);
    const guard = a.alloc(16);
    for (const x of [p, q, r, guard]) expect(x % 16).toBe(0);
    expect(q).toBe(p + 16);
    a.free(p);
    a.free(r);
    a.free(q);
    // p, q and r merged into one free block: a request of their total fits at p.
    expect(a.stats().freeBlocks).toBe(1);
    expect(a.alloc(16 + 112 + 1008)).toBe(p);
    expect(a.stats().freeBlocks).toBe(0);
  });

  it('splits a larger free block and returns the top to the bump region', () => {
    const { a } = make();
    const big = a.alloc(4096);
    const small = a.alloc(32);
    a.free(big);
    expect(a.alloc(64)).toBe(big);
    expect(a.stats().freeBytes).toBe(4096 - 64);
    const heap = a.stats().heapBytes;
    a.free(small);
    expect(a.stats().heapBytes).toBeLessThan(heap);
  });

  it('the same sizes allocated and freed again never grow the heap', () => {
    const { a } = make();
    const sizes = [4, 4000, 64, 257, 9000, 12];
    let heap = -1;
    for (let step = 0; step < 200; step++) {
      const ptrs = sizes.map((s, i) => a.alloc(s * (1 + ((step + i) % 3))));
      for (const p of ptrs.reverse()) a.free(p);
      if (step === 10) heap = a.stats().heapBytes;
    }
    expect(a.stats().heapBytes).toBeLessThanOrEqual(heap);
    expect(a.stats().usedBytes).toBe(0);
  });

  it('reports failure to grow as OutOfMemory and stays usable', () => {
    const { a } = make(8192);
    expect(() => a.alloc(1 << 20)).toThrow(/cannot allocate/);
    expect(a.alloc(64)).toBeGreaterThan(0);
    expect(() => a.free(12345)).toThrow(/unknown block/);
  });
});

describe('wasm storage', () => {
  it('dispose returns memory at once', () => {
    const before = memory('wasm');
    const t = randn([1000], { device: 'wasm', generator: new Generator(0) });
    expect(memory('wasm').tensors).toBe(before.tensors + 1);
    expect(memory('wasm').bytes).toBe(before.bytes + 4000);
    t.dispose();
    expect(memory('wasm').tensors).toBe(before.tensors);
    expect(memory('wasm').bytes).toBe(before.bytes);
  });

  it('dataSync returns a copy that survives memory.grow', () => {
    const t = fromHostArray(Float32Array.of(1, 2, 3), [3], 'float32', 'wasm');
    const d = t.dataSync();
    const wasmBytes = memory('wasm').wasmBytes!;
    // Larger than the whole current memory: linear memory must grow, detaching old views.
    const big = randn([wasmBytes / 2], { device: 'wasm', generator: new Generator(1) });
    expect(memory('wasm').wasmBytes).toBeGreaterThan(wasmBytes);
    expect([...d]).toEqual([1, 2, 3]);
    expect([...t.dataSync()]).toEqual([1, 2, 3]);
    expect([...tidy(() => t.add(1).dataSync())]).toEqual([2, 3, 4]);
    big.dispose();
    t.dispose();
  });

  it('an allocation past the limit is a clear out-of-memory error, and the backend keeps working', () => {
    const small = new WasmBackend(4 << 20);
    expect(small.startSync()).toBe(true);
    expect(() => small.alloc('float32', 2 << 20)).toThrow(DeviceError);
    expect(() => small.alloc('float32', 2 << 20)).toThrow(/out of memory allocating a float32 tensor of 2097152 elements/);
    const ok = small.alloc('float32', 1000);
    expect(small.memory().tensors).toBe(1);
    small.free(ok);
    expect(small.memory().bytes).toBe(0);
  });

  it('where WebAssembly is missing, start-up fails with the reason instead of throwing at import', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    try {
      const none = new WasmBackend();
      expect(none.startSync()).toBe(false);
      expect(none.unavailableReason).toMatch(/WebAssembly/);
      await expect(none.init()).rejects.toThrow(DeviceError);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('before start-up, use is a clear error', () => {
    const cold = new WasmBackend();
    expect(cold.isReady).toBe(false);
    expect(() => cold.alloc('float32', 4)).toThrow(/not ready; await ready\('wasm'\)/);
  });

  it('10,000 steps of a small MLP keep wasm memory flat after warm-up', () => {
    manualSeed(3);
    const model = new Sequential(new Linear(8, 32), new ReLU(), new Linear(32, 1)).to('wasm');
    const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const lossFn = new MSELoss();
    const x = randn([16, 8], { device: 'wasm' });
    const y = randn([16, 1], { device: 'wasm' });
    let warm: ReturnType<typeof memory> | null = null;
    let first = 0;
    let last = 0;
    for (let step = 0; step < 10_000; step++) {
      const loss = tidy(() => {
        opt.zeroGrad();
        const l = lossFn(model.forward(x), y);
        l.backward();
        opt.step();
        return l.itemSync();
      });
      if (step === 0) first = loss;
      last = loss;
      if (step === 100) warm = memory('wasm');
    }
    const end = memory('wasm');
    expect(last).toBeLessThan(first);
    expect(end.tensors).toBe(warm!.tensors);
    expect(end.bytes).toBe(warm!.bytes);
    expect(end.heapBytes).toBe(warm!.heapBytes);
    expect(end.wasmBytes).toBe(warm!.wasmBytes);
    x.dispose();
    y.dispose();
  });

  it('is the backend that importing the package registered', () => {
    expect(wasmBackend.isReady).toBe(true);
    expect(wasmBackend.name).toBe('wasm');
  });
});
