// Trains the conformance package's character-level GPT on the demo's text with AdamW, as a
// PyTorch user's loop does: random windows of the text as batches, cross-entropy on the next
// character, and after each epoch a line sampled from the model with temperature.
import { CharTokenizer, GPT, type GPTConfig } from '@tensile/conformance/gpt';
import { F, fromHostArray, Generator, manualSeed, multinomial, noGrad, optim, setBackend, type Tensor, tidy } from 'tensile';
import { TINY_TEXT } from './text.js';

export interface GptTrainConfig {
  backend: string;
  epochs: number;
  stepsPerEpoch: number;
  batchSize: number;
  seed: number;
  lr: number;
  /** Characters sampled after each epoch. */
  sampleLength: number;
  temperature: number;
  model: Omit<GPTConfig, 'vocabSize' | 'device'>;
}

export const DEFAULT_GPT_CONFIG: Omit<GptTrainConfig, 'backend'> = {
  epochs: 5,
  stepsPerEpoch: 20,
  batchSize: 16,
  seed: 0,
  lr: 3e-3,
  sampleLength: 60,
  temperature: 0.8,
  model: { blockSize: 32, nEmbd: 32, nHead: 4, nLayer: 2 },
};

export interface GptEpochReport {
  epoch: number;
  /** Mean training loss over the epoch's steps. */
  loss: number;
  /** Text the model wrote after the epoch, from the text's first character. */
  sample: string;
  seconds: number;
}

export interface GptProgress {
  step(epoch: number, done: number, total: number, loss: number): void;
  epoch(report: GptEpochReport): void;
}

/** `length` characters after `prompt`, each drawn from softmax(logits / temperature) of the last position. */
export async function sample(
  model: GPT,
  tokenizer: CharTokenizer,
  prompt: string,
  length: number,
  temperature: number,
  generator: Generator,
): Promise<string> {
  const ids = Array.from(tokenizer.encode(prompt));
  const { blockSize } = model.config;
  const device = model.tokens.weight.device;
  for (let i = 0; i < length; i++) {
    const context = ids.slice(-blockSize);
    const next = noGrad(() =>
      tidy(() => {
        const logits = model(fromHostArray(Int32Array.from(context), [1, context.length], 'int32', device));
        const last = logits.select(1, context.length - 1).squeeze(0);
        return multinomial(F.softmax(last.div(temperature), -1), 1, { generator });
      }),
    );
    ids.push(await next.item());
    next.dispose();
  }
  return tokenizer.decode(ids.slice(prompt.length));
}

/** Trains on `config.backend`; the same config gives the same losses and samples run to run. */
export async function trainGpt(config: GptTrainConfig, progress?: GptProgress): Promise<GptEpochReport[]> {
  setBackend(config.backend);
  const tokenizer = CharTokenizer.fromText(TINY_TEXT);
  const ids = tokenizer.encode(TINY_TEXT);
  const T = config.model.blockSize;
  manualSeed(config.seed);
  const model = new GPT({ ...config.model, vocabSize: tokenizer.vocab.length, device: config.backend });
  const optimizer = new optim.AdamW(model.paramGroups(0.01), { lr: config.lr });
  // Window offsets and samples come from generators of their own, so they do not depend on the init's draws.
  const windows = new Generator(config.seed + 1);
  const sampler = new Generator(config.seed + 2);
  const reports: GptEpochReport[] = [];
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const start = performance.now();
    let lossSum = 0;
    for (let step = 1; step <= config.stepsPerEpoch; step++) {
      const x = new Int32Array(config.batchSize * T);
      const y = new Int32Array(config.batchSize * T);
      const u = windows.uniform(config.batchSize, true);
      for (let b = 0; b < config.batchSize; b++) {
        const o = Math.floor(u[b]! * (ids.length - T - 1));
        x.set(ids.subarray(o, o + T), b * T);
        y.set(ids.subarray(o + 1, o + T + 1), b * T);
      }
      const loss: Tensor = tidy(() => {
        optimizer.zeroGrad();
        const logits = model(fromHostArray(x, [config.batchSize, T], 'int32', config.backend));
        const l = F.crossEntropy(
          logits.view(-1, tokenizer.vocab.length),
          fromHostArray(y, [config.batchSize * T], 'int32', config.backend),
        );
        l.backward();
        optimizer.step();
        return l.detach();
      });
      lossSum += await loss.item();
      loss.dispose();
      progress?.step(epoch, step, config.stepsPerEpoch, lossSum / step);
    }
    const text = await sample(model, tokenizer, TINY_TEXT[0]!, config.sampleLength, config.temperature, sampler);
    const report = { epoch, loss: lossSum / config.stepsPerEpoch, sample: text, seconds: (performance.now() - start) / 1000 };
    reports.push(report);
    progress?.epoch(report);
  }
  optimizer.dispose();
  return reports;
}
