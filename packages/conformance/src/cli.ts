#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatFailure, markdownReport, summaryLines } from './report.js';
import { runConformance } from './run.js';
import { formatFuzzFailure, FUZZ_SEED, runFuzz } from './fuzz.js';
import { backendRequests } from './run.js';
import { startBackend } from './backends.js';

const USAGE = `usage: tensile-conformance [--backend cpu|wasm|webgpu|native|all|NAME[,NAME...]] [--backend-module SPECIFIER]...
    [--golden DIR|packaged]... [--no-differential] [--seed N] [--filter PATTERN] [--json FILE] [--report FILE.md]
    [--fuzz N [--fuzz-only] [--minutes M]]

  --backend          backends to run (default: those --backend-module registered, else cpu); a backend
                     named here that cannot start fails the run, under "all" it is skipped with its reason
  --backend-module   a package name or path of a module that registers a backend (yours or ours); repeatable
  --golden           golden sets to run, repeatable: "packaged" (shipped with this package, the default) or a directory
  --no-differential  skip the randomized checks (differential against cpu, fused vs composed, leak probe)
  --filter           only case ids matching a substring or /regex/ (also matched as kind/id)
  --fuzz N           also run N random programs per backend against cpu (float64-judged); program i has seed
                     (--seed, default ${FUZZ_SEED}) + i, so --fuzz 1 --seed S reruns the one a failure names
  --fuzz-only        only the program fuzzer (no golden cases or other randomized checks)
  --minutes M        with --fuzz: stop each backend's fuzzing after M minutes`;

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        backend: { type: 'string' },
        'backend-module': { type: 'string', multiple: true },
        golden: { type: 'string', multiple: true },
        json: { type: 'string' },
        report: { type: 'string' },
        filter: { type: 'string' },
        seed: { type: 'string' },
        'no-differential': { type: 'boolean', default: false },
        fuzz: { type: 'string' },
        'fuzz-only': { type: 'boolean', default: false },
        minutes: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    console.error(`--seed must be an integer\n${USAGE}`);
    return 2;
  }
  const fuzz = values.fuzz === undefined ? 0 : Number(values.fuzz);
  const minutes = values.minutes === undefined ? undefined : Number(values.minutes);
  if (!Number.isInteger(fuzz) || fuzz < 0 || (minutes !== undefined && !(minutes > 0))) {
    console.error(`--fuzz must be a count and --minutes a positive number\n${USAGE}`);
    return 2;
  }
  if (values['fuzz-only'] || minutes !== undefined) return fuzzOnly(values.backend, fuzz || Number.MAX_SAFE_INTEGER, seed ?? FUZZ_SEED, minutes);
  const differential = !values['no-differential'];
  const result = await runConformance({
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
    ...(values['backend-module'] !== undefined ? { backendModules: values['backend-module'] } : {}),
    ...(values.golden !== undefined ? { golden: values.golden } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...(seed !== undefined ? { seed } : {}),
    differential,
    fuzz,
    onCase: (r) => {
      if (r.status === 'failed') console.log(formatFailure(r));
    },
  });
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 1));
  if (values.report) writeFileSync(values.report, markdownReport(result));
  for (const line of summaryLines(result, differential)) console.log(line);
  return result.failed > 0 ? 1 : 0;
}

/** The program fuzzer alone, on each requested backend: prints each failure (seed, minimised program) and one line per backend. */
async function fuzzOnly(backend: string | undefined, count: number, seed: number, minutes: number | undefined): Promise<number> {
  let failed = 0;
  for (const { name, explicit } of backendRequests(backend)) {
    const start = await startBackend(name);
    if (!start.ok) {
      console.log(`${name}: ${explicit ? 'FAILED to start' : 'skipped'} (${start.reason})`);
      if (explicit) failed++;
      continue;
    }
    const r = await runFuzz(name, { count, seed, ...(minutes !== undefined ? { timeLimitMs: minutes * 60_000 } : {}) });
    for (const f of r.failed) console.log(formatFuzzFailure(f, name));
    console.log(`fuzz ${name}: ${r.programs} programs (seeds ${seed}..${seed + r.programs - 1}), ${r.failed.length} failed, ${(r.ms / 1000).toFixed(1)} s`);
    failed += r.failed.length;
  }
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`tensile-conformance: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 2;
  },
);
