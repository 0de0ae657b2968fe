#!/usr/bin/env node
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { nn } from 'tensile';
import { COMPARE_EPOCHS, type Options, parseOptions, USAGE, UsageError } from './args.js';
import { type BackendName, best, childAnswer, PREFERENCE, type Probe, probeBackends, runChild, startBackend } from './backends.js';
import { gpt } from './gpt/cli-gpt.js';
import { bar, chart, percent, table } from './terminal.js';
import { DEFAULT_CONFIG, type EpochReport, train, type TrainConfig } from './train.js';

/** Backends' final losses may differ by this much (relative) in --compare. */
export const COMPARE_RTOL = 1e-3;

const out = (line = '') => process.stdout.write(`${line}\n`);

function config(o: Options, backend: string, epochs: number): TrainConfig {
  return { ...DEFAULT_CONFIG, backend, epochs, loss: o.loss, seed: o.seed, lr: o.lr };
}

function describe(probes: readonly Probe[]): void {
  out('Backends:');
  for (const [name, why] of PREFERENCE) {
    const p = probes.find((q) => q.name === name)!;
    out(p.available ? `  ✓ ${name.padEnd(7)} ${why}` : `  ✗ ${name.padEnd(7)} unavailable: ${p.reason}`);
  }
}

/** The asked-for backend, or the best one here, started; null (said on stderr) when it can not start. */
async function chooseBackend(o: Options): Promise<BackendName | null> {
  let backend: BackendName;
  if (o.backend === 'auto') {
    const probes = await probeBackends();
    describe(probes);
    backend = best(probes);
    out(`Using ${backend}: the first available in the order ${PREFERENCE.map(([n]) => n).join(' > ')}.`);
  } else backend = o.backend;
  try {
    await startBackend(backend);
  } catch (e) {
    process.stderr.write(`Backend ${backend} is unavailable: ${(e as Error).message}\n`);
    return null;
  }
  return backend;
}

/** One run with progress, a loss curve, the test accuracy against the target, and the model saved. */
async function single(o: Options): Promise<number> {
  const backend = await chooseBackend(o);
  if (backend === null) return 1;
  const c = config(o, backend, o.epochs ?? DEFAULT_CONFIG.epochs);
  out(`\nTraining a ${[2, ...c.hidden, 2].join('-')} MLP on ${c.trainSize} spiral points with ${o.loss}, Adam lr ${c.lr}, seed ${c.seed}, on ${backend}.`);
  const tty = process.stdout.isTTY === true;
  const width = String(c.epochs).length;
  const line = (epoch: number, done: number, total: number, loss: number, acc: number, secs?: number) =>
    `epoch ${String(epoch).padStart(width)}/${c.epochs} ${bar(done, total)} loss ${loss.toFixed(4)}  acc ${percent(acc).padStart(7)}${secs === undefined ? '' : `  ${secs.toFixed(2)}s`}`;
  const result = await train(c, {
    batch: (epoch, done, total, loss, acc) => {
      if (tty) process.stdout.write(`\r${line(epoch, done, total, loss, acc)}`);
    },
    epoch: (r: EpochReport) => process.stdout.write(`${tty ? '\r' : ''}${line(r.epoch, 1, 1, r.loss, r.accuracy, r.seconds)}\n`),
  });

  out('\nTraining loss per epoch:');
  out(chart(result.epochs.map((e) => e.loss)));
  const perEpoch = result.epochs.reduce((s, e) => s + e.seconds, 0) / result.epochs.length;
  out(`\nFinal training loss ${result.finalLoss.toPrecision(5)}. Time per epoch: ${(perEpoch * 1000).toFixed(0)} ms on ${backend} (${result.epochs.length} epochs).`);

  const file = resolve(o.out);
  await nn.saveSafetensorsFile(file, result.model.stateDict(), {
    metadata: { model: `mlp ${[2, ...c.hidden, 2].join('-')} tanh`, data: 'spirals', loss: o.loss, seed: String(c.seed), backend },
  });
  out(`Model saved to ${file} (${(await stat(file)).size} bytes, safetensors).`);

  const ok = result.testAccuracy >= o.target;
  out(`Test accuracy: ${percent(result.testAccuracy)} on ${c.testSize} unseen points; target ${percent(o.target)}: ${ok ? 'reached' : 'MISSED'}.`);
  return ok ? 0 : 1;
}

