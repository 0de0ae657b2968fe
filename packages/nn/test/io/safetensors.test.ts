// The packaged golden interop set: every file handled as its README.json says, plus
// round trips through Tensile's writer.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { manualSeed, tensor, ValueError, type Tensor } from '@tensile/core';
import * as nn from '@tensile/nn';
import { decodeNumber, type GoldenNumber, goldenPath, listGolden } from '@tensile/conformance/testkit';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

interface InteropFile {
  file: string;
  what: string;
  reject: boolean;
  why?: string;
  metadata?: Record<string, string> | null;
  tensors?: Record<string, { dtype: string; shape: number[]; data: (GoldenNumber | boolean)[] }>;
  module?: ({ type: string } & Record<string, unknown>)[];
}

const readme = JSON.parse(readFileSync(goldenPath('interop', 'README.json'), 'utf8')) as { files: InteropFile[] };
const bytesOf = (f: string) => new Uint8Array(readFileSync(goldenPath('interop', f)));

/** The Sequential a README entry describes, built from the layer classes by their golden options. */
function buildSequential(spec: NonNullable<InteropFile['module']>): nn.Sequential {
  const layers = nn as unknown as Record<string, new (o: Record<string, unknown>) => nn.Module>;
  return new nn.Sequential(...spec.map(({ type, ...options }) => new layers[type]!(options)));
}

function expectValues(got: ArrayLike<number>, want: (GoldenNumber | boolean)[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    const g = got[i]!;
    if (typeof w === 'boolean') expect(g).toBe(Number(w));
    else if (Number.isNaN(decodeNumber(w))) expect(g).toBeNaN();
    else expect(Object.is(g, decodeNumber(w)) || g === decodeNumber(w)).toBe(true);
  });
}

test('README.json lists every .safetensors file in the folder', () => {
  expect(readme.files.map((f) => f.file).sort()).toEqual(listGolden('interop').filter((f) => f.endsWith('.safetensors')));
});

describe('valid files load exactly', () => {
  for (const f of readme.files.filter((x) => !x.reject)) {
    test(f.file, () => {
      const decoded = nn.decodeSafetensors(bytesOf(f.file));
      expect(decoded.metadata).toEqual(f.metadata);
      expect(Object.keys(decoded.tensors).sort()).toEqual(Object.keys(f.tensors!).sort());
      const loaded = nn.loadSafetensors(bytesOf(f.file));
      for (const [name, want] of Object.entries(f.tensors!)) {
        const e = decoded.tensors[name]!;
        expect(e.dtype).toBe(want.dtype);
        expect(e.shape).toEqual(want.shape);
        expectValues(e.data, want.data);
        const t = loaded[name]!;
        expect(t.shape).toEqual(want.shape);
        expect(t.dtype).toBe({ F64: 'float64', F32: 'float32', F16: 'float32', BF16: 'float32', I64: 'int32', I32: 'int32', U8: 'int32', BOOL: 'bool' }[want.dtype]);
        expectValues(t.dataSync(), want.data);
      }
    });
  }
});

describe('PyTorch state dicts load into the matching Tensile models', () => {
  for (const f of readme.files.filter((x) => x.module)) {
    test(f.file, () => {
      const model = buildSequential(f.module!);
      const { missingKeys, unexpectedKeys } = model.loadStateDict(nn.loadSafetensors(bytesOf(f.file)));
      expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
      const sd = model.stateDict();
      expect(Object.keys(sd).sort()).toEqual(Object.keys(f.tensors!).sort());
      for (const [name, want] of Object.entries(f.tensors!)) expectValues(sd[name]!.dataSync(), want.data);
      // The loaded model runs; eval mode uses the loaded running statistics.
      const y = model.eval()(tensor([[0.5, -1, 2, 0.25]])) as Tensor;
      expect(y.shape).toEqual([1, f.module!.at(-1)!.outFeatures as number]);
    });
  }
});

