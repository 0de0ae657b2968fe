import { afterEach, expect, test, vi } from 'vitest';
import '@tensile/backend-cpu';
import { type Backend, DeviceError, getBackend, ready, registerBackend, setBackend, tensor } from '@tensile/core';

// A device that cannot start, as a backend whose addon, module or adapter is missing reports it.
function broken(name: string, reason: string): Backend {
  return {
    name,
    isReady: false,
    unavailableReason: reason,
    init: () => Promise.reject(new DeviceError(`${name}: ${reason}`)),
    sync: () => Promise.resolve(),
  } as unknown as Backend;
}

afterEach(() => {
  setBackend('cpu');
  vi.restoreAllMocks();
});

test('ready() on a device that cannot start rejects with a DeviceError naming the device, the reason and the way to fall back', async () => {
  registerBackend(broken('probe-a', 'the probe addon is not built; build it with `make probe`'));
  expect(getBackend()).toBe('probe-a');
  const err = await ready().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DeviceError);
  expect((err as Error).message).toBe(
    'ready: device "probe-a" cannot start: the probe addon is not built; build it with `make probe`. ' +
      "To use another device instead, call ready({ fallback: 'cpu' }) (it warns once)",
  );
  await expect(ready('probe-a')).rejects.toThrow(/cannot start/);
  expect(getBackend()).toBe('probe-a');
});

test('with { fallback }, ready() warns once with the reason, makes the fallback the default device and starts it', async () => {
  registerBackend(broken('probe-b', 'no adapter'));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  await ready({ fallback: 'cpu' });
  expect(getBackend()).toBe('cpu');
  expect(tensor([1, 2]).device).toBe('cpu');
  setBackend('probe-b');
  await ready('probe-b', { fallback: 'cpu' });
  expect(getBackend()).toBe('cpu');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toBe('tensile: device "probe-b" cannot start (no adapter); using "cpu" instead');
});

test('a fallback for a device that is not the default leaves the default alone', async () => {
  registerBackend(broken('probe-c', 'no adapter'), { select: false });
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  await ready('probe-c', { fallback: 'cpu' });
  expect(getBackend()).toBe('cpu');
});

test('a device that starts does not warn, and an unknown fallback is refused before anything starts', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  await ready('cpu', { fallback: 'cpu' });
  await ready({ fallback: 'cpu' });
  expect(warn).not.toHaveBeenCalled();
  registerBackend(broken('probe-d', 'no adapter'));
  await expect(ready({ fallback: 'nope' })).rejects.toThrow(/unknown device "nope"/);
  expect(getBackend()).toBe('probe-d');
});
