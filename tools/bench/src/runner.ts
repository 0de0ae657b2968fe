import { makeInputs } from './data.js';
import { isClose, median, min, relDiff } from './stats.js';
import { type Prepared, reasonOf, type System, Unavailable } from './systems/system.js';
import type { Workload } from './workloads.js';

export interface RunOptions {
  /** Run each workload once per system and compare results; no timing. */
  readonly quick: boolean;
  /** Fixed number of timed rounds; null picks one from budgetMs. */
  readonly samples: number | null;
  /** Time one workload may take (all systems together) when samples is null. */
  readonly budgetMs: number;
  /** How long one timed sample should last: fast steps are repeated to fill it, so timer resolution does not matter. */
  readonly sampleMs: number;
  /** Each system runs a workload this long before it is timed (JIT, caches, allocator). */
  readonly warmupMs: number;
  /** Tolerance for "computed the same loss": |a - b| <= atol + rtol * |reference|. */
  readonly rtol: number;
  readonly atol: number;
}

export const DEFAULT_RUN: Omit<RunOptions, 'quick' | 'samples'> = { budgetMs: 8000, sampleMs: 25, warmupMs: 300, rtol: 1e-4, atol: 1e-7 };
const MIN_ROUNDS = 5;
const MAX_ROUNDS = 30;

export type CellStatus = 'ok' | 'unavailable' | 'failed';

export interface Cell {
  status: CellStatus;
  reason?: string;
  /** Milliseconds per step, one entry per timed sample. */
  samplesMs: number[];
  /** Steps per sample. */
  reps: number;
  medianMs?: number;
  minMs?: number;
  /** The first step's value (loss) followed by the system's checksums: what must agree across systems. */
  values: number[];
  /** Kernels dispatched by one step (after the first), where the system counts them (webgpu). */
  dispatchesPerStep?: number;
  /** W9: the most bytes one step (after the first) held, kernel scratch included; null where the system keeps no peak. */
  peakBytes?: number | null;
  /** W7: bytes after each step, and how far they rose above the first sample; null bytes where the system has no counter. */
  memory?: { bytes: number[]; growth: number } | null;
}

export interface Agreement {
  reference: string | null;
  /** Largest relative difference of any system's values from the reference's. */
  maxRelDiff: number;
  /** Systems whose values are not close to the reference's (rtol, atol). */
  mismatches: string[];
}

export interface WorkloadResult {
  readonly workload: Workload;
  readonly cells: Record<string, Cell>;
  readonly agreement: Agreement;
}

// The oracle for "the same loss" is PyTorch when it runs here, else Tensile's reference backend.
const REFERENCE_ORDER = ['torch-1t', 'cpu'];

