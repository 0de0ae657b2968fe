import { GPT } from '@tensile/conformance';
import { F, fromHostArray, fusedKernel, getBackendObject, registerKernel, memory, nn, noGrad, optim, ready, resetPeakMemory, setBackend, tidy, type Tensor } from 'tensile';
import { gptParameters, type HostTensor, type Inputs, layerCount, norm2 } from '../data.js';
import type { Workload } from '../workloads.js';
import { type Prepared, reasonOf, type Skipped, type System, timeSteps } from './system.js';

/** Every Tensile backend the bench knows; all but cpu are optional packages loaded if present. */
export const TENSILE_BACKENDS = ['cpu', 'wasm', 'native', 'webgpu'] as const;

/** Backends that compute on a device, not on host threads. */
const DEVICE_BACKENDS: readonly string[] = ['webgpu'];

/** Frees the gradients the last step left, so the next backward starts afresh instead of adding to them (PyTorch's `grad = None`). */
function dropGrads(ts: readonly Tensor[]): void {
  for (const t of ts)
    if (t.grad !== null) {
      t.grad.dispose();
      t.grad = null;
    }
}

function upload(t: HostTensor, device: string): Tensor {
  return fromHostArray(t.data, t.shape, t.data instanceof Int32Array ? 'int32' : 'float32', device);
}

/**
 * System ids: a backend's name, and `<name>-2t` for a backend with a thread
 * pool (it exports setNumThreads and getNumThreads), run at 2 threads to meet PyTorch at 2.
 * The plain id of such a backend runs it at 1 thread.
 */
export const TENSILE_SYSTEM_IDS: readonly string[] = TENSILE_BACKENDS.flatMap((b) => [b, `${b}-2t`]);

/**
 * Run only when asked for by name: `<name>-im2col` is the backend at 1 thread with its fused
 * convolution kernels set aside, so conv2d runs as the composite (im2col by gather, then
 * matmul): the before-and-after of the fused kernels in one interleaved run.
 */
export const TENSILE_UNFUSED_IDS: readonly string[] = ['wasm-im2col', 'native-im2col'];
const CONV_FUSED = ['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad'];
/** The fused conv kernels of each backend, as registered (restored by every system that keeps them). */
const convKernels = new Map<string, Map<string, unknown>>();

interface ThreadPool {
  setNumThreads(n: number): void;
  getNumThreads(): number;
}

/**
 * Loads every Tensile backend that is installed and can start here; the others come back skipped, with the reason.
 * `requested`: the ids asked for by name (null: all), so that "-2t" of a backend without a pool is reported only when asked for.
 */
export async function tensileSystems(requested: readonly string[] | null): Promise<(System | Skipped)[]> {
  const wanted = (id: string): boolean => requested === null || requested.includes(id);
  const out: (System | Skipped)[] = [];
  for (const name of TENSILE_BACKENDS) {
    const ids = [name, `${name}-2t`, ...(requested?.includes(`${name}-im2col`) ? [`${name}-im2col`] : [])].filter(wanted);
    if (ids.length === 0) continue;
    const skip = (reason: string): void => void out.push(...ids.map((id) => ({ id, ours: true, reason })));
    let mod: Partial<ThreadPool> = {};
    try {
      // cpu comes with 'tensile'; the others register (and select) themselves when imported.
      if (name !== 'cpu') mod = (await import(/* @vite-ignore */ `@tensile/backend-${name}`)) as Partial<ThreadPool>;
    } catch (e) {
      skip(`@tensile/backend-${name} is not installed or not built (${reasonOf(e)})`);
      continue;
    }
    try {
      await ready(name);
    } catch (e) {
      skip(`backend "${name}" cannot start here: ${reasonOf(e)}`);
      continue;
    }
    const pool = typeof mod.setNumThreads === 'function' && typeof mod.getNumThreads === 'function' ? (mod as ThreadPool) : null;
    const backend = getBackendObject(name);
    convKernels.set(name, new Map(CONV_FUSED.map((op) => [op, fusedKernel(op, backend)])));
    for (const id of ids) {
      if (id === name) out.push(new TensileSystem(id, name, pool === null ? null : 1, pool));
      else if (id === `${name}-im2col`) out.push(new TensileSystem(id, name, pool === null ? null : 1, pool, true));
      else if (pool === null) {
        if (requested !== null) out.push({ id, ours: true, reason: `backend "${name}" has no thread pool (no setNumThreads)` });
      }
      else out.push(new TensileSystem(id, name, 2, pool));
    }
  }
  setBackend('cpu');
  return out;
}

class TensileSystem implements System {
  readonly ours = true;
  readonly threads: number | null;
  readonly description: string;

  /** `poolSize` null: the backend has no pool and computes on the calling thread (or on its device). */
  constructor(
    readonly id: string,
    private readonly device: string,
    private readonly poolSize: number | null,
    private readonly pool: ThreadPool | null,
    private readonly unfused = false,
  ) {
    this.threads = DEVICE_BACKENDS.includes(device) ? null : (poolSize ?? 1);
    this.description =
      this.threads === null
        ? `Tensile, backend "${device}" (device; compared with the fastest peer of any thread count)`
        : `Tensile, backend "${device}", ${this.threads} thread${this.threads === 1 ? '' : 's'}${unfused ? ', fused conv kernels set aside (im2col + matmul)' : ''}`;
  }

  /** Makes this system's device the default and sizes its pool: two ids may share one backend. */
  private select(): void {
    setBackend(this.device);
    for (const [op, k] of convKernels.get(this.device) ?? []) if (k !== undefined) registerKernel(op, this.device, (this.unfused ? undefined : k) as never);
    // Resizing a pool restarts its threads: only when the size changes.
    if (this.pool !== null && this.poolSize !== null && this.pool.getNumThreads() !== this.poolSize) this.pool.setNumThreads(this.poolSize);
  }

