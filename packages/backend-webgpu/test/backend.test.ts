import { expect, it } from 'vitest';
import { checkValues, DeviceError, DTypeError, fromHostArray, IndexError, memory, ready, tensor, gather, ValueError } from '@tensile/core';
import { WebGPUBackend, webgpuBackend } from '@tensile/backend-webgpu';
import { describeGpu, floats } from './gpu.js';

it('reports why it cannot start when no adapter is found, and stays unavailable', async () => {
  const saved = process.env.TENSILE_WEBGPU_DAWN;
  process.env.TENSILE_WEBGPU_DAWN = 'backend=null-does-not-exist';
  try {
    const b = new WebGPUBackend();
    await expect(b.init()).rejects.toThrow(DeviceError);
    expect(b.isReady).toBe(false);
    expect(b.unavailableReason).toMatch(/no usable WebGPU adapter/);
  } finally {
    if (saved === undefined) delete process.env.TENSILE_WEBGPU_DAWN;
    else process.env.TENSILE_WEBGPU_DAWN = saved;
  }
});

describeGpu('webgpu backend: storage, readback, errors', () => {
  it('has no synchronous readback and no float64', () => {
    const t = tensor([1, 2], { device: 'webgpu' });
    expect(() => t.dataSync()).toThrow(/use await x\.data\(\)/);
    expect(() => t.sum().itemSync()).toThrow(DeviceError);
    expect(() => tensor([1], { dtype: 'float64', device: 'webgpu' })).toThrow(DTypeError);
    expect(() => t.to('float64')).toThrow(DTypeError);
  });

  it('rejects a tensor larger than one storage binding with a clear error, before allocating', () => {
    const before = memory('webgpu');
    const limit = webgpuBackend.limits.maxStorageBufferBindingSize;
    expect(() => webgpuBackend.alloc('float32', Math.floor(limit / 4) + 1)).toThrow(/maxStorageBufferBindingSize/);
    expect(memory('webgpu')).toEqual(before);
  });

  it('memory() counts live tensors and their bytes', async () => {
    const before = memory('webgpu');
    const t = fromHostArray(new Float32Array(100), [100], 'float32', 'webgpu');
    const b = fromHostArray(new Uint8Array(10), [10], 'bool', 'webgpu');
    expect(memory('webgpu').tensors).toBe(before.tensors + 2);
    expect(memory('webgpu').bytes).toBe(before.bytes + 400 + 40); // bool is one u32 per element
    t.dispose();
    b.dispose();
    expect(memory('webgpu').tensors).toBe(before.tensors);
    expect(memory('webgpu').bytes).toBe(before.bytes);
  });

  it('a released buffer goes to later GPU work at once, but an upload never overtakes its earlier readers', async () => {
    const n = 4096;
    const results = [];
    const expected = [];
    for (let i = 0; i < 12; i++) {
      const data = floats(n, 100 + i);
      const a = fromHostArray(data, [n], 'float32', 'webgpu');
      const b = a.mul(2).add(a);
      // a's buffer goes back to the pool while the kernels above are only encoded:
      // a same-sized upload must not land in it before they run (writeBuffer
      // runs ahead of unsubmitted work), while a kernel output may take it.
      a.dispose();
      const c = fromHostArray(new Float32Array(n).fill(-1e6), [n], 'float32', 'webgpu');
      const d = c.mul(-1);
      c.dispose();
      d.dispose();
      results.push(b);
      expected.push(data.map((v) => Math.fround(Math.fround(v * 2) + v)));
    }
    for (let i = 0; i < results.length; i++) expect(await results[i]!.data()).toEqual(expected[i]);
    expect(memory('webgpu').pooledBytes).toBeGreaterThan(0);
  });

  it('a pending readback survives the tensor being disposed and its buffer being reused', async () => {
    const data = floats(1000, 7);
    const x = fromHostArray(data, [1000], 'float32', 'webgpu');
    const pending = x.data();
    x.dispose();
    const y = fromHostArray(new Float32Array(1000).fill(3), [1000], 'float32', 'webgpu').mul(5);
    expect(await pending).toEqual(data);
    expect((await y.data())[999]).toBe(15);
  });

  it('compiles one pipeline per kernel variant, not per shape', async () => {
    const shapes = [[3], [5, 7], [2, 3, 4], [64, 65]];
    const first = fromHostArray(new Float32Array(3), [3], 'float32', 'webgpu').sub(1);
    await first.data();
    const count = webgpuBackend.pipelineCount;
    for (const s of shapes) {
      const n = s.reduce((p, q) => p * q, 1);
      const t = fromHostArray(floats(n, n), s, 'float32', 'webgpu');
      await t.sub(1).data();
      await t.transpose(0, -1).sub(1).data();
    }
    expect(webgpuBackend.pipelineCount).toBe(count);
  });

  it('sums with subgroup operations where the adapter has them, else a workgroup tree', async () => {
    const data = floats(300, 9);
    const s = await fromHostArray(data, [3, 100], 'float32', 'webgpu').sum(1).data();
    for (let r = 0; r < 3; r++) expect(s[r]).toBeCloseTo(data.slice(r * 100, r * 100 + 100).reduce((p, q) => p + q, 0), 4);
    const variant = webgpuBackend.pipelineKeys().find((k) => k.startsWith('reduce:sum:f32'))!;
    console.info(`adapter ${webgpuBackend.source}: subgroups ${webgpuBackend.subgroups}, sum variant ${variant}`);
    expect(variant.includes(':subgroups')).toBe(webgpuBackend.subgroups);
  });

  it('turns a shader or validation error into an exception naming the kernel', async () => {
    const t = fromHostArray(new Float32Array(4), [4], 'float32', 'webgpu');
    webgpuBackend.dispatch({
      kernel: 'brokenKernel',
      key: 'test:broken',
      source: () => 'this is not WGSL',
      bindings: [{ buffer: webgpuBackend.bufferOf(t, 'test'), write: true }],
      meta: new Uint32Array(64),
      groups: [1, 1, 1],
    });
    await expect(ready('webgpu')).rejects.toThrow(/kernel brokenKernel failed/);
    await expect(t.add(1).data()).resolves.toEqual(Float32Array.of(1, 1, 1, 1));
  });

  it('raises a device-side index error at the next ready()', async () => {
    const x = fromHostArray(floats(4, 1), [4], 'float32', 'webgpu');
    const i = fromHostArray(Int32Array.of(1, 3), [2], 'int32', 'webgpu').mul(3); // 3 and 9, known only on the device
    gather(x, 0, i).dispose();
    await expect(ready('webgpu')).rejects.toThrow(IndexError);
    await expect(ready('webgpu')).resolves.toBeUndefined();
  });

  it('a value check on device-computed values throws at the next readback', async () => {
    const p = fromHostArray(Float32Array.of(0.2, 0.4), [2], 'float32', 'webgpu').mul(3); // 0.6 and 1.2, on the device only
    checkValues(p, { min: 0, max: 1, nanFails: true }, (v) => new ValueError(`probability ${v.toFixed(2)} outside [0, 1]`));
    await expect(p.data()).rejects.toThrow('probability 1.20 outside [0, 1]');
    checkValues(p.sub(0.5), { min: 0, nanFails: false }, () => new ValueError('negative'));
    await expect(ready('webgpu')).resolves.toBeUndefined();
  });

  // Last: it replaces the device.
  it('a lost device makes the next op throw clearly, and ready() starts a new one', async () => {
    const old = fromHostArray(Float32Array.of(1, 2), [2], 'float32', 'webgpu');
    webgpuBackend.destroy();
    // Dawn reports the loss asynchronously.
    for (let i = 0; i < 500 && webgpuBackend.isReady; i++) await new Promise((r) => setTimeout(r, 10));
    expect(() => old.exp()).toThrow(/device was lost/);
    await ready('webgpu');
    expect(() => old.exp()).toThrow(/lost/);
    const fresh = fromHostArray(Float32Array.of(1, 2), [2], 'float32', 'webgpu');
    expect(Array.from(await fresh.mul(2).data())).toEqual([2, 4]);
  });
});
