import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../src/bench.js';
import { formatReport } from '../src/report.js';
import type { Cell } from '../src/runner.js';
import { workloads } from '../src/workloads.js';

const timed = (median: number): Cell => ({ status: 'ok', samplesMs: [median, median * 2], reps: 1, medianMs: median, minMs: median * 0.9, values: [1] });

function result(cells: Record<string, Cell>): BenchResult {
  const w = workloads('full').find((x) => x.id === 'W4')!;
  return {
    meta: { date: '2026-01-01T00:00:00.000Z', node: 'v20', platform: 'linux x64', cpu: 'test', cpus: 2, scale: 'full', quick: false },
    systems: [
      { id: 'cpu', ours: true, threads: 1, description: 'Tensile cpu' },
      { id: 'native-2t', ours: true, threads: 2, description: 'Tensile native, 2 threads' },
      { id: 'wasm', ours: true, skipped: 'not built' },
      { id: 'webgpu', ours: true, threads: null, description: 'Tensile webgpu' },
      { id: 'tfjs-cpu', ours: false, threads: 1, description: 'tfjs' },
      { id: 'torch-1t', ours: false, threads: 1, description: 'torch 1' },
      { id: 'torch-2t', ours: false, threads: 2, description: 'torch 2' },
    ],
    workloads: [{ workload: w, cells, agreement: { reference: 'torch-1t', maxRelDiff: 0, mismatches: [] } }],
    targets: [],
    problems: [],
    deviations: [],
  };
}

describe('formatReport', () => {
  it('compares each backend with the fastest peer of its own thread count (a device backend: of any)', () => {
    const text = formatReport(
      result({ cpu: timed(10), 'native-2t': timed(2), webgpu: timed(12), 'tfjs-cpu': timed(50), 'torch-1t': timed(5), 'torch-2t': timed(3) }),
    );
    const row = text.split('\n').find((l) => l.startsWith('| W4 '))!;
    expect(row).toContain('0.50x torch-1t');
    expect(row).toContain('1.50x torch-2t');
    expect(row).toContain('0.25x torch-2t');
    // 2 * 1024^3 flop in 10 ms
    expect(text.split('\n').find((l) => l.startsWith('| W4 GFLOP/s'))).toContain('214.75');
    expect(text).toContain('- wasm: skipped: not built');
  });

  it('gives the reason for a cell that could not run', () => {
    const text = formatReport(
      result({
        cpu: { status: 'unavailable', reason: 'nn.Linear is not implemented yet', samplesMs: [], reps: 0, values: [] },
        'native-2t': timed(2),
        webgpu: timed(12),
        'tfjs-cpu': timed(50),
        'torch-1t': timed(5),
        'torch-2t': timed(3),
      }),
    );
    expect(text).toMatch(/\| W4 +\| n\/a \[1\]/);
    expect(text).toContain('[1] nn.Linear is not implemented yet');
  });
});