describe('malformed files are rejected with a clear ValueError', () => {
  for (const f of readme.files.filter((x) => x.reject)) {
    test(`${f.file}: ${f.why}`, () => {
      expect(() => nn.decodeSafetensors(bytesOf(f.file))).toThrow(ValueError);
      expect(() => nn.loadSafetensors(bytesOf(f.file))).toThrow(/safetensors: /);
    });
  }
  test('and a model is left as it was', () => {
    const model = buildSequential(readme.files.find((x) => x.file === 'mlp_sequential.safetensors')!.module!);
    const before = Object.values(model.stateDict()).map((t) => [...t.dataSync()]);
    for (const f of readme.files.filter((x) => x.reject)) expect(() => model.loadStateDict(nn.loadSafetensors(bytesOf(f.file)))).toThrow();
    expect(Object.values(model.stateDict()).map((t) => [...t.dataSync()])).toEqual(before);
  });
  test('I64 values outside int32 are refused', () => {
    const header = new TextEncoder().encode(JSON.stringify({ big: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }));
    const bytes = new Uint8Array(8 + header.length + 8);
    new DataView(bytes.buffer).setUint32(0, header.length, true);
    bytes.set(header, 8);
    new DataView(bytes.buffer).setBigInt64(8 + header.length, 2n ** 31n, true);
    expect(() => nn.loadSafetensors(bytes)).toThrow(/does not fit in int32/);
  });
  test('gaps, trailing bytes and bad metadata are refused', () => {
    const file = (header: object, dataBytes: number) => {
      const h = new TextEncoder().encode(JSON.stringify(header));
      const b = new Uint8Array(8 + h.length + dataBytes);
      new DataView(b.buffer).setUint32(0, h.length, true);
      b.set(h, 8);
      return b;
    };
    const a = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
    expect(() => nn.decodeSafetensors(file({ a }, 4))).not.toThrow();
    expect(() => nn.decodeSafetensors(file({ a }, 8))).toThrow(/cover 4/);
    expect(() => nn.decodeSafetensors(file({ a: { ...a, data_offsets: [4, 8] } }, 8))).toThrow(/gap/);
    expect(() => nn.decodeSafetensors(file({ a, __metadata__: { k: 1 } }, 4))).toThrow(/must be a string/);
    expect(() => nn.decodeSafetensors(file({ a, __metadata__: ['x'] }, 4))).toThrow(/object of strings/);
    expect(nn.decodeSafetensors(file({ a, __metadata__: null }, 4)).metadata).toBeNull();
    expect(() => nn.decodeSafetensors(file({ a: { ...a, shape: [-1] } }, 4))).toThrow(/non-negative/);
    expect(() => nn.decodeSafetensors(file({ a: { ...a, dtype: 'I8' } }, 4))).toThrow(/not supported/);
    expect(() => nn.decodeSafetensors(new Uint8Array(5))).toThrow(/shorter than/);
  });
});

describe('writing', () => {
  test("re-saving PyTorch's files gives the same bytes", async () => {
    for (const f of ['mlp_sequential.safetensors', 'bn_model.safetensors']) {
      const bytes = bytesOf(f);
      const { metadata } = nn.decodeSafetensors(bytes);
      const sd = nn.loadSafetensors(bytes);
      // Tensile holds I64 as int32: only num_batches_tracked's dtype differs, so compare the float files exactly.
      if (f === 'mlp_sequential.safetensors') expect(await nn.saveSafetensors(sd, { metadata })).toEqual(bytes);
      else expect(nn.decodeSafetensors(nn.saveSafetensorsSync(sd)).tensors['1.num_batches_tracked']).toEqual({ dtype: 'I32', shape: [], data: new Int32Array([3]) });
    }
  });

  test('F32, F64, I32 and BOOL round trip (0-d and empty tensors too)', () => {
    const tensors = {
      f: tensor([[1.5, -2], [Infinity, NaN]]),
      d: tensor(new Float64Array([Math.PI, -1e300]), { dtype: 'float64' }),
      i: tensor(new Int32Array([-2147483648, 7, 2147483647])),
      b: tensor([true, false, true]),
      s: tensor(new Float64Array([2.5]), { shape: [], dtype: 'float64' }),
      e: tensor([], { shape: [0, 3] }),
      view: tensor([[1, 2, 3], [4, 5, 6]]).t(),
    };
    const back = nn.loadSafetensors(nn.saveSafetensorsSync(tensors, { metadata: { format: 'pt' } }));
    for (const [k, t] of Object.entries(tensors)) {
      expect(back[k]!.dtype).toBe(t.dtype);
      expect(back[k]!.shape).toEqual(t.shape);
      expect([...back[k]!.dataSync()]).toEqual([...t.dataSync()]);
    }
  });

  test('a module state dict round trips through a file (Node)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensile-st-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const a = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
    a(tensor([[1, 2, 3], [0, -1, 2], [4, 0, 1]]));
    const path = join(dir, 'model.safetensors');
    await nn.saveSafetensorsFile(path, a.stateDict(), { metadata: { format: 'pt' } });
    const b = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.ReLU(), new nn.Linear(4, 2));
    b.loadStateDict(await nn.loadSafetensorsFile(path));
    for (const [k, t] of Object.entries(a.stateDict())) expect([...b.stateDict()[k]!.dataSync()], k).toEqual([...t.dataSync()]);
    expect(b.stateDict()['1.num_batches_tracked']!.itemSync()).toBe(1);
  });

  test('bad input to the writer is refused', async () => {
    await expect(nn.saveSafetensors({ __metadata__: tensor([1]) })).rejects.toThrow(/__metadata__/);
    await expect(nn.saveSafetensors({ a: 1 as unknown as Tensor })).rejects.toThrow(/not a tensor/);
    await expect(nn.saveSafetensors({ a: tensor([1]) }, { metadata: { k: 2 as unknown as string } })).rejects.toThrow(/must be a string/);
    expect(() => nn.saveSafetensorsSync({}, { meta: {} } as never)).toThrow(/unknown option 'meta'/);
  });
});
