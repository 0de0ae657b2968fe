import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DTypeError, getBackendObject, IndexError, isTensor, ShapeError, type Tensor, ValueError } from '@tensile/core';
import { compareValues, type Mismatch } from '../compare.js';
import { NotImplemented } from '../expect-error.js';
import { decodeNumber, type GoldenCase, type GoldenFile } from '../golden.js';
import { type Fn, nnNs } from '../resolve.js';
import type { CaseContext } from './forward.js';
import { buildSequential } from './training.js';

/** Names a safetensors reader may have in @tensile/nn: a function of the file's bytes. */
const READERS = ['loadSafetensors', 'readSafetensors', 'parseSafetensors', 'deserializeSafetensors', 'safetensorsLoad', 'loadFile'];

function findReader(): Fn {
  for (const n of READERS) if (typeof nnNs[n] === 'function') return nnNs[n] as Fn;
  const ns = nnNs.safetensors as Record<string, unknown> | undefined;
  for (const n of ['load', 'parse', 'read', 'deserialize']) if (ns && typeof ns[n] === 'function') return ns[n] as Fn;
  throw new NotImplemented(`not implemented: @tensile/nn exports no safetensors reader (looked for ${READERS.join(', ')}, safetensors.load)`);
}

interface Loaded {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string> | null | undefined;
}

/** The reader's result as name -> tensor plus metadata, whether it returns a Map, a record, or {tensors, metadata}. */
function normalize(r: unknown): Loaded {
  const obj = r as { tensors?: unknown; metadata?: unknown };
  const raw = obj !== null && typeof obj === 'object' && 'tensors' in obj ? obj.tensors : r;
  const tensors: Record<string, Tensor> = {};
  const entries = raw instanceof Map ? [...raw.entries()] : Object.entries((raw ?? {}) as Record<string, unknown>);
  for (const [k, v] of entries) if (isTensor(v)) tensors[String(k)] = v;
  const metadata = obj !== null && typeof obj === 'object' && 'metadata' in obj ? (obj.metadata as Loaded['metadata']) : undefined;
  return { tensors, metadata };
}

const ERROR_CLASSES = [ValueError, ShapeError, DTypeError, IndexError];

export async function runInteropCase(c: GoldenCase, ctx: CaseContext, file: GoldenFile): Promise<Mismatch[]> {
  const read = findReader();
  const bytes = new Uint8Array(readFileSync(join(file.dir, String(c.file))));
  if (c.reject === true) {
    try {
      const r = await read(bytes, { device: ctx.backend });
      for (const t of Object.values(normalize(r).tensors)) t.dispose();
    } catch (e) {
      if (ERROR_CLASSES.some((k) => e instanceof k)) return [];
      return [{ what: 'error', message: `rejected with ${(e as Error).constructor?.name}: ${(e as Error).message}; expected an exported error class (${String(c.why)})` }];
    }
    return [{ what: 'error', message: `loaded a malformed file without an error (${String(c.why)})` }];
  }
  // A device without float64 (WebGPU) loads F64 tensors as float32, so they are compared as float32 rounds them.
  const narrow = !getBackendObject(ctx.backend).supportsFloat64;
  const loaded = normalize(await read(bytes, narrow ? { device: ctx.backend, floatDtype: 'float32' } : { device: ctx.backend }));
  ctx.trace.phase = 'check';
  const failures: Mismatch[] = [];
  const want = (c.tensors ?? {}) as Record<string, { dtype: string; shape: number[]; data: unknown[] }>;
  const gotNames = Object.keys(loaded.tensors).sort();
  const wantNames = Object.keys(want).sort();
  if (gotNames.join() !== wantNames.join()) failures.push({ what: 'names', message: `tensors [${gotNames.join(', ')}], expected [${wantNames.join(', ')}]` });
  for (const name of wantNames) {
    const t = loaded.tensors[name];
    const w = want[name]!;
    if (t === undefined) continue;
    if (t.shape.join() !== w.shape.join()) {
      failures.push({ what: name, message: `shape [${t.shape.join(', ')}], expected [${w.shape.join(', ')}]` });
      continue;
    }
    const wantValues = w.data.map(decodeNumber);
    const m = compareValues(name, await t.data(), narrow && w.dtype === 'F64' ? wantValues.map(Math.fround) : wantValues, { rtol: 0, atol: 0 });
    if (m) failures.push(m);
  }
  // The file-level view (safetensors dtype names, __metadata__) where nn exposes its decoder.
  const decode = nnNs.decodeSafetensors;
  if (typeof decode === 'function') {
    const d = decode(bytes) as { tensors: Record<string, { dtype: string }>; metadata?: unknown };
    for (const name of wantNames)
      if (d.tensors[name]?.dtype !== want[name]!.dtype) failures.push({ what: name, message: `decoded dtype ${d.tensors[name]?.dtype}, expected ${want[name]!.dtype}` });
    if (loaded.metadata === undefined) loaded.metadata = (d.metadata ?? null) as Loaded['metadata'];
  }
  if (loaded.metadata !== undefined && JSON.stringify(loaded.metadata) !== JSON.stringify(c.metadata ?? null))
    failures.push({ what: 'metadata', message: `got ${JSON.stringify(loaded.metadata)}, expected ${JSON.stringify(c.metadata)}` });
  if (Array.isArray(c.module) && failures.length === 0) {
    ctx.trace.phase = 'compute';
    const model = buildSequential(c.module as { type: string }[], ctx.backend);
    try {
      model.loadStateDict(loaded.tensors);
    } catch (e) {
      failures.push({ what: 'module', message: `the state dict does not load into the described Sequential: ${(e as Error).message}` });
    } finally {
      for (const t of Object.values(model.stateDict())) t.dispose();
    }
  }
  for (const t of Object.values(loaded.tensors)) t.dispose();
  return failures;
}
