// The tiny GPT's training, off the page's thread: the conformance package's character-level GPT
// trained with AdamW on the best backend this worker can start (webgpu, wasm, cpu, as
// backends.ts probes them), posting each step's loss and, after each epoch, a line the model
// writes (temperature sampling through multinomial on a seeded generator).
import { CharTokenizer, GPT } from '@tensile/conformance/gpt';
import { F, fromHostArray, Generator, manualSeed, multinomial, noGrad, optim, setBackend, tidy } from 'tensile';
import { probeBackends, WEB_BACKENDS } from './backends.js';
import type { GptMessage, GptRequest } from './gpt-protocol.js';
import { GPT_TEXT } from './gpt-text.js';

const MODEL = { blockSize: 32, nEmbd: 32, nHead: 4, nLayer: 2 };
const BATCH = 16;
const LR = 3e-3;
const SAMPLE_LENGTH = 60;
const TEMPERATURE = 0.8;

const post = (m: GptMessage) => self.postMessage(m);

async function sample(model: GPT, tokenizer: CharTokenizer, device: string, generator: Generator): Promise<string> {
  const ids = Array.from(tokenizer.encode(GPT_TEXT[0]!));
  for (let i = 0; i < SAMPLE_LENGTH; i++) {
    const context = ids.slice(-MODEL.blockSize);
    const next = noGrad(() =>
      tidy(() => {
        const logits = model(fromHostArray(Int32Array.from(context), [1, context.length], 'int32', device));
        return multinomial(
          F.softmax(
            logits
              .select(1, context.length - 1)
              .squeeze(0)
              .div(TEMPERATURE),
            -1,
          ),
          1,
          { generator },
        );
      }),
    );
    ids.push(await next.item());
    next.dispose();
  }
  return tokenizer.decode(ids.slice(1));
}

async function train(r: GptRequest): Promise<void> {
  const probes = await probeBackends();
  const available = (n: string) => probes.some((p) => p.name === n && p.available);
  if (r.backend !== undefined && !available(r.backend)) throw new Error(`backend ${r.backend} is unavailable in this worker`);
  const device = r.backend ?? WEB_BACKENDS.find(available)!;
  post({ type: 'backend', name: device, reasons: Object.fromEntries(probes.flatMap((p) => (p.available ? [] : [[p.name, p.reason]]))) });
  setBackend(device);
  const tokenizer = CharTokenizer.fromText(GPT_TEXT);
  const ids = tokenizer.encode(GPT_TEXT);
  const T = MODEL.blockSize;
  manualSeed(r.seed);
  const model = new GPT({ ...MODEL, vocabSize: tokenizer.vocab.length, device });
  const optimizer = new optim.AdamW(model.paramGroups(0.01), { lr: LR });
  const windows = new Generator(r.seed + 1);
  const sampler = new Generator(r.seed + 2);
  let step = 0;
  for (let epoch = 1; epoch <= r.epochs; epoch++) {
    let lossSum = 0;
    for (let s = 0; s < r.stepsPerEpoch; s++) {
      const x = new Int32Array(BATCH * T);
      const y = new Int32Array(BATCH * T);
      const u = windows.uniform(BATCH, true);
      for (let b = 0; b < BATCH; b++) {
        const o = Math.floor(u[b]! * (ids.length - T - 1));
        x.set(ids.subarray(o, o + T), b * T);
        y.set(ids.subarray(o + 1, o + T + 1), b * T);
      }
      const loss = tidy(() => {
        optimizer.zeroGrad();
        const logits = model(fromHostArray(x, [BATCH, T], 'int32', device));
        const l = F.crossEntropy(logits.view(-1, tokenizer.vocab.length), fromHostArray(y, [BATCH * T], 'int32', device));
        l.backward();
        optimizer.step();
        return l.detach();
      });
      const value = await loss.item();
      loss.dispose();
      lossSum += value;
      post({ type: 'step', step: ++step, loss: value });
    }
    post({ type: 'epoch', epoch, loss: lossSum / r.stepsPerEpoch, sample: await sample(model, tokenizer, device, sampler) });
  }
  optimizer.dispose();
  post({ type: 'done' });
}

self.onmessage = (e: MessageEvent<GptRequest>) => {
  train(e.data).catch((err: unknown) =>
    post({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
};
