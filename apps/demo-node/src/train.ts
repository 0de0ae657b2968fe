import { fromHostArray, Generator, manualSeed, noGrad, setBackend, type Tensor, tidy, utils } from 'tensile';
import { optim } from 'tensile';
import { classifierLoss, type LossName, makeToyData, mlp, type ToyData } from './toy/index.js';

/** Everything that decides a run's numbers: the same config gives the same model on every backend. */
export interface TrainConfig {
  backend: string;
  epochs: number;
  loss: LossName;
  seed: number;
  lr: number;
  batchSize: number;
  trainSize: number;
  testSize: number;
  hidden: number[];
}

export const DEFAULT_CONFIG: Omit<TrainConfig, 'backend'> = {
  epochs: 60,
  loss: 'cross-entropy',
  seed: 0,
  lr: 0.01,
  batchSize: 50,
  trainSize: 1500,
  testSize: 1000,
  hidden: [64, 64],
};

/** The noise of the spirals: small enough that a good model separates them almost perfectly. */
const NOISE = 0.02;

export interface EpochReport {
  epoch: number;
  /** Mean loss over the epoch's batches. */
  loss: number;
  /** Accuracy over the epoch's batches, as the model was while it trained. */
  accuracy: number;
  seconds: number;
}

export interface TrainResult {
  epochs: EpochReport[];
  /** Loss over the whole training set after the last epoch (the number --compare compares). */
  finalLoss: number;
  testAccuracy: number;
  model: ReturnType<typeof mlp>;
}

export interface Progress {
  batch(epoch: number, done: number, total: number, loss: number, accuracy: number): void;
  epoch(report: EpochReport): void;
}

function toTensors(d: ToyData, device: string): [Tensor, Tensor] {
  return [fromHostArray(d.points, [d.length, 2], 'float32', device), fromHostArray(d.labels, [d.length], 'int32', device)];
}

/**
 * Trains a 2 -> hidden -> 2 MLP with Adam on two interleaved spirals (train
 * and test sets drawn from different seeds) on `config.backend`. Readback is
 * `await`ed, so the same loop runs on synchronous and GPU backends.
 */
export async function train(config: TrainConfig, progress?: Progress): Promise<TrainResult> {
  setBackend(config.backend);
  const trainData = makeToyData('spirals', { n: config.trainSize, noise: NOISE, seed: config.seed });
  const testData = makeToyData('spirals', { n: config.testSize, noise: NOISE, seed: config.seed + 1_000_003 });
  const [xTrain, yTrain] = toTensors(trainData, config.backend);
  const [xTest, yTest] = toTensors(testData, config.backend);

  manualSeed(config.seed);
  const model = mlp(2, config.hidden, 2);
  const lossFn = classifierLoss(config.loss, 2);
  const optimizer = new optim.Adam(model.parameters(), { lr: config.lr });
  const loader = new utils.data.DataLoader(new utils.data.TensorDataset(xTrain, yTrain), {
    batchSize: config.batchSize,
    shuffle: true,
    generator: new Generator(config.seed),
  });

  const epochs: EpochReport[] = [];
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const start = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let done = 0;
    for (const [x, y] of loader) {
      // tidy frees the step's temporaries; the returned scalars are read back after it.
      const [loss, right] = tidy(() => {
        optimizer.zeroGrad();
        const logits = model(x!);
        const l = lossFn(logits, y!);
        l.backward();
        optimizer.step();
        return [l.detach(), logits.argmax(1).eq(y!).sum()];
      });
      const n = y!.shape[0]!;
      lossSum += (await loss.item()) * n;
      correct += await right.item();
      seen += n;
      done++;
      loss.dispose();
      right.dispose();
      x!.dispose();
      y!.dispose();
      progress?.batch(epoch, done, loader.length, lossSum / seen, correct / seen);
    }
    const report = { epoch, loss: lossSum / seen, accuracy: correct / seen, seconds: (performance.now() - start) / 1000 };
    epochs.push(report);
    progress?.epoch(report);
  }

  model.eval();
  const [finalLossT, rightT] = noGrad(() => tidy(() => [lossFn(model(xTrain), yTrain), model(xTest).argmax(1).eq(yTest).sum()]));
  const finalLoss = await finalLossT.item();
  const testAccuracy = (await rightT.item()) / testData.length;
  for (const t of [finalLossT, rightT, xTrain, yTrain, xTest, yTest]) t.dispose();
  optimizer.dispose();
  return { epochs, finalLoss, testAccuracy, model };
}
