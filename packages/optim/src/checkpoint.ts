// Checkpoints: a model's, an optimizer's and a scheduler's state in one
// safetensors file, which PyTorch reads and writes too (tools/checkpoint.py).
// Bytes in and out, so it works in browsers; the *File helpers use Node's fs.
import { type DType, dispose, DTypeError, fromHostArray, isFloat, isTensor, type Tensor, ValueError } from '@tensile/core';
import { decodeSafetensors, encodeSafetensors, type EncodeEntry, type Module, type StateDict, type WritableDType } from '@tensile/nn';
import type { Optimizer, OptimizerStateDict, ParamState } from './optimizer.js';
import type { Scheduler } from './lr-scheduler/scheduler.js';

/** The `__metadata__` key that holds the JSON header, and the format's version. */
export const CHECKPOINT_KEY = 'tensile_checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Anything with PyTorch's scheduler state dict methods (every scheduler, ReduceLROnPlateau included). */
type SchedulerLike = Pick<Scheduler, 'stateDict' | 'loadStateDict'>;

/** What a checkpoint holds; every part is optional. */
export interface CheckpointParts {
  model?: Module;
  optimizer?: Optimizer;
  scheduler?: SchedulerLike;
  /** Anything else to keep (epoch, data, RNG seed): JSON values, and tensors anywhere inside. */
  extra?: unknown;
}

export interface LoadCheckpointOptions {
  /** Device for the tensors in `extra` (default: the active backend). Model and optimizer tensors go to their parameters' devices. */
  device?: string;
  /** 'float32': F64 tensors in `extra` become float32 (for a device without float64, such as WebGPU). */
  floatDtype?: 'float32';
}

// PyTorch's names for the fields whose snake_case is not the plain conversion.
const TO_TORCH: Record<string, string> = { lastLr: '_last_lr', stepCount: '_step_count', T0: 'T_0', Ti: 'T_i', phases: '_schedule_phases' };
const FROM_TORCH = Object.fromEntries(Object.entries(TO_TORCH).map(([k, v]) => [v, k]));
// Fields PyTorch keeps that mean nothing here (CUDA and foreach switches, warnings): dropped when loading.
const TORCH_ONLY = new Set(['foreach', 'capturable', 'differentiable', 'fused', 'verbose', '_get_lr_called_within_step']);

