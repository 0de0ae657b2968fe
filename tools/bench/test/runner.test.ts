import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN, runWorkload } from '../src/runner.js';
import { type Prepared, type System, Unavailable } from '../src/systems/system.js';
import { workloads } from '../src/workloads.js';

/** A system whose answers the test chooses: the checker must catch a wrong one. */
function fake(id: string, loss: number, opts: { checks?: number[]; bytes?: number[]; unavailable?: string; perStep?: number } = {}): System {
  return {
    id,
    ours: id === 'cpu',
    threads: 1,
    description: id,
    async prepare(): Promise<Prepared> {
      if (opts.unavailable !== undefined) throw new Unavailable(opts.unavailable);
      let step = 0;
      let dispatched = 0;
      return {
        run: async (reps) => {
          dispatched += (opts.perStep ?? 0) * reps;
          return { ms: 1, value: loss + 0 * reps };
        },
        dispatches: () => (opts.perStep === undefined ? null : dispatched),
        check: async () => opts.checks ?? [1],
        memoryBytes: async () => opts.bytes?.[step++] ?? null,
        resetPeak: async () => undefined,
        peakBytes: async () => null,
        dispose: async () => undefined,
      };
    },
    close: async () => undefined,
  };
}

const quick = { ...DEFAULT_RUN, quick: true, samples: null };
const [w1] = workloads('tiny');
const w7 = workloads('tiny').find((w) => w.id === 'W7')!;

describe('runWorkload', () => {
  it('flags a system whose loss or checksum differs from the reference', async () => {
    const r = await runWorkload(w1!, [fake('cpu', 2), fake('torch-1t', 2), fake('tfjs-cpu', 2.01), fake('tfjs-wasm', 2, { checks: [1.5] })], quick);
    expect(r.agreement.reference).toBe('torch-1t');
    expect(r.agreement.mismatches.sort()).toEqual(['tfjs-cpu', 'tfjs-wasm']);
  });

  it('accepts float32-level differences', async () => {
    const r = await runWorkload(w1!, [fake('cpu', 2), fake('tfjs-cpu', 2 * (1 + 1e-6))], quick);
    expect(r.agreement).toMatchObject({ reference: 'cpu', mismatches: [] });
  });

  it('marks a system that cannot run a workload unavailable, with the reason, and compares the rest', async () => {
    const r = await runWorkload(w1!, [fake('cpu', 2, { unavailable: 'nn.MSELoss is not implemented yet' }), fake('tfjs-cpu', 3)], quick);
    expect(r.cells.cpu).toMatchObject({ status: 'unavailable', reason: 'nn.MSELoss is not implemented yet' });
    expect(r.agreement).toMatchObject({ reference: 'tfjs-cpu', mismatches: [] });
  });

  it('W7 reports growth of the memory counter across steps', async () => {
    const r = await runWorkload(w7, [fake('cpu', 2, { bytes: [100, 100, 120, 140, 140] }), fake('tfjs-cpu', 2, { bytes: [100, 90, 100, 100, 100] })], quick);
    expect(r.cells.cpu!.memory).toEqual({ bytes: [100, 100, 120, 140, 140], growth: 40 });
    expect(r.cells['tfjs-cpu']!.memory!.growth).toBe(0);
  });

  it('counts the kernels one step dispatches where the system keeps a count, and leaves the others without', async () => {
    const r = await runWorkload(w1!, [fake('cpu', 2), fake('webgpu', 2, { perStep: 27 })], quick);
    expect(r.cells.webgpu!.dispatchesPerStep).toBe(27);
    expect(r.cells.cpu!.dispatchesPerStep).toBeUndefined();
  });

  it('times every system in interleaved rounds', async () => {
    const r = await runWorkload(w1!, [fake('cpu', 2), fake('tfjs-cpu', 2)], { ...quick, quick: false, samples: 3, warmupMs: 0 });
    for (const c of Object.values(r.cells)) expect(c.samplesMs).toHaveLength(3);
  });
});