interface ChildTrain {
  finalLoss: number;
  testAccuracy: number;
  seconds: number;
  epochs: EpochReport[];
}

/** The same run on every available backend, each in its own process; fails when final losses disagree. */
async function compare(o: Options): Promise<number> {
  const probes = await probeBackends();
  describe(probes);
  const epochs = o.epochs ?? COMPARE_EPOCHS;
  out(`\nTraining the same model from seed ${o.seed} for ${epochs} epochs with ${o.loss} on each available backend, each in a process of its own...`);
  if (o.epochs === null) out(`(${epochs} epochs, not the full run's ${DEFAULT_CONFIG.epochs}: float32 rounding differences between backends grow as training goes on.)`);
  const rows: [BackendName, ChildTrain | Error][] = [];
  const wanted = probes.filter((q) => o.backends === null || o.backends.includes(q.name));
  const missing = wanted.find((q) => !q.available);
  if (missing !== undefined && !missing.available) {
    process.stderr.write(`Backend ${missing.name} was asked for but is unavailable: ${missing.reason}\n`);
    return 1;
  }
  for (const p of wanted.filter((q) => q.available)) {
    const r = childAnswer<ChildTrain>(p.name, await runChild(['train', JSON.stringify(config(o, p.name, epochs))], 60_000 + 10_000 * epochs));
    rows.push([p.name, r]);
    out(`  ${p.name}: ${r instanceof Error ? `failed: ${r.message}` : 'done'}`);
  }
  const good = rows.filter((r): r is [BackendName, ChildTrain] => !(r[1] instanceof Error));
  const losses = good.map(([, r]) => r.finalLoss);
  const ref = losses[0] ?? NaN;
  out();
  out(
    table(
      ['backend', 'final loss', 'rel. diff', 'test acc', 'time', 'per epoch'],
      rows.map(([name, r]) =>
        r instanceof Error
          ? [name, 'failed', '', '', '', '']
          : [name, r.finalLoss.toPrecision(7), (Math.abs(r.finalLoss - ref) / Math.abs(ref)).toExponential(1), percent(r.testAccuracy), `${r.seconds.toFixed(2)}s`, `${((1000 * r.seconds) / epochs).toFixed(0)} ms`],
      ),
    ),
  );
  const spread = (Math.max(...losses) - Math.min(...losses)) / Math.min(...losses.map(Math.abs));
  out(`\nrel. diff is against ${good[0]?.[0] ?? 'none'}. Largest relative difference of final losses: ${spread.toExponential(2)} (allowed ${COMPARE_RTOL}).`);
  if (good.length < rows.length) {
    out('FAILED: a backend that started could not finish the run.');
    return 1;
  }
  if (!(spread <= COMPARE_RTOL)) {
    out(`FAILED: the backends disagree by more than ${COMPARE_RTOL} relative.`);
    if (epochs > COMPARE_EPOCHS) out(`(Float32 rounding differences grow as training goes on; runs longer than ${COMPARE_EPOCHS} epochs can drift apart without a bug.)`);
    return 1;
  }
  out(`The ${good.length} backends agree.`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`tensile-demo: ${e.message}\nRun with --help for the options.\n`);
    return 2;
  }
  if (o.help) {
    out(USAGE);
    return 0;
  }
  if (o.model === 'gpt') {
    const backend = await chooseBackend(o);
    return backend === null ? 1 : gpt(o, backend);
  }
  return o.compare ? compare(o) : single(o);
}

process.exitCode = await main(process.argv.slice(2));