/** weightDecay -> weight_decay, TMax -> T_max, lastLr -> _last_lr. */
export function toTorchName(k: string): string {
  return TO_TORCH[k] ?? k.replace(/(?<=.)[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** weight_decay -> weightDecay, T_max -> TMax, _last_lr -> lastLr. */
export function fromTorchName(k: string): string {
  return FROM_TORCH[k] ?? k.replace(/_([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Writes values as JSON: tensors become {"$tensor": name} (collected), non-finite numbers {"$float": "inf"}. */
class Writer {
  readonly tensors: [string, Tensor][] = [];
  value(v: unknown, name: string, keys: (k: string) => string): Json {
    if (isTensor(v)) {
      this.tensors.push([name, v]);
      return { $tensor: name };
    }
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === undefined) return null;
    if (Array.isArray(v)) return v.map((x, i) => this.value(x, `${name}.${i}`, keys));
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) out[keys(k)] = this.value(x, `${name}.${keys(k)}`, keys);
      return out;
    }
    throw new ValueError(`saveCheckpoint: cannot store ${name}: a ${typeof v === 'function' ? 'function' : (v as object).constructor?.name ?? typeof v}`);
  }
}

function header(parts: CheckpointParts): { json: Record<string, Json>; tensors: [string, Tensor][] } {
  const w = new Writer();
  const json: Record<string, Json> = { format: 'tensile-checkpoint', version: CHECKPOINT_VERSION };
  const same = (k: string) => k;
  if (parts.model !== undefined) {
    const sd = parts.model.stateDict();
    json.model = Object.keys(sd);
    for (const [k, t] of Object.entries(sd)) w.tensors.push([`model.${k}`, t]);
  }
  if (parts.optimizer !== undefined) {
    const sd = parts.optimizer.stateDict();
    const state: Record<string, Json> = {};
    for (const [i, s] of Object.entries(sd.state)) state[i] = w.value(s, `optimizer.state.${i}`, toTorchName);
    json.optimizer = {
      type: parts.optimizer.constructor.name,
      state,
      param_groups: sd.paramGroups.map((g, i) => w.value(g, `optimizer.param_groups.${i}`, toTorchName)),
    };
  }
  if (parts.scheduler !== undefined)
    json.scheduler = { type: parts.scheduler.constructor.name, state: w.value(parts.scheduler.stateDict(), 'scheduler', toTorchName) };
  if (parts.extra !== undefined) json.extra = w.value(parts.extra, 'extra', same);
  const names = new Set<string>();
  for (const [n, t] of w.tensors) {
    if (names.has(n)) throw new ValueError(`saveCheckpoint: two tensors would be stored as ${JSON.stringify(n)}`);
    names.add(n);
    t._live('saveCheckpoint');
    if (!(t.dtype in FILE_DTYPE)) throw new DTypeError(`saveCheckpoint: cannot store ${n} of dtype ${t.dtype}`);
  }
  return { json, tensors: w.tensors };
}

const FILE_DTYPE: Record<DType, WritableDType> = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' };

function encode(json: Record<string, Json>, tensors: [string, Tensor][], values: ArrayLike<number>[]): Uint8Array {
  const entries: Record<string, EncodeEntry> = {};
  tensors.forEach(([n, t], i) => {
    entries[n] = { dtype: FILE_DTYPE[t.dtype], shape: t.shape, data: values[i] as EncodeEntry['data'] };
  });
  return encodeSafetensors(entries, { format: 'pt', [CHECKPOINT_KEY]: JSON.stringify(json) });
}

/**
 * A checkpoint's bytes: a safetensors file with the model's tensors
 * (`model.<name>`), the optimizer's state tensors (`optimizer.state.<index>.<field>`)
 * and a JSON header in its `__metadata__` with everything else, in PyTorch's
 * names (see the package README). Async because a GPU tensor reads back
 * asynchronously; `saveCheckpointSync` works on cpu, wasm and native.
 */
export async function saveCheckpoint(parts: CheckpointParts): Promise<Uint8Array> {
  const { json, tensors } = header(parts);
  const values = await Promise.all(tensors.map(([, t]) => t.data()));
  return encode(json, tensors, values as ArrayLike<number>[]);
}

/** saveCheckpoint for backends that read back synchronously (cpu, wasm, native). */
export function saveCheckpointSync(parts: CheckpointParts): Uint8Array {
  const { json, tensors } = header(parts);
  return encode(json, tensors, tensors.map(([, t]) => t.dataSync() as ArrayLike<number>));
}

type Decoded = ReturnType<typeof decodeSafetensors>['tensors'][string];

/** The parsed parts of a checkpoint, before anything is loaded. */
interface Parsed {
  json: Record<string, unknown>;
  entries: Record<string, Decoded>;
}

function parse(data: ArrayBuffer | ArrayBufferView): Parsed {
  const { tensors, metadata } = decodeSafetensors(data);
  const text = metadata?.[CHECKPOINT_KEY];
  if (text === undefined) throw new ValueError(`loadCheckpoint: not a Tensile checkpoint: the safetensors file has no '${CHECKPOINT_KEY}' metadata (a plain state dict loads with nn.loadSafetensors)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`loadCheckpoint: the checkpoint header is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || (json as Record<string, unknown>).format !== 'tensile-checkpoint')
    throw new ValueError("loadCheckpoint: the checkpoint header is not an object with format 'tensile-checkpoint'");
  const version = (json as Record<string, unknown>).version;
  if (version !== CHECKPOINT_VERSION) throw new ValueError(`loadCheckpoint: checkpoint format version ${String(version)}; this Tensile reads version ${CHECKPOINT_VERSION}`);
  return { json: json as Record<string, unknown>, entries: tensors };
}

function makeTensor(e: Decoded, dtype: DType, device: string | undefined): Tensor {
  let data = e.data;
  if (dtype === 'float32' && data instanceof Float64Array) data = Float32Array.from(data);
  else if (dtype === 'float64' && data instanceof Float32Array) data = Float64Array.from(data);
  return fromHostArray(data, e.shape, dtype, device);
}

const BASE_DTYPE: Record<string, DType> = { F64: 'float64', F32: 'float32', F16: 'float32', BF16: 'float32', I64: 'int32', I32: 'int32', U8: 'int32', BOOL: 'bool' };

/** Turns the header's JSON back into values: {"$tensor"} through `tensor`, {"$float"} into numbers, keys through `keys`. */
function read(v: unknown, keys: (k: string) => string, tensor: (name: string) => Tensor, where: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => read(x, keys, tensor, `${where}[${i}]`));
  if (typeof v !== 'object' || v === null) return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$tensor === 'string') return tensor(o.$tensor);
  if (typeof o.$float === 'string') {
    const f = { nan: NaN, inf: Infinity, '-inf': -Infinity }[o.$float];
    if (f === undefined) throw new ValueError(`loadCheckpoint: ${where}: unknown $float ${JSON.stringify(o.$float)}`);
    return f;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) if (!TORCH_ONLY.has(k)) out[keys(k)] = read(x, keys, tensor, `${where}.${k}`);
  return out;
}

/**
 * Restores a checkpoint written by `saveCheckpoint` (or by PyTorch through
 * tools/checkpoint.py) into the given model, optimizer and scheduler, each of
 * them built as the run that saved it built them. Everything is read and
 * checked before anything changes. Returns `extra`.
 */
export function loadCheckpoint(data: ArrayBuffer | ArrayBufferView, parts: Omit<CheckpointParts, 'extra'>, options?: LoadCheckpointOptions): { extra: unknown } {
  const allowed = ['device', 'floatDtype'];
  for (const k of Object.keys(options ?? {})) if (!allowed.includes(k)) throw new ValueError(`loadCheckpoint: unknown option '${k}'; valid options are ${allowed.join(', ')}`);
  const { json, entries } = parse(data);
  const made: Tensor[] = [];
  const entry = (name: string): Decoded => {
    const e = entries[name];
    if (e === undefined || !Object.hasOwn(entries, name)) throw new ValueError(`loadCheckpoint: the header refers to tensor ${JSON.stringify(name)}, which the file does not hold`);
    return e;
  };
  const track = (t: Tensor): Tensor => {
    made.push(t);
    return t;
  };
  for (const part of ['model', 'optimizer', 'scheduler'] as const)
    if (parts[part] !== undefined && json[part] === undefined) throw new ValueError(`loadCheckpoint: a ${part} was given, but the checkpoint holds no ${part} state`);
  try {
    let model: StateDict | undefined;
    if (parts.model !== undefined) {
      const own = parts.model.stateDict();
      const names = json.model as string[];
      model = {};
      for (const k of names) {
        const e = entry(`model.${k}`);
        const dst = own[k];
        const dtype = dst !== undefined && isFloat(dst.dtype) && isFloat(BASE_DTYPE[e.dtype]!) ? dst.dtype : BASE_DTYPE[e.dtype]!;
        Object.defineProperty(model, k, { value: track(makeTensor(e, dtype, dst?.device)), enumerable: true, writable: true, configurable: true });
      }
    }
    let optimizer: OptimizerStateDict | undefined;
    if (parts.optimizer !== undefined) {
      const o = json.optimizer as { type?: string; state: Record<string, unknown>; param_groups: unknown[] };
      if (o.type !== undefined && o.type !== parts.optimizer.constructor.name)
        throw new ValueError(`loadCheckpoint: the checkpoint holds a ${o.type}'s state, not a ${parts.optimizer.constructor.name}'s`);
      const params = parts.optimizer.paramGroups.flatMap((g) => g.params);
      const state: Record<number, ParamState> = {};
      for (const [i, s] of Object.entries(o.state ?? {})) {
        const p = params[Number(i)];
        const tensor = (name: string) => {
          const e = entry(name);
          const dtype = p !== undefined && isFloat(BASE_DTYPE[e.dtype]!) ? p.dtype : BASE_DTYPE[e.dtype]!;
          return track(makeTensor(e, dtype, p?.device));
        };
        const st = read(s, fromTorchName, tensor, `optimizer.state.${i}`) as ParamState;
        // PyTorch's SGD keeps momentum_buffer None without momentum; here it is simply absent.
        for (const [k, v] of Object.entries(st)) if (v === null && k === 'momentumBuffer') delete st[k];
        state[Number(i)] = st;
      }
      const noTensor = (name: string): Tensor => {
        throw new ValueError(`loadCheckpoint: unexpected tensor ${name} in the optimizer's param_groups`);
      };
      optimizer = { state, paramGroups: read(o.param_groups, fromTorchName, noTensor, 'optimizer.param_groups') as OptimizerStateDict['paramGroups'] };
    }
    let scheduler: Record<string, unknown> | undefined;
    if (parts.scheduler !== undefined) {
      const s = json.scheduler as { type?: string; state: unknown };
      if (s.type !== undefined && s.type !== parts.scheduler.constructor.name)
        throw new ValueError(`loadCheckpoint: the checkpoint holds a ${s.type}'s state, not a ${parts.scheduler.constructor.name}'s`);
      scheduler = read(s.state, fromTorchName, (n) => track(makeTensor(entry(n), BASE_DTYPE[entry(n).dtype]!, undefined)), 'scheduler') as Record<string, unknown>;
    }
    // Extras are the caller's to keep: not tracked, so not disposed below.
    const extra =
      json.extra === undefined
        ? undefined
        : read(json.extra, (k) => k, (n) => {
            const e = entry(n);
            const base = BASE_DTYPE[e.dtype]!;
            const t = makeTensor(e, base === 'float64' && options?.floatDtype === 'float32' ? 'float32' : base, options?.device);
            return t;
          }, 'extra');
    // Loading: the optimizer and scheduler check everything before they change; the model too.
    if (model !== undefined) parts.model!.loadStateDict(model);
    if (optimizer !== undefined) parts.optimizer!.loadStateDict(optimizer);
    if (scheduler !== undefined) parts.scheduler!.loadStateDict(scheduler);
    return { extra };
  } finally {
    dispose(made);
  }
}

interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

async function nodeFs(op: string): Promise<NodeFs> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (proc?.versions?.node === undefined) throw new ValueError(`${op}: files need Node's fs; in a browser use saveCheckpoint / loadCheckpoint with bytes`);
  const specifier = 'node:fs/promises';
  return (await import(/* @vite-ignore */ specifier)) as NodeFs;
}

/** Writes a checkpoint file (Node). */
export async function saveCheckpointFile(path: string, parts: CheckpointParts): Promise<void> {
  const bytes = await saveCheckpoint(parts);
  await (await nodeFs('saveCheckpointFile')).writeFile(path, bytes);
}

/** Reads a checkpoint file (Node) into the given parts; see loadCheckpoint. */
export async function loadCheckpointFile(path: string, parts: Omit<CheckpointParts, 'extra'>, options?: LoadCheckpointOptions): Promise<{ extra: unknown }> {
  const bytes = await (await nodeFs('loadCheckpointFile')).readFile(path);
  return loadCheckpoint(bytes, parts, options);
}
