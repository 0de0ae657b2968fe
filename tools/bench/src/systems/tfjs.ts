import { type Inputs, layerCount, norm2 } from '../data.js';
import { flops, type Workload } from '../workloads.js';
import { type Prepared, reasonOf, type Skipped, type System, timeSteps, Unavailable } from './system.js';

type Tf = typeof import('@tensorflow/tfjs');
type TfTensor = import('@tensorflow/tfjs').Tensor;
type TfScalar = import('@tensorflow/tfjs').Scalar;
type Tf4D = import('@tensorflow/tfjs').Tensor4D;

export const TFJS_SYSTEMS = ['tfjs-cpu', 'tfjs-wasm'] as const;

/** A CommonJS package imported from ESM: Node gives its exports either as named bindings or under `default`. */
function exportsOf<T extends object>(mod: T & { default?: T }, probe: string): T {
  return probe in mod ? mod : (mod.default as T);
}

/**
 * TensorFlow.js 4.22 with its plain-JS cpu backend and its wasm backend (one
 * thread, as Tensile's wasm), both in this process so they are timed exactly
 * as Tensile is. Each peer uses the fastest idiomatic form: valueAndGrad for
 * losses, fused matMul + optimizer.minimize for training.
 */
export async function tfjsSystems(wanted: (id: string) => boolean): Promise<(System | Skipped)[]> {
  const ids = TFJS_SYSTEMS.filter(wanted);
  if (ids.length === 0) return [];
  let tf: Tf;
  try {
    tf = exportsOf(await import('@tensorflow/tfjs'), 'matMul');
    // Production mode: no debug checks, and no console advice to install tfjs-node.
    tf.enableProdMode();
  } catch (e) {
    return ids.map((id) => ({ id, ours: false, reason: `@tensorflow/tfjs cannot be loaded: ${reasonOf(e)}` }));
  }
  const out: (System | Skipped)[] = [];
  for (const id of ids) {
    const backend = id === 'tfjs-cpu' ? 'cpu' : 'wasm';
    try {
      if (backend === 'wasm') {
        const wasm = exportsOf(await import('@tensorflow/tfjs-backend-wasm'), 'setThreadsCount');
        wasm.setThreadsCount(1);
      }
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
      out.push(new TfjsSystem(tf, id, backend));
    } catch (e) {
      out.push({ id, ours: false, reason: `TensorFlow.js backend "${backend}" cannot start: ${reasonOf(e)}` });
    }
  }
  return out;
}

class TfjsSystem implements System {
  readonly ours = false;
  readonly threads = 1;
  readonly description: string;

  constructor(
    private readonly tf: Tf,
    readonly id: string,
    private readonly backend: string,
  ) {
    this.description = `TensorFlow.js ${tf.version.tfjs}, backend "${backend}", 1 thread`;
  }

