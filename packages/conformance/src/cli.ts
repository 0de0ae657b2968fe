#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatFailure, markdownReport, summaryLines } from './report.js';
import { runConformance } from './run.js';

const USAGE = `usage: tensile-conformance [--backend cpu|wasm|webgpu|native|all|NAME[,NAME...]] [--backend-module SPECIFIER]...
    [--golden DIR|packaged]... [--no-differential] [--seed N] [--filter PATTERN] [--json FILE] [--report FILE.md]

  --backend          backends to run (default: those --backend-module registered, else cpu); a backend
                     named here that cannot start fails the run, under "all" it is skipped with its reason
  --backend-module   a package name or path of a module that registers a backend (yours or ours); repeatable
  --golden           golden sets to run, repeatable: "packaged" (shipped with this package, the default) or a directory
  --no-differential  skip the randomized checks (differential against cpu, fused vs composed, leak probe)
  --filter           only case ids matching a substring or /regex/ (also matched as kind/id)`;

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
  const differential = !values['no-differential'];
  const result = await runConformance({
    ...(values.backend !== undefined ? { backend: values.backend } : {}),
    ...(values['backend-module'] !== undefined ? { backendModules: values['backend-module'] } : {}),
    ...(values.golden !== undefined ? { golden: values.golden } : {}),
    ...(values.filter !== undefined ? { filter: values.filter } : {}),
    ...(seed !== undefined ? { seed } : {}),
    differential,
    onCase: (r) => {
      if (r.status === 'failed') console.log(formatFailure(r));
    },
  });
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 1));
  if (values.report) writeFileSync(values.report, markdownReport(result));
  for (const line of summaryLines(result, differential)) console.log(line);
  return result.failed > 0 ? 1 : 0;
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
