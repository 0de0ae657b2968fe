import { cpus } from 'node:os';
import { DEFAULT_RUN, type RunOptions, runWorkload, type WorkloadResult } from './runner.js';
import type { Skipped, System } from './systems/system.js';
import { TENSILE_SYSTEM_IDS, TENSILE_UNFUSED_IDS, tensileSystems } from './systems/tensile.js';
import { TFJS_SYSTEMS, tfjsSystems } from './systems/tfjs.js';
import { TORCH_SYSTEMS, torchSystems } from './systems/torch.js';
import { evaluate, type TargetCheck } from './targets.js';
import { type Scale, type Workload, workloads } from './workloads.js';

export const SYSTEM_IDS: readonly string[] = [...TENSILE_SYSTEM_IDS, ...TENSILE_UNFUSED_IDS, ...TFJS_SYSTEMS, ...TORCH_SYSTEMS.map((s) => s.id)];

export interface BenchOptions {
  /** Workload ids or groups ("W1" selects W1-1M and W1-4K); null runs all. */
  readonly only: readonly string[] | null;
  /** System ids; null runs every one that can start. */
  readonly systems: readonly string[] | null;
  readonly quick: boolean;
  readonly scale: Scale;
  readonly samples: number | null;
  readonly budgetMs?: number;
}

export interface SystemInfo {
  readonly id: string;
  readonly ours: boolean;
  readonly threads?: number | null;
  readonly description?: string;
  /** Why it could not run here. */
  readonly skipped?: string;
}

export interface BenchResult {
  readonly meta: { date: string; node: string; platform: string; cpu: string; cpus: number; scale: Scale; quick: boolean };
  readonly systems: SystemInfo[];
  readonly workloads: WorkloadResult[];
  /** Empty in --quick mode, which does not time. */
  readonly targets: TargetCheck[];
  /** Tensile's wrong answers, failures and memory growth, and any system's failure: any of them makes the run fail. */
  readonly problems: string[];
  /** Peers whose values are not close to the reference's: reported (it is their float32 arithmetic), not failed. */
  readonly deviations: string[];
}

export class UsageError extends Error {}

export function selectWorkloads(scale: Scale, only: readonly string[] | null): Workload[] {
  const all = workloads(scale);
  if (only === null) return all;
  for (const o of only)
    if (!all.some((w) => w.id === o || w.group === o))
      throw new UsageError(`--only: unknown workload "${o}"; known: ${[...new Set(all.flatMap((w) => [w.group, w.id]))].join(', ')}`);
  return all.filter((w) => only.includes(w.id) || only.includes(w.group));
}

export async function runBench(opts: BenchOptions, log: (line: string) => void = () => undefined): Promise<BenchResult> {
  const chosen = selectWorkloads(opts.scale, opts.only);
  if (opts.systems !== null)
    for (const s of opts.systems) if (!SYSTEM_IDS.includes(s)) throw new UsageError(`--systems: unknown system "${s}"; known: ${SYSTEM_IDS.join(', ')}`);
  const wanted = (id: string): boolean => opts.systems === null || opts.systems.includes(id);
  const found: (System | Skipped)[] = [...(await tensileSystems(opts.systems)), ...(await tfjsSystems(wanted)), ...(await torchSystems(wanted))];
  const running = found.filter((s): s is System => 'prepare' in s);
  const infos: SystemInfo[] = found.map((s) =>
    'prepare' in s ? { id: s.id, ours: s.ours, threads: s.threads, description: s.description } : { id: s.id, ours: s.ours, skipped: s.reason },
  );
  for (const i of infos) log(i.skipped === undefined ? `${i.id}: ${i.description}` : `${i.id}: skipped (${i.skipped})`);

  const runOpts: RunOptions = { ...DEFAULT_RUN, ...(opts.budgetMs === undefined ? {} : { budgetMs: opts.budgetMs }), quick: opts.quick, samples: opts.samples };
  const results: WorkloadResult[] = [];
  const problems: string[] = [];
  const deviations: string[] = [];
  try {
    for (const w of chosen) {
      log(`${w.id}: ${w.title} ...`);
      const t0 = performance.now();
      const r = await runWorkload(w, running, runOpts);
      log(`${w.id}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      results.push(r);
      const found = problemsOf(r, running, runOpts);
      problems.push(...found.problems);
      deviations.push(...found.deviations);
    }
  } finally {
    for (const s of running) await s.close();
  }
  const targets = opts.quick
    ? []
    : evaluate({
        threads: new Map(running.map((s) => [s.id, s.threads])),
        rows: results.map((r) => ({
          id: r.workload.id,
          group: r.workload.group,
          median: new Map(Object.entries(r.cells).flatMap(([id, c]) => (c.medianMs === undefined ? [] : [[id, c.medianMs] as const]))),
          reason: new Map(Object.entries(r.cells).flatMap(([id, c]) => (c.reason === undefined ? [] : [[id, c.reason] as const]))),
        })),
      });
  return {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpu: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      scale: opts.scale,
      quick: opts.quick,
    },
    systems: infos,
    workloads: results,
    targets,
    problems,
    deviations,
  };
}

function problemsOf(r: WorkloadResult, systems: readonly System[], tol: { rtol: number; atol: number }): { problems: string[]; deviations: string[] } {
  const problems: string[] = [];
  const deviations: string[] = [];
  const id = r.workload.id;
  for (const [sys, c] of Object.entries(r.cells)) if (c.status === 'failed') problems.push(`${id} on ${sys} failed: ${c.reason}`);
  const ref = r.agreement.reference;
  for (const sys of r.agreement.mismatches) {
    const line = `${id}: ${sys} computed [${fmtValues(r.cells[sys]!.values)}] but ${ref} computed [${fmtValues(r.cells[ref!]!.values)}] (rtol ${tol.rtol}, atol ${tol.atol})`;
    (systems.find((s) => s.id === sys)?.ours ? problems : deviations).push(line);
  }
  if (r.workload.memorySteps !== undefined)
    for (const s of systems) {
      const m = r.cells[s.id]?.memory;
      // Peers' counters are reported, not judged: the requirement is Tensile's.
      if (s.ours && m && m.growth > 0) problems.push(`${id}: memory on ${s.id} grew by ${m.growth} bytes over ${r.workload.memorySteps} steps`);
    }
  return { problems, deviations };
}

function fmtValues(vs: readonly number[]): string {
  return vs.map((v) => v.toPrecision(8)).join(', ');
}
