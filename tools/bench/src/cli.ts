#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench, UsageError } from './bench.js';
import { formatReport } from './report.js';

const USAGE = `usage: npm run bench -w @tensile/bench -- [--quick] [--only W3,W4] [--systems cpu,tfjs-cpu] [--json FILE] [--samples N] [--scale full|tiny]

  --quick         one step per system, compare the results, no timing (exits 1 if systems disagree)
  --only LIST     workloads or groups: W1 (both sizes), W1-1M, W1-4K, W2 ... W8
  --systems LIST  cpu, wasm, native, webgpu, tfjs-cpu, tfjs-wasm, torch-1t, torch-2t (and, by name only,
                  wasm-im2col, native-im2col: the fused conv kernels set aside)
  --json FILE     write every sample, value and reason as JSON
  --samples N     timed rounds per workload (default: as many as fit in about 8 s, 5 to 30)
  --scale S       full (the issue's sizes, default) or tiny (small sizes for smoke tests)`;

function list(v: string | undefined): string[] | null {
  return v === undefined ? null : v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Runs the bench as the command line asks; returns the exit code. */
export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`), err: (s: string) => void = (s) => process.stderr.write(`${s}\n`)): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        systems: { type: 'string' },
        json: { type: 'string' },
        samples: { type: 'string' },
        scale: { type: 'string', default: 'full' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    err(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const scale = values.scale;
  if (scale !== 'full' && scale !== 'tiny') {
    err(`--scale must be full or tiny, got "${scale}"\n${USAGE}`);
    return 2;
  }
  const samples = values.samples === undefined ? null : Number(values.samples);
  if (samples !== null && !(Number.isInteger(samples) && samples > 0)) {
    err(`--samples must be a positive integer, got "${values.samples}"\n${USAGE}`);
    return 2;
  }
  try {
    const result = await runBench({ quick: values.quick, only: list(values.only), systems: list(values.systems), scale, samples }, err);
    out(formatReport(result));
    if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
    return result.problems.length === 0 ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

// Run when executed (node dist/cli.js), not when a test imports it.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