  async prepare(workload: Workload, inputs: Inputs): Promise<Prepared> {
    const tf = this.tf;
    await tf.setBackend(this.backend);
    const spec = workload.spec;
    const owned: { dispose(): void }[] = [];
    const up = (name: string): TfTensor => {
      const h = inputs[name]!;
      const t = tf.tensor(h.data, [...h.shape], h.data instanceof Int32Array ? 'int32' : 'float32');
      owned.push(t);
      return t;
    };
    let step: () => number | null;
    let check: () => number[];
    switch (spec.kind) {
      case 'mse':
      case 'cross-entropy':
      case 'bce-logits': {
        let f: (x: TfTensor) => TfTensor;
        let x: TfTensor;
        if (spec.kind === 'mse') {
          x = up('input');
          const y = up('target');
          f = (v) => tf.squaredDifference(v, y).mean();
        } else if (spec.kind === 'cross-entropy') {
          x = up('logits');
          const labels = up('labels');
          // tfjs has no sparse (class index) cross-entropy: one-hot is part of the work.
          f = (v) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, spec.classes), v);
        } else {
          x = up('logits');
          const target = up('target');
          f = (v) => tf.losses.sigmoidCrossEntropy(target, v);
        }
        const vg = tf.valueAndGrad(f);
        step = () =>
          tf.tidy(() => {
            const { value, grad } = vg(x);
            grad.dataSync(); // cpu and wasm compute eagerly; this only keeps the gradient from looking unused
            return value.dataSync()[0]!;
          });
        check = () => tf.tidy(() => [norm2(vg(x).grad.dataSync())]);
        break;
      }
      case 'matmul': {
        const a = up('a');
        const b = up('b');
        step = () => {
          tf.matMul(a, b).dispose();
          return null;
        };
        check = () => tf.tidy(() => [norm2(tf.matMul(a, b).dataSync())]);
        break;
      }
      case 'conv2d': {
        // tfjs-backend-wasm 4.22 registers Conv2D and Conv2DBackpropInput but not the filter's gradient: it cannot
        // train a convolution, so the cell says so instead of failing mid-step.
        for (const kernel of ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'])
          if (tf.getKernel(kernel, this.backend) === undefined)
            throw new Unavailable(`TensorFlow.js ${tf.version.tfjs} backend "${this.backend}" has no ${kernel} kernel (no convolution backward)`);
        // tfjs-backend-cpu's filter gradient is a scalar loop: one full-size W8 step took about 270 s here, which
        // would keep `npm run bench` busy for over half an hour (8 steps at least); above a budget it is skipped, saying why.
        const work = flops(spec);
        if (this.backend === 'cpu' && work !== null && work > 1e9)
          throw new Unavailable(`TensorFlow.js ${tf.version.tfjs} backend "cpu" needs minutes per step at this size (its Conv2DBackpropFilter is a scalar loop; about 270 s measured here), over the bench's time budget`);
        // tfjs convolves NHWC input with an HWIO filter: the shared NCHW / OIHW bytes are transposed once, here,
        // so the math is the same as every other system's (gradient norms do not depend on the layout).
        const nhwc = (t: TfTensor): TfTensor => tf.tidy(() => t.transpose([0, 2, 3, 1]));
        const x = nhwc(up('x'));
        const filter = tf.tidy(() => up('weight').transpose([2, 3, 1, 0]));
        const bias = up('bias');
        const g = nhwc(up('g'));
        owned.push(x, filter, g);
        const pad = spec.padding;
        const padding: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [pad, pad], [pad, pad], [0, 0]];
        const vg = tf.valueAndGrads((xv: TfTensor, fv: TfTensor, bv: TfTensor) =>
          tf.fused.conv2d({ x: xv as Tf4D, filter: fv as Tf4D, strides: 1, pad: padding, bias: bv }).mul(g).sum(),
        );
        step = () =>
          tf.tidy(() => {
            const { value, grads } = vg([x, filter, bias]);
            for (const gr of grads) gr.dataSync(); // eager backends: only keeps the gradients from looking unused
            return value.dataSync()[0]!;
          });
        check = () => tf.tidy(() => vg([x, filter, bias]).grads.map((gr) => norm2(gr.dataSync())));
        break;
      }
      case 'gpt-train':
        // tfjs-layers 4.22 carries a MultiHeadAttention under dist/layers/nlp but does not export it; a GPT would
        // be attention written from matMul by hand, not the library a user would reach for.
        throw new Unavailable(`TensorFlow.js ${tf.version.tfjs} exports no attention layer (tf.layers has no MultiHeadAttention; tfjs #8574)`);
      case 'mlp-train': {
        const L = layerCount(spec.sizes);
        const weights: TfTensor[] = [];
        const biases: TfTensor[] = [];
        for (let i = 0; i < L; i++) {
          // tfjs's own layout, [in, out], as its Dense layer keeps it. (Keeping PyTorch's [out, in] and asking
          // fused.matMul for transposeB gives wrong results on the wasm backend of 4.22, which ignores the flag.)
          const w = tf.variable(tf.tidy(() => up(`w${i}`).transpose()));
          const b = tf.variable(up(`b${i}`));
          owned.push(w, b);
          weights.push(w);
          biases.push(b);
        }
        const x = up('x');
        const labels = up('labels');
        const classes = spec.sizes[L]!;
        const loss = (): TfScalar => {
          let h = x;
          for (let i = 0; i < L; i++)
            h = tf.fused.matMul({ a: h, b: weights[i]!, bias: biases[i]!, activation: i + 1 < L ? 'relu' : 'linear' });
          return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, classes), h) as TfScalar;
        };
        // PyTorch's Adam defaults (tfjs's own epsilon is 1e-7).
        const opt = tf.train.adam(spec.lr, 0.9, 0.999, 1e-8);
        owned.push(opt);
        step = () => {
          const l = opt.minimize(loss, true)!;
          const v = l.dataSync()[0]!;
          l.dispose();
          return v;
        };
        check = () => tf.tidy(() => [loss().dataSync()[0]!]);
        break;
      }
    }
    return {
      run: async (reps) => {
        await tf.setBackend(this.backend);
        return timeSteps(step, reps);
      },
      check: async () => {
        await tf.setBackend(this.backend);
        return check();
      },
      dispatches: () => null,
      memoryBytes: async () => tf.memory().numBytes,
      resetPeak: async () => undefined,
      // tf.memory() counts the bytes held now; only tf.profile reports a peak, and it would be timed with the step.
      peakBytes: async () => null,
      dispose: async () => {
        for (const t of owned) t.dispose();
      },
    };
  }

  async close(): Promise<void> {}
}
