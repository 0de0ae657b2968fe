import { fromHostArray, manualSeed, noGrad, optim, setBackend, type Tensor, tidy } from 'tensile';
import { CLASSIFIER_LOSS_NAMES, classifierLoss, type ClassifierLoss, type LossName, makeToyData, mlp, TOY_DATA_SETS, type ToyData, type ToyDataSet } from '@tensile/demo-node/toy';
import { fitToDevicePixels, plot } from './plot.js';

const OPTIMIZERS = {
  Adam: (p: Tensor[], lr: number) => new optim.Adam(p, { lr }),
  AdamW: (p: Tensor[], lr: number) => new optim.AdamW(p, { lr }),
  'SGD (momentum 0.9)': (p: Tensor[], lr: number) => new optim.SGD(p, { lr, momentum: 0.9 }),
  RMSprop: (p: Tensor[], lr: number) => new optim.RMSprop(p, { lr }),
  Adagrad: (p: Tensor[], lr: number) => new optim.Adagrad(p, { lr }),
};
type OptimizerName = keyof typeof OPTIMIZERS;

const POINTS = 400;
const GRID = 48;
/** Steps between redraws; the loop yields to the browser after each batch of them. */
const STEPS_PER_FRAME = 5;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The playground's state, also read by the browser test (window.tensileDemo.playground). */
export interface PlaygroundState {
  backend: string;
  running: boolean;
  step: number;
  history: number[];
}

interface Run {
  data: ToyData;
  x: Tensor;
  y: Tensor;
  grid: Tensor;
  model: ReturnType<typeof mlp>;
  optimizer: optim.Optimizer;
  loss: ClassifierLoss;
}

function gridPoints(): Float32Array {
  const g = new Float32Array(2 * GRID * GRID);
  for (let r = 0; r < GRID; r++)
    for (let c = 0; c < GRID; c++) {
      g[2 * (r * GRID + c)] = -1.2 + (2.4 * (c + 0.5)) / GRID;
      g[2 * (r * GRID + c) + 1] = 1.2 - (2.4 * (r + 0.5)) / GRID;
    }
  return g;
}

/** Colours the plane by the model's probability of class 1, then draws the points. */
function drawBoundary(canvas: HTMLCanvasElement, p1: Float32Array, data: ToyData): void {
  const { ctx, width, height } = fitToDevicePixels(canvas);
  const img = ctx.createImageData(GRID, GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    const p = p1[i]!;
    img.data.set([255 - 90 * p, 200 + 20 * (1 - Math.abs(2 * p - 1)), 165 + 90 * p, 255], 4 * i);
  }
  const off = new OffscreenCanvas(GRID, GRID);
  off.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, width, height);
  const s = width / 2.4;
  for (let i = 0; i < data.length; i++) {
    ctx.fillStyle = data.labels[i] === 1 ? '#1f4fa8' : '#c2461b';
    ctx.beginPath();
    ctx.arc((data.points[2 * i]! + 1.2) * s, (1.2 - data.points[2 * i + 1]!) * s, 2.2, 0, 2 * Math.PI);
    ctx.fill();
  }
}

export function setUpPlayground(getBackend: () => string, report: (e: unknown) => void): { state: PlaygroundState; reset: () => Promise<void>; start: () => Promise<void>; stop: () => void } {
  const dataSel = $<HTMLSelectElement>('pg-data');
  const lossSel = $<HTMLSelectElement>('pg-loss');
  const optSel = $<HTMLSelectElement>('pg-optimizer');
  const lrInput = $<HTMLInputElement>('pg-lr');
  for (const d of TOY_DATA_SETS) dataSel.add(new Option(d, d));
  for (const l of CLASSIFIER_LOSS_NAMES) lossSel.add(new Option(l, l));
  for (const o of Object.keys(OPTIMIZERS)) optSel.add(new Option(o, o));

  const state: PlaygroundState = { backend: getBackend(), running: false, step: 0, history: [] };
  let run: Run | null = null;
  let loop: Promise<void> = Promise.resolve();
  // Resets run one after another, each after the training loop has stopped.
  let settled: Promise<void> = Promise.resolve();

  const dispose = () => {
    if (run === null) return;
    for (const t of [run.x, run.y, run.grid]) t.dispose();
    run.optimizer.dispose();
    run.model.zeroGrad(); // frees the gradients
    for (const p of run.model.parameters()) p.dispose();
    run = null;
  };

  const build = (): Run => {
    state.backend = getBackend();
    setBackend(state.backend);
    const data = makeToyData(dataSel.value as ToyDataSet, { n: POINTS, noise: 0.04, seed: 1 });
    manualSeed(1);
    const model = mlp(2, [32, 32], 2);
    return {
      data,
      x: fromHostArray(data.points, [data.length, 2], 'float32'),
      y: fromHostArray(data.labels, [data.length], 'int32'),
      grid: fromHostArray(gridPoints(), [GRID * GRID, 2], 'float32'),
      model,
      optimizer: OPTIMIZERS[optSel.value as OptimizerName](model.parameters(), Number(lrInput.value)),
      loss: classifierLoss(lossSel.value as LossName, 2),
    };
  };

  const draw = async (r: Run) => {
    const p1 = noGrad(() => tidy(() => r.model(r.grid).softmax(1).select(1, 1)));
    const probs = (await p1.data()) as Float32Array;
    p1.dispose();
    drawBoundary($('pg-boundary'), probs, r.data);
    plot($('pg-curve'), [{ xs: state.history.map((_, i) => i + 1), ys: state.history, color: '#1f5fbf' }], { logY: true });
    showStatus();
  };
  const showStatus = () => {
    const last = state.history.at(-1);
    $('pg-status').textContent = `${state.running ? 'Training' : 'Paused'} on ${state.backend}: step ${state.step}${last === undefined ? '' : `, loss ${last.toFixed(4)}`}.`;
  };

  const reset = (): Promise<void> => {
    state.running = false;
    settled = settled.then(async () => {
      await loop;
      dispose();
      state.step = 0;
      state.history = [];
      try {
        run = build();
        await draw(run);
      } catch (e) {
        report(e);
      }
    });
    return settled;
  };

  const trainLoop = async () => {
    while (state.running && run !== null) {
      const r = run;
      for (let i = 0; i < STEPS_PER_FRAME; i++) {
        const loss = tidy(() => {
          r.optimizer.zeroGrad();
          const l = r.loss(r.model(r.x), r.y);
          l.backward();
          r.optimizer.step();
          return l.detach();
        });
        state.history.push(await loss.item());
        loss.dispose();
        state.step++;
      }
      await draw(r);
      // Hand the main thread back to the browser between batches of steps.
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
  };

  const start = async () => {
    if (state.running) return;
    state.running = true;
    await settled;
    $('pg-start').textContent = 'Pause';
    loop = trainLoop().catch((e: unknown) => {
      state.running = false;
      report(e);
    });
    await loop;
    $('pg-start').textContent = 'Train';
    showStatus();
  };
  const stop = () => {
    state.running = false;
  };

  $('pg-start').addEventListener('click', () => (state.running ? stop() : void start()));
  $('pg-reset').addEventListener('click', () => void reset());
  for (const el of [dataSel, lossSel, optSel]) el.addEventListener('change', () => void reset());
  lrInput.addEventListener('change', () => {
    if (run !== null) for (const g of run.optimizer.paramGroups) g.lr = Number(lrInput.value);
  });
  void reset();
  return { state, reset, start, stop };
}
