import '@tensile/backend-cpu';
import { getBackend, kernelCoverage, listBackends, setBackend, tidyAsync } from '@tensile/core';
import { ErrorStats, type Mismatch } from './compare.js';
import { KNOWN_BACKENDS, loadBackendModules, startBackend } from './backends.js';
import { describeError, NotImplemented } from './expect-error.js';
import { type CaseKind, type GoldenCase, type GoldenFile, goldenSet, readGolden } from './golden.js';
import { leakProbe, withLeakCheck } from './leak.js';
import type { BackendSummary, CaseResult, ConformanceResult } from './results.js';
import { RUNNERS, subjectOf } from './runners/index.js';
import { CaseTrace, honestyProblems, traced } from './trace.js';
import { runDifferential } from './differential.js';
import { runFusedChecks } from './fused.js';
import { FUZZ_SEED, fuzzCases, runFuzz } from './fuzz.js';

export interface ConformanceOptions {
  /**
   * Backend names, a comma-separated list, or "all" (cpu, wasm, webgpu, native and any other
   * registered backend). A backend named here that cannot start is a failure; under "all" it is
   * skipped with its reason. Default: the backends `backendModules` registered, else cpu.
   */
  backend?: string | readonly string[];
  /** Modules that register backends (package names or paths, resolved from the working directory); imported before the run. */
  backendModules?: readonly string[];
  /** Golden sets: "packaged" (the set shipped in this package) or directories in the golden format. Default: ["packaged"]. */
  golden?: string | readonly string[];
  /** Only cases whose id (or kind/id) matches: a substring, or a /regex/. */
  filter?: string | RegExp;
  /** Which golden kinds to run (default: all). */
  kinds?: readonly CaseKind[];
  /** Run the randomized differential, fused-vs-composed and leak-probe checks (default true; the cpu backend is their reference). */
  differential?: boolean;
  /** Seed of the randomized checks (default: fixed, so runs are reproducible). */
  seed?: number;
  /** Random programs for the program fuzzer on each backend (default 0: none); each program i has seed fuzzSeed + i. */
  fuzz?: number;
  /** Seed of the first fuzz program (default FUZZ_SEED, or seed when given). */
  fuzzSeed?: number;
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

/** A backend to run, and whether it was named (a failure when it cannot start) or came from "all" (a skip). */
export interface BackendRequest {
  name: string;
  explicit: boolean;
}

export function backendRequests(spec: string | readonly string[] | undefined, fallback: readonly string[] = ['cpu']): BackendRequest[] {
  const list = spec === undefined ? [...fallback] : typeof spec === 'string' ? spec.split(',') : [...spec];
  const out = new Map<string, BackendRequest>();
  for (const b of list.map((s) => s.trim()).filter(Boolean)) {
    if (b === 'all') {
      for (const n of [...KNOWN_BACKENDS, ...listBackends()]) if (!out.has(n)) out.set(n, { name: n, explicit: false });
    } else out.set(b, { name: b, explicit: true });
  }
  return [...out.values()];
}

export function backendNames(spec: string | readonly string[] | undefined): string[] {
  return backendRequests(spec).map((r) => r.name);
}

/** Runs one golden case on one backend, traced and leak-checked. */
export async function runGoldenCase(file: GoldenFile, c: GoldenCase, backend: string, set = 'packaged'): Promise<CaseResult> {
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
    set,
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

function countStatus(cases: readonly CaseResult[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    if (c.status === 'passed') passed++;
    else if (c.status === 'failed') failed++;
  }
  return { passed, failed };
}

/**
 * Runs every golden case of every set (and the randomized checks) on each
 * requested backend. Invalid golden files, an empty run and a named backend
 * that cannot start are failures; only backends that came from "all" may be
 * skipped, each with its reason.
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceResult> {
  const specs = options.golden === undefined ? ['packaged'] : typeof options.golden === 'string' ? [options.golden] : [...options.golden];
  const sets = specs.map(goldenSet).map((set) => ({ ...set, ...readGolden(set.dir) }));
  const moduleBackends = await loadBackendModules(options.backendModules ?? []);
  const requests = backendRequests(options.backend, moduleBackends.length > 0 ? moduleBackends : ['cpu']);
  const match = matcher(options.filter);
  const kinds = options.kinds;
  const cases: CaseResult[] = [];
  const backends: BackendSummary[] = [];
  const emit = (r: CaseResult) => {
    cases.push(r);
    options.onCase?.(r);
  };
  const previous = listBackends().length > 0 ? getBackend() : null;
  for (const { name: backend, explicit } of requests) {
    const start = await startBackend(backend);
    if (!start.ok) {
      backends.push({ backend, status: explicit ? 'failed' : 'skipped', reason: start.reason });
      continue;
    }
    const summary: BackendSummary = { backend, status: 'ran', coverage: kernelCoverage(backend) };
    backends.push(summary);
    setBackend(backend);
    try {
      for (const set of sets)
        for (const file of set.files) {
          if (kinds && !kinds.includes(file.kind)) continue;
          for (const c of file.cases) {
            if (!match(c.id) && !match(`${file.kind}/${c.id}`)) continue;
            const r = await runGoldenCase(file, c, backend, set.name);
            addCounts(summary, r);
            emit(r);
          }
        }
      if (options.differential !== false) {
        const seed = options.seed ?? DEFAULT_SEED;
        const randomized = [...(await runDifferential(backend, { seed, filter: match })), ...(await runFusedChecks(backend, { seed, filter: match }))];
        if (match('leak/probe')) randomized.push(await leakProbeCase(backend));
        if ((options.fuzz ?? 0) > 0 && match('fuzz/programs')) randomized.push(...fuzzCases(await runFuzz(backend, { count: options.fuzz!, seed: options.fuzzSeed ?? options.seed ?? FUZZ_SEED })));
        for (const r of randomized) {
          addCounts(summary, r);
          emit(r);
        }
      }
    } finally {
      if (previous !== null) setBackend(previous);
    }
  }
  const problems = sets.flatMap((s) => s.problems.map((p) => ({ ...p, set: s.name })));
  const unknownKinds = sets.flatMap((s) => s.unknown.map((u) => (sets.length > 1 ? `${s.name}/${u}` : u)));
  const errors: string[] = [];
  for (const s of sets) if (s.files.length === 0 && s.problems.length === 0) errors.push(`golden set ${s.name} (${s.dir}) holds no golden files`);
  if (cases.length === 0 && backends.some((b) => b.status === 'ran')) errors.push('no case ran: check --filter, --golden and the kinds');
  if (backends.every((b) => b.status !== 'ran')) errors.push('no backend could start');
  const setSummaries = sets.map((s) => ({ name: s.name, dir: s.dir, ...countStatus(cases.filter((c) => c.set === s.name)) }));
  for (const s of setSummaries) s.failed += problems.filter((p) => p.set === s.name).length + sets.find((x) => x.name === s.name)!.unknown.length;
  const randomizedCounts = countStatus(cases.filter((c) => c.set === undefined));
  const failedBackends = backends.filter((b) => b.status === 'failed').length;
  const all = countStatus(cases);
  return {
    golden: sets.map((s) => s.name),
    sets: setSummaries,
    randomized: randomizedCounts,
    backends,
    cases,
    problems,
    errors,
    passed: all.passed,
    // Every invalid file problem, unknown kind, named backend that could not start and run-level error fails the run.
    failed: all.failed + problems.length + unknownKinds.length + failedBackends + errors.length,
    skipped: backends.filter((b) => b.status === 'skipped').length,
    unknownKinds,
  };
}

/** The leak check proven able to fire on this backend: a case that leaks on purpose must be caught. */
async function leakProbeCase(backend: string): Promise<CaseResult> {
  const { leak } = await leakProbe(backend);
  return {
    id: 'leak/probe',
    kind: 'leak',
    subject: 'leak probe',
    file: '',
    backend,
    status: leak === null ? 'failed' : 'passed',
    failures: leak === null ? [{ what: 'memory', message: `a tensor kept on purpose did not show in memory('${backend}'): the leak check cannot see leaks on this backend` }] : [],
    maxRelError: 0,
  };
}
