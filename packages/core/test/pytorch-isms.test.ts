// What a user porting from PyTorch types: x.cpu(), x.cuda(), x.numpy(), x.item()/x.tolist() on a
// device without synchronous readback. Each either has PyTorch's meaning or throws a TensileError
// whose message names the Tensile spelling.
import { describe, expect, test } from 'vitest';
import * as T from '@tensile/core';
import { CpuBackend, registerCpuBackend } from '@tensile/backend-cpu';
import './helpers.js';

/** A cpu-like device that, like webgpu, can only read back asynchronously. */
class AsyncOnlyBackend extends CpuBackend {
  override readonly syncReadback = false;
}
registerCpuBackend({ select: false, backend: new AsyncOnlyBackend('asynconly') });
registerCpuBackend({ select: false, backend: new CpuBackend('cpu2') });

describe('PyTorch-isms', () => {
  test('x.cpu() is x.to("cpu"): the tensor itself on cpu, a copy from another device, differentiable', () => {
    const x = T.tensor([1, 2, 3], { requiresGrad: true });
    expect(x.cpu()).toBe(x);
    const y = T.tensor([
      [1, 2],
      [3, 4],
    ]).to('cpu2');
    const z = y.cpu();
    expect(z.device).toBe('cpu');
    expect(z.tolistSync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const w = x.to('cpu2').cpu();
    w.mul(2).sum().backward();
    expect(x.grad!.tolistSync()).toEqual([2, 2, 2]);
  });

  test('x.cpu() from a device without synchronous readback names await x.toAsync("cpu")', async () => {
    const x = await T.tensor([1, 2]).toAsync('asynconly');
    expect(() => x.cpu()).toThrow(T.DeviceError);
    expect(() => x.cpu()).toThrow(/await x\.toAsync\('cpu'\)/);
    expect(await (await x.toAsync('cpu')).tolist()).toEqual([1, 2]);
  });

  test('x.cuda() throws a DeviceError that names x.to(device)', () => {
    const x = T.tensor([1]);
    expect(() => x.cuda()).toThrow(T.DeviceError);
    expect(() => x.cuda()).toThrow(/no CUDA device.*x\.to\('webgpu'\)/);
  });

  test('x.numpy() throws a ValueError that names await x.data() and await x.tolist()', () => {
    const x = T.tensor([1, 2]);
    expect(() => x.numpy()).toThrow(T.ValueError);
    expect(() => x.numpy()).toThrow(/await x\.data\(\).*await x\.tolist\(\)/);
  });

  test('item/tolist/data are portable (async); their Sync forms on an async-only device name the async spelling', async () => {
    const x = await T.tensor([
      [1, 2],
      [3, 4],
    ]).toAsync('asynconly');
    const s = await T.tensor([7]).toAsync('asynconly');
    expect(await x.tolist()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await s.item()).toBe(7);
    expect(Array.from(await x.data())).toEqual([1, 2, 3, 4]);
    for (const [call, spelling] of [
      [() => x.tolistSync(), /^tolistSync: .*use await x\.tolist\(\)$/],
      [() => s.itemSync(), /^itemSync: .*use await x\.item\(\)$/],
      [() => x.dataSync(), /^dataSync: .*use await x\.data\(\)$/],
      [() => x.t().tolistSync(), /^tolistSync: .*use await x\.tolist\(\)$/],
    ] as const) {
      expect(call).toThrow(T.DeviceError);
      expect(call).toThrow(spelling);
    }
  });
});
