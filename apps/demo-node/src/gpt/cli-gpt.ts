// `--model gpt`: the tiny GPT's run in the terminal, a progress bar per epoch and the line the
// model writes after it, so one sees the text take shape as the loss falls.
import type { Options } from '../args.js';
import { bar, chart } from '../terminal.js';
import { DEFAULT_GPT_CONFIG, type GptEpochReport, type GptTrainConfig, trainGpt } from './train-gpt.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

/** Trains on `backend` (already started); exit code 0, or 1 when a run of several epochs ends no lower than it began. */
export async function gpt(o: Options, backend: string): Promise<number> {
  const c: GptTrainConfig = {
    ...DEFAULT_GPT_CONFIG,
    backend,
    epochs: o.epochs ?? DEFAULT_GPT_CONFIG.epochs,
    stepsPerEpoch: o.steps ?? DEFAULT_GPT_CONFIG.stepsPerEpoch,
    seed: o.seed,
    lr: o.lr,
  };
  const m = c.model;
  out(
    `\nTraining a character-level GPT (${m.nLayer} blocks, ${m.nHead} heads, ${m.nEmbd} wide, context ${m.blockSize}) on the built-in text with AdamW lr ${c.lr}, seed ${c.seed}, on ${backend}.`,
  );
  const tty = process.stdout.isTTY === true;
  const width = String(c.epochs).length;
  const line = (epoch: number, done: number, total: number, loss: number, secs?: number) =>
    `epoch ${String(epoch).padStart(width)}/${c.epochs} ${bar(done, total)} loss ${loss.toFixed(4)}${secs === undefined ? '' : `  ${secs.toFixed(2)}s`}`;
  const reports = await trainGpt(c, {
    step: (epoch, done, total, loss) => {
      if (tty) process.stdout.write(`\r${line(epoch, done, total, loss)}`);
    },
    epoch: (r: GptEpochReport) => {
      process.stdout.write(`${tty ? '\r' : ''}${line(r.epoch, 1, 1, r.loss, r.seconds)}\n`);
      out(`  sample (temperature ${c.temperature}): ${JSON.stringify(r.sample)}`);
    },
  });
  out('\nTraining loss per epoch:');
  out(chart(reports.map((r) => r.loss)));
  const first = reports[0]!.loss;
  const last = reports.at(-1)!.loss;
  if (reports.length === 1) {
    out(`\nLoss ${last.toFixed(4)} after one epoch (run more with --epochs to see it fall).`);
    return 0;
  }
  const fell = last < first;
  out(`\nLoss ${first.toFixed(4)} in epoch 1, ${last.toFixed(4)} in epoch ${reports.length}: ${fell ? 'it fell' : 'it did NOT fall'}.`);
  return fell ? 0 : 1;
}