/** Runs one workload on every system, interleaving them so that load changes on a shared machine hit all alike. */
export async function runWorkload(workload: Workload, systems: readonly System[], opts: RunOptions): Promise<WorkloadResult> {
  const inputs = makeInputs(workload.spec);
  const cells: Record<string, Cell> = {};
  const live: { sys: System; p: Prepared; cell: Cell; perStep: number }[] = [];
  const fail = (cell: Cell, e: unknown): void => {
    cell.status = e instanceof Unavailable ? 'unavailable' : 'failed';
    cell.reason = reasonOf(e);
  };
  for (const sys of systems) {
    const cell: Cell = { status: 'ok', samplesMs: [], reps: 0, values: [] };
    cells[sys.id] = cell;
    try {
      live.push({ sys, p: await sys.prepare(workload, inputs), cell, perStep: Infinity });
    } catch (e) {
      fail(cell, e);
    }
  }
  const attempt = async (entry: (typeof live)[number], fn: () => Promise<void>): Promise<void> => {
    if (entry.cell.status !== 'ok') return;
    try {
      await fn();
    } catch (e) {
      fail(entry.cell, e);
    }
  };
  try {
    if (workload.memorySteps !== undefined) {
      // Not timed, so not interleaved: each system's counter then moves only with its own steps.
      for (const e of live)
        await attempt(e, async () => {
          const bytes: number[] = [];
          let first: number | null = null;
          let last: number | null = null;
          for (let s = 0; s < workload.memorySteps!; s++) {
            const r = await e.p.run(1);
            if (s === 0) first = r.value;
            last = r.value;
            const b = await e.p.memoryBytes();
            if (b !== null) bytes.push(b);
          }
          e.cell.values = [first ?? NaN, last ?? NaN];
          e.cell.memory = bytes.length === 0 ? null : { bytes, growth: Math.max(...bytes) - bytes[0]! };
        });
    } else {
      // Correctness first, in every mode: one step's value and the checksums.
      for (const e of live)
        await attempt(e, async () => {
          const r = await e.p.run(1);
          e.cell.values = [...(r.value === null ? [] : [r.value]), ...(await e.p.check())];
          // One more, untimed step, counted: what every later step dispatches (the first may set up state).
          const before = e.p.dispatches();
          if (before !== null) {
            await e.p.run(1);
            e.cell.dispatchesPerStep = e.p.dispatches()! - before;
          }
          if (workload.peakMemory) {
            await e.p.resetPeak();
            await e.p.run(1);
            e.cell.peakBytes = await e.p.peakBytes();
          }
        });
      if (!opts.quick) await time(live, opts, attempt);
    }
  } finally {
    for (const e of live) await e.p.dispose().catch(() => undefined);
  }
  return { workload, cells, agreement: agree(cells, opts.rtol, opts.atol) };
}

async function time(
  live: { sys: System; p: Prepared; cell: Cell; perStep: number }[],
  opts: RunOptions,
  attempt: (e: (typeof live)[number], fn: () => Promise<void>) => Promise<void>,
): Promise<void> {
  for (const e of live)
    await attempt(e, async () => {
      let spent = 0;
      let calls = 0;
      while (calls < 2 || (spent < opts.warmupMs && calls < 2000)) {
        const r = await e.p.run(1);
        spent += r.ms;
        calls++;
        e.perStep = Math.min(e.perStep, r.ms);
      }
      e.cell.reps = Math.max(1, Math.ceil(opts.sampleMs / Math.max(e.perStep, 1e-3)));
    });
  const timed = live.filter((e) => e.cell.status === 'ok');
  const roundMs = timed.reduce((s, e) => s + e.cell.reps * e.perStep, 0);
  const rounds = opts.samples ?? Math.max(MIN_ROUNDS, Math.min(MAX_ROUNDS, Math.floor(opts.budgetMs / Math.max(roundMs, 1e-3))));
  for (let r = 0; r < rounds; r++) {
    // Rotate who goes first, so no system always runs right after the same neighbour.
    for (let i = 0; i < timed.length; i++) {
      const e = timed[(i + r) % timed.length]!;
      await attempt(e, async () => {
        e.cell.samplesMs.push((await e.p.run(e.cell.reps)).ms);
      });
    }
  }
  for (const e of timed)
    if (e.cell.status === 'ok' && e.cell.samplesMs.length > 0) {
      e.cell.medianMs = median(e.cell.samplesMs);
      e.cell.minMs = min(e.cell.samplesMs);
    }
}

function agree(cells: Record<string, Cell>, rtol: number, atol: number): Agreement {
  const withValues = Object.entries(cells).filter(([, c]) => c.status === 'ok' && c.values.length > 0);
  const ref = REFERENCE_ORDER.find((id) => withValues.some(([s]) => s === id)) ?? withValues[0]?.[0] ?? null;
  const out: Agreement = { reference: ref, maxRelDiff: 0, mismatches: [] };
  if (ref === null) return out;
  const expected = cells[ref]!.values;
  for (const [id, c] of withValues) {
    if (id === ref) continue;
    let close = c.values.length === expected.length;
    for (let i = 0; i < Math.min(c.values.length, expected.length); i++) {
      out.maxRelDiff = Math.max(out.maxRelDiff, relDiff(c.values[i]!, expected[i]!));
      close &&= isClose(c.values[i]!, expected[i]!, rtol, atol);
    }
    if (!close) out.mismatches.push(id);
  }
  return out;
}
