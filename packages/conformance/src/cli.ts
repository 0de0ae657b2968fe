#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatFailure, markdownReport, summaryLine } from './report.js';
import { runConformance } from './run.js';

const USAGE = 'usage: tensile-conformance --backend cpu|wasm|webgpu|native|all [--golden DIR] [--json FILE] [--report FILE.md] [--filter PATTERN] [--seed N] [--no-differential]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        backend: { type: 'string', default: 'cpu' },
        golden: { type: 'string' },
        json: { type: 'string' },
        report: { type: 'string' },
        filter: { type: 'string' },
        seed: { type: 'string' },
        'no-differential': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
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
  const result = await runConformance({
    backend: values.backend,
    ...(values.golden !== undefined ? { golden: values.golden } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...(seed !== undefined ? { seed } : {}),
    differential: !values['no-differential'],
    onCase: (r) => {
      if (r.status === 'failed') console.log(formatFailure(r));
    },
  });
  for (const b of result.backends) if (b.status === 'skipped') console.log(`SKIP backend ${b.backend}: ${b.reason}`);
  for (const k of result.unknownKinds) console.log(`FAIL golden kind "${k}" is not one the suite knows`);
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 1));
  if (values.report) writeFileSync(values.report, markdownReport(result));
  console.log(summaryLine(result));
  return result.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 2;
  },
);
