import '@tensile/backend-cpu';
import { getBackend, kernelCoverage, listBackends, setBackend, tidyAsync } from '@tensile/core';
import { ErrorStats, type Mismatch } from './compare.js';
import { KNOWN_BACKENDS, startBackend } from './backends.js';
import { describeError, NotImplemented } from './expect-error.js';
import { type CaseKind, findGoldenDir, type GoldenCase, type GoldenFile, readGolden } from './golden.js';
import { withLeakCheck } from './leak.js';
import type { BackendSummary, CaseResult, ConformanceResult } from './results.js';
import { RUNNERS, subjectOf } from './runners/index.js';
import { CaseTrace, honestyProblems, traced } from './trace.js';
import { runDifferential } from './differential.js';
import { runFusedChecks } from './fused.js';

export interface ConformanceOptions {
  /** A backend name, a list of them, or "all" (cpu, wasm, webgpu, native and any other registered backend). */
  backend?: string | readonly string[];
  /** A directory in the golden format; default: shared/golden found walking up from the working directory. */
  golden?: string;
  /** Only cases whose id (or kind/id) matches: a substring, or a /regex/. */
  filter?: string | RegExp;
  /** Which golden kinds to run (default: all). */
  kinds?: readonly CaseKind[];
  /** Run the randomized differential and fused-vs-composed checks (default true; the cpu backend is their reference). */
  differential?: boolean;
  /** Seed of the randomized checks (default: fixed, so runs are reproducible). */
  seed?: number;
  /** Called after each case, e.g. to print progress. */
  onCase?: (r: CaseResult) => void;
}

export const DEFAULT_SEED = 20260601;

export function matcher(filter: string | RegExp | undefined): (s: string) => boolean {
  if (filter === undefined || filter === '') return () => true;
  if (filter instanceof RegExp) return (s) => filter.test(s);
  const m = /^\/(.*)\/([a-z]*)$/.exec(filter);
  if (m) {
    const re = new RegExp(m[1]!, m[2]);
    return (s) => re.test(s);
  }
  return (s) => s.includes(filter);
}

export function backendNames(spec: string | readonly string[] | undefined): string[] {
  const list = spec === undefined ? ['cpu'] : typeof spec === 'string' ? spec.split(',') : [...spec];
  const out: string[] = [];
  for (const b of list.map((s) => s.trim()).filter(Boolean)) {
    if (b === 'all') out.push(...KNOWN_BACKENDS, ...listBackends());
    else out.push(b);
  }
  return [...new Set(out)];
}

/** Runs one golden case on one backend, traced and leak-checked. */
export async function runGoldenCase(file: GoldenFile, c: GoldenCase, backend: string): Promise<CaseResult> {
  const stats = new ErrorStats();
  const runner = RUNNERS[file.kind];
  let failures: Mismatch[] = [];
  // A warm-up run first, untraced and unchecked: caches a case fills on first use (index tables,
  // compiled pipelines) are not leaks, but anything that still grows on the second run is.
  await tidyAsync(() => runner(c, { backend, trace: new CaseTrace(), stats: new ErrorStats() }, file)).catch(() => undefined);
  const { trace } = await traced(async (tr) => {
    try {
      const { value, leak } = await withLeakCheck(backend, () => runner(c, { backend, trace: tr, stats }, file));
      failures = leak ? [...value, leak] : value;
    } catch (e) {
      failures = [
        e instanceof NotImplemented ? { what: 'not implemented', message: e.message.replace(/^not implemented: /, '') } : { what: 'exception', message: describeError(e) },
      ];
    }
  });
  for (const p of honestyProblems(trace.counts, backend)) failures.push({ what: 'honesty', message: p });
  return {
    id: c.id,
    kind: file.kind,
    subject: subjectOf(file.kind, c),
    file: file.file,
    backend,
    status: failures.length === 0 ? 'passed' : 'failed',
    failures,
    maxRelError: stats.maxRelError,
    counts: trace.counts,
  };
}

function addCounts(summary: BackendSummary, r: CaseResult): void {
  const own = (summary.kernelCalls ??= {});
  const foreign = (summary.foreignCalls ??= {});
  for (const [key, n] of Object.entries(r.counts?.kernels ?? {})) {
    const at = key.lastIndexOf('@');
    const target = key.slice(at + 1) === summary.backend ? own : foreign;
    const op = key.slice(at + 1) === summary.backend ? key.slice(0, at) : key;
    target[op] = (target[op] ?? 0) + n;
  }
}

/**
 * Runs every golden case (and the differential and fused checks) on each
 * requested backend. A backend that cannot start is reported skipped with its
 * reason; everything else is passed or failed.
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceResult> {
  const golden = options.golden ?? findGoldenDir();
  if (golden === null) throw new Error('tensile-conformance: no shared/golden directory found above the working directory; pass --golden DIR');
  const { files, unknown } = readGolden(golden);
  const match = matcher(options.filter);
  const kinds = options.kinds;
  const cases: CaseResult[] = [];
  const backends: BackendSummary[] = [];
  const emit = (r: CaseResult) => {
    cases.push(r);
    options.onCase?.(r);
  };
  const previous = listBackends().length > 0 ? getBackend() : null;
  for (const backend of backendNames(options.backend)) {
    const start = await startBackend(backend);
    if (!start.ok) {
      backends.push({ backend, status: 'skipped', reason: start.reason });
      continue;
    }
    const summary: BackendSummary = { backend, status: 'ran', coverage: kernelCoverage(backend) };
    backends.push(summary);
    setBackend(backend);
    try {
      for (const file of files) {
        if (kinds && !kinds.includes(file.kind)) continue;
        for (const c of file.cases) {
          if (!match(c.id) && !match(`${file.kind}/${c.id}`)) continue;
          const r = await runGoldenCase(file, c, backend);
          addCounts(summary, r);
          emit(r);
        }
      }
      if (options.differential !== false) {
        const seed = options.seed ?? DEFAULT_SEED;
        for (const r of [...(await runDifferential(backend, { seed, filter: match })), ...(await runFusedChecks(backend, { seed, filter: match }))]) {
          addCounts(summary, r);
          emit(r);
        }
      }
    } finally {
      if (previous !== null) setBackend(previous);
    }
  }
  const count = (s: CaseResult['status']) => cases.filter((c) => c.status === s).length;
  const skippedBackends = backends.filter((b) => b.status === 'skipped').length;
  // A golden subdirectory of an unknown kind is a failure: its cases would otherwise go unchecked.
  return { golden, backends, cases, passed: count('passed'), failed: count('failed') + unknown.length, skipped: count('skipped') + skippedBackends, unknownKinds: unknown };
}
