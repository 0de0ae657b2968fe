import type { Inputs } from '../data.js';
import type { Workload } from '../workloads.js';

/** A workload made ready on one system: its inputs uploaded, its model and optimizer built. */
export interface Prepared {
  /**
   * Runs `reps` steps back to back, timing them itself (so a subprocess's
   * messaging is never timed), and returns ms per step and the last step's
   * value: the loss, read back as a training loop reads it, or null (matmul).
   */
  run(reps: number): Promise<{ ms: number; value: number | null }>;
  /**
   * Untimed checksums compared across systems: the gradient's norm for a
   * loss (conv2d: the norms of the input's, the weight's and the bias's
   * gradients), the loss after the optimizer's step for training, the
   * output's norm for matmul.
   */
  check(): Promise<number[]>;
  /**
   * Kernels the system's device has dispatched so far (webgpu: calls of
   * `dispatchWorkgroups`), or null where it dispatches none or keeps no count.
   */
  dispatches(): number | null;
  /** Bytes the system's allocator holds now, or null where it has no counter. */
  memoryBytes(): Promise<number | null>;
  /** Restarts the peak counter that `peakBytes` reads (a no-op where there is none). */
  resetPeak(): Promise<void>;
  /** Most bytes the allocator held since `resetPeak` (kernel scratch included), or null where it keeps no such count. */
  peakBytes(): Promise<number | null>;
  dispose(): Promise<void>;
}

/** Thrown by `prepare` when a system cannot run a workload (a missing layer, an unsupported op): the cell says why. */
export class Unavailable extends Error {}

export interface System {
  /** Column name and `--systems` key: "cpu", "wasm", "tfjs-cpu", "torch-1t", ... */
  readonly id: string;
  /** True for Tensile's own backends; false for the peers they are measured against. */
  readonly ours: boolean;
  /** Threads it computes with: ratios compare only systems with equal counts. Null for a device (GPU) backend, which has no such peer. */
  readonly threads: number | null;
  /** One line for the table's legend: version and how it runs. */
  readonly description: string;
  prepare(workload: Workload, inputs: Inputs): Promise<Prepared>;
  close(): Promise<void>;
}

/** A system that could not start here, with the reason, listed instead of silently left out. */
export interface Skipped {
  readonly id: string;
  readonly ours: boolean;
  readonly reason: string;
}

/** Times `reps` calls of a synchronous-or-async step in this process. */
export async function timeSteps(step: () => number | null | Promise<number | null>, reps: number): Promise<{ ms: number; value: number | null }> {
  let value: number | null = null;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) value = await step();
  return { ms: (performance.now() - t0) / reps, value };
}

/** First line of an error, for a table cell. */
export function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.trim();
}