  async prepare(workload: Workload, inputs: Inputs): Promise<Prepared> {
    this.select();
    const spec = workload.spec;
    const device = this.device;
    // Inputs, parameters and optimizer state: freed when the workload is done.
    const owned: { dispose(): void }[] = [];
    const up = (name: string): Tensor => {
      const t = upload(inputs[name]!, device);
      owned.push(t);
      return t;
    };
    let step: () => Promise<number | null>;
    let check: () => Promise<number[]>;
    switch (spec.kind) {
      case 'mse':
      case 'cross-entropy':
      case 'bce-logits': {
        const lossFn = spec.kind === 'mse' ? new nn.MSELoss() : spec.kind === 'cross-entropy' ? new nn.CrossEntropyLoss() : new nn.BCEWithLogitsLoss();
        const input = (spec.kind === 'mse' ? up('input') : up('logits')).requiresGrad_(true);
        const target = spec.kind === 'cross-entropy' ? up('labels') : up('target');
        step = async () => {
          dropGrads([input]);
          const loss = tidy(() => {
            const l = lossFn(input, target);
            l.backward();
            return l;
          });
          const v = await loss.item();
          loss.dispose();
          return v;
        };
        check = async () => [norm2(await input.grad!.data())];
        break;
      }
      case 'matmul': {
        const a = up('a');
        const b = up('b');
        const backend = getBackendObject(device);
        step = async () => {
          const c = a.matmul(b);
          await backend.sync();
          c.dispose();
          return null;
        };
        check = async () => {
          const c = a.matmul(b);
          const n = norm2(await c.data());
          c.dispose();
          return [n];
        };
        break;
      }
      case 'conv2d': {
        const x = up('x').requiresGrad_(true);
        const weight = up('weight').requiresGrad_(true);
        const bias = up('bias').requiresGrad_(true);
        const g = up('g');
        const leaves = [x, weight, bias];
        step = async () => {
          dropGrads(leaves);
          const loss = tidy(() => {
            const l = F.conv2d(x, weight, bias, { padding: spec.padding }).mul(g).sum();
            l.backward();
            return l;
          });
          const v = await loss.item();
          loss.dispose();
          return v;
        };
        check = async () => {
          const norms: number[] = [];
          for (const t of leaves) norms.push(norm2(await t.grad!.data()));
          return norms;
        };
        break;
      }
      case 'mlp-train': {
        const layers: nn.Module[] = [];
        const L = layerCount(spec.sizes);
        for (let i = 0; i < L; i++) {
          layers.push(new nn.Linear(spec.sizes[i]!, spec.sizes[i + 1]!));
          if (i + 1 < L) layers.push(new nn.ReLU());
        }
        const model = new nn.Sequential(...layers);
        const params = model.parameters();
        // Same starting weights as every other system: parameters() runs w0, b0, w1, b1, ... as in PyTorch.
        noGrad(() =>
          params.forEach((p, j) => {
            const src = up(`${j % 2 === 0 ? 'w' : 'b'}${j >> 1}`);
            p.copy_(src);
          }),
        );
        owned.push(...params);
        const x = up('x');
        const labels = up('labels');
        const lossFn = new nn.CrossEntropyLoss();
        const opt = new optim.Adam(params, { lr: spec.lr });
        owned.push(opt);
        step = async () => {
          const loss = tidy(() => {
            opt.zeroGrad();
            const l = lossFn(model(x), labels);
            l.backward();
            opt.step();
            return l;
          });
          const v = await loss.item();
          loss.dispose();
          return v;
        };
        check = async () => {
          const loss = tidy(() => noGrad(() => lossFn(model(x), labels)));
          const v = await loss.item();
          loss.dispose();
          return [v];
        };
        break;
      }
      case 'gpt-train': {
        const model = new GPT({ vocabSize: spec.vocab, blockSize: spec.seq, nEmbd: spec.nEmbd, nHead: spec.nHead, nLayer: spec.nLayer, device });
        const weights: Record<string, Tensor> = Object.fromEntries(gptParameters(spec).map(([name]) => [name, up(`param:${name}`)]));
        model.loadStateDict({ ...weights, 'head.weight': weights['tokens.weight']! });
        const params = model.parameters();
        owned.push(...params);
        const idx = up('idx');
        const targets = up('targets');
        const logitsLoss = (): Tensor => F.crossEntropy(model(idx).view(-1, spec.vocab), targets);
        const opt = new optim.AdamW(params, { lr: spec.lr });
        owned.push(opt);
        step = async () => {
          const loss = tidy(() => {
            opt.zeroGrad();
            const l = logitsLoss();
            l.backward();
            opt.step();
            return l;
          });
          const v = await loss.item();
          loss.dispose();
          return v;
        };
        check = async () => {
          const loss = tidy(() => noGrad(logitsLoss));
          const v = await loss.item();
          loss.dispose();
          return [v];
        };
        break;
      }
    }
    return {
      run: (reps) => {
        this.select();
        return timeSteps(step, reps);
      },
      check: () => {
        this.select();
        return check();
      },
      dispatches: () => {
        // A backend that dispatches device kernels counts them (webgpu's dispatchCount); host backends have no such count.
        const n = (getBackendObject(device) as { dispatchCount?: unknown }).dispatchCount;
        return typeof n === 'number' ? n : null;
      },
      memoryBytes: async () => memory(device).bytes,
      resetPeak: async () => resetPeakMemory(device),
      peakBytes: async () => memory(device).peakBytes ?? null,
      dispose: async () => {
        for (const t of owned) t.dispose();
      },
    };
  }

  async close(): Promise<void> {}
}
