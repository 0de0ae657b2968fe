import { fromHostArray, getBackendObject, memory, nn, noGrad, optim, ready, setBackend, tidy, type Tensor } from 'tensile';
import { type HostTensor, type Inputs, layerCount, norm2 } from '../data.js';
import type { Workload } from '../workloads.js';
import { type Prepared, reasonOf, type Skipped, type System, timeSteps, Unavailable } from './system.js';

/** Every Tensile backend the bench knows; all but cpu are optional packages loaded if present. */
export const TENSILE_BACKENDS = ['cpu', 'wasm', 'native', 'webgpu'] as const;

// Written against the PyTorch-named API (nn.Linear, nn.CrossEntropyLoss, optim.Adam). Looked up by
// name so that a piece not built yet makes its workloads "not available" instead of breaking the bench.
type Ctor<T> = new (...args: never[]) => T;
type LossModule = (input: Tensor, target: Tensor) => Tensor;
type Layer = ((x: Tensor) => Tensor) & { parameters(): Tensor[] };
interface Optimizer {
  zeroGrad(): void;
  step(): void;
}

function api<T>(ns: object, nsName: string, name: string): Ctor<T> {
  const c = (ns as Record<string, unknown>)[name];
  if (typeof c !== 'function') throw new Unavailable(`${nsName}.${name} is not implemented yet`);
  return c as Ctor<T>;
}

function upload(t: HostTensor, device: string): Tensor {
  return fromHostArray(t.data, t.shape, t.data instanceof Int32Array ? 'int32' : 'float32', device);
}

/** Loads every Tensile backend that is installed and can start here; the others come back skipped, with the reason. */
export async function tensileSystems(wanted: (id: string) => boolean): Promise<(System | Skipped)[]> {
  const out: (System | Skipped)[] = [];
  for (const name of TENSILE_BACKENDS) {
    if (!wanted(name)) continue;
    try {
      // cpu comes with 'tensile'; the others register (and select) themselves when imported.
      if (name !== 'cpu') await import(/* @vite-ignore */ `@tensile/backend-${name}`);
    } catch (e) {
      out.push({ id: name, ours: true, reason: `@tensile/backend-${name} is not installed or not built (${reasonOf(e)})` });
      continue;
    }
    try {
      await ready(name);
    } catch (e) {
      out.push({ id: name, ours: true, reason: `backend "${name}" cannot start here: ${reasonOf(e)}` });
      continue;
    }
    out.push(new TensileSystem(name));
  }
  setBackend('cpu');
  return out;
}

class TensileSystem implements System {
  readonly ours = true;
  readonly threads: number;
  readonly description: string;

  constructor(readonly id: string) {
    // A backend that computes with a thread pool says so; plain JS and single-threaded wasm do not.
    this.threads = (getBackendObject(id) as { threads?: number }).threads ?? 1;
    this.description = `Tensile, backend "${id}", ${this.threads} thread${this.threads === 1 ? '' : 's'}`;
  }

  async prepare(workload: Workload, inputs: Inputs): Promise<Prepared> {
    setBackend(this.id);
    const spec = workload.spec;
    const device = this.id;
    const owned: Tensor[] = [];
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
        const Loss = api<LossModule>(nn, 'nn', { mse: 'MSELoss', 'cross-entropy': 'CrossEntropyLoss', 'bce-logits': 'BCEWithLogitsLoss' }[spec.kind]);
        const lossFn = new Loss();
        const input = (spec.kind === 'mse' ? up('input') : up('logits')).requiresGrad_(true);
        const target = spec.kind === 'cross-entropy' ? up('labels') : up('target');
        step = async () => {
          if (input.grad !== null) {
            input.grad.dispose();
            input.grad = null;
          }
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
      case 'mlp-train': {
        const Sequential = api<Layer>(nn, 'nn', 'Sequential');
        const Linear = api<Layer>(nn, 'nn', 'Linear');
        const ReLU = api<Layer>(nn, 'nn', 'ReLU');
        const CrossEntropyLoss = api<LossModule>(nn, 'nn', 'CrossEntropyLoss');
        const Adam = api<Optimizer>(optim, 'optim', 'Adam');
        const layers: Layer[] = [];
        const L = layerCount(spec.sizes);
        for (let i = 0; i < L; i++) {
          layers.push(new (Linear as unknown as new (i: number, o: number) => Layer)(spec.sizes[i]!, spec.sizes[i + 1]!));
          if (i + 1 < L) layers.push(new ReLU());
        }
        const model = new (Sequential as unknown as new (...l: Layer[]) => Layer)(...layers);
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
        const lossFn = new CrossEntropyLoss();
        const opt = new (Adam as unknown as new (p: Tensor[], o: { lr: number }) => Optimizer)(params, { lr: spec.lr });
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
    }
    return {
      run: (reps) => {
        setBackend(device);
        return timeSteps(step, reps);
      },
      check,
      memoryBytes: async () => memory(device).bytes,
      dispose: async () => {
        for (const t of owned) t.dispose();
      },
    };
  }

  async close(): Promise<void> {}
}
