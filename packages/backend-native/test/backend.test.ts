import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '@tensile/core';
import { DeviceError, getBackend, memory } from '@tensile/core';
import { BUILD_COMMAND, getNumThreads, loadAddon, NativeBackend, nativeBackend, nativeInfo, setNumThreads } from '@tensile/backend-native';
import '@tensile/backend-cpu';
import { describe, expect, it } from 'vitest';

describe('native storage', () => {
  it('importing the package registers device native and selects it', () => {
    expect(getBackend()).toBe('native');
    expect(nativeInfo()).toMatchObject({ available: true, buildCommand: BUILD_COMMAND });
  });

  it('memory() comes from the addon allocator and dispose frees at once', () => {
    const before = memory('native');
    const x = T.zeros([1000], { device: 'native' });
    const v = x.t();
    expect(memory('native').tensors).toBe(before.tensors + 1);
    expect(memory('native').bytes).toBe(before.bytes + 4000);
    x.dispose();
    expect(memory('native').tensors).toBe(before.tensors + 1); // the view still holds the storage
    v.dispose();
    expect(memory('native')).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
    expect(nativeBackend.addon.memory()).toEqual(memory('native'));
  });

  it("peakBytes counts a kernel call's scratch beside the live storages (fused attention backward)", () => {
    // Every operand is allocated before the reset, so all the call adds to the peak is its C scratch:
    // one batch's dk and dv in float64 per thread chunk, at least S * (E + Ev) * 8 bytes.
    const [S, E] = [512, 16];
    const make = (seed: number) => T.randn([1, 1, S, E], { device: 'native', generator: new T.Generator(seed) });
    const [q, k, v, g] = [make(1), make(2), make(3), make(4)];
    const o = { scale: 0.25, isCausal: true, mask: 'none' };
    const [out, lse] = T.attentionForwardComposed(q, k, v, null, o as T.AttentionKernelOptions);
    const grads = [T.zerosLike(q), T.zerosLike(k), T.zerosLike(v)];
    const kernel = T.fusedKernel('scaledDotProductAttentionBackward', T.getBackendObject('native')) as T.FusedKernel;
    T.resetPeakMemory('native');
    const held = memory('native').peakBytes! - memory('native').bytes;
    kernel([...grads, g, q, k, v, out!, lse!], o, grads[0]!);
    expect(memory('native').peakBytes! - memory('native').bytes - held).toBeGreaterThanOrEqual(S * (E + E) * 8);
    for (const t of [q, k, v, g, out!, lse!, ...grads]) t.dispose();
  });

  it('a training-style loop keeps memory flat', () => {
    const w = T.randn([64, 64], { device: 'native', generator: new T.Generator(0) });
    const before = memory('native');
    for (let i = 0; i < 50; i++) T.tidy(() => T.relu(T.matmul(w, w)).sum().itemSync());
    expect(memory('native')).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
    w.dispose();
  });

  it('dataSync, itemSync and async reads copy out of native memory in every dtype', async () => {
    const f = T.tensor([[1.5, -2], [3, 4]], { device: 'native' });
    expect(Array.from(f.dataSync())).toEqual([1.5, -2, 3, 4]);
    expect(Array.from(f.t().dataSync())).toEqual([1.5, 3, -2, 4]);
    expect(f.sum().itemSync()).toBe(6.5);
    expect(await f.max().item()).toBe(4);
    expect(T.tensor([1, 2], { dtype: 'float64', device: 'native' }).dataSync()).toBeInstanceOf(Float64Array);
    expect(T.tensor(new Int32Array([7, -8]), { device: 'native' }).dataSync()).toEqual(new Int32Array([7, -8]));
    expect(T.tensor([true, false], { device: 'native' }).dataSync()).toEqual(new Uint8Array([1, 0]));
    const back = f.to('cpu');
    expect(back.device).toBe('cpu');
    expect(Array.from(back.dataSync())).toEqual([1.5, -2, 3, 4]);
  });

  it('a fill with -0 keeps the sign (only +0 takes the memset path)', () => {
    expect(Object.is(T.full([70000], -0, { device: 'native' }).dataSync()[69999], -0)).toBe(true);
    expect(Object.is(T.zeros([70000], { device: 'native' }).dataSync()[69999], 0)).toBe(true);
  });

  it('fromHost converts a typed array of another type', () => {
    const s = nativeBackend.fromHost(new Float64Array([1.25, 2]), 'float32');
    expect(nativeBackend.readSync(s, 0, 2)).toEqual(new Float32Array([1.25, 2]));
    nativeBackend.free(s);
  });

  it('the pool size is settable', () => {
    const n = getNumThreads();
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    expect(T.matmul(T.ones([300, 300], { device: 'native' }), T.ones([300, 300], { device: 'native' })).amax().itemSync()).toBe(300);
    setNumThreads(n);
    expect(() => setNumThreads(0)).toThrow(RangeError);
  });
});

describe('without a built addon', () => {
  it('reports the install script did not run, with the command that builds it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-native-'));
    const r = loadAddon(join(dir, 'build', 'Release', 'tensile_native.node'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain('install script did not run');
      expect(r.reason).toContain(BUILD_COMMAND);
    }
  });

  it('reports the build failure recorded by the install script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-native-'));
    mkdirSync(join(dir, 'build'), { recursive: true });
    writeFileSync(join(dir, 'build', 'addon-status.json'), JSON.stringify({ ok: false, reason: 'g++: command not found' }));
    const r = loadAddon(join(dir, 'build', 'Release', 'tensile_native.node'));
    expect(!r.ok && r.reason).toContain('g++: command not found');
  });

  it('refuses an addon built from older sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-native-'));
    const fake = join(dir, 'old-addon.cjs');
    const a = nativeBackend.addon;
    const ops = { unary: a.ops.unary.filter((o) => o !== 'erf'), binary: a.ops.binary, reduce: a.ops.reduce };
    writeFileSync(fake, `module.exports = ${JSON.stringify({ ops })};`);
    const r = loadAddon(fake);
    expect(!r.ok && r.reason).toContain('out of date (no kernel for erf)');
    expect(!r.ok && r.reason).toContain(BUILD_COMMAND);
  });

  it('the backend says it is unavailable, and why, everywhere it is used', async () => {
    const b = new NativeBackend({ ok: false, reason: `not built; build it with \`${BUILD_COMMAND}\`` });
    expect(b.isReady).toBe(false);
    await expect(b.init()).rejects.toThrow(BUILD_COMMAND);
    expect(() => b.alloc('float32', 4)).toThrow(DeviceError);
    expect(b.memory()).toEqual({ tensors: 0, bytes: 0, peakBytes: 0 });
  });

  it('the build command works outside the monorepo: npm rebuild runs the install script', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; scripts: Record<string, string> };
    expect(BUILD_COMMAND).toBe(`npm rebuild ${pkg.name}`);
    expect(pkg.scripts['build:addon']).toBeDefined();
    expect(pkg.scripts.install).toContain('--from-install');
  });
});
