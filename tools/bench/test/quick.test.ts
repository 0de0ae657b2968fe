import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../src/bench.js';
import { main } from '../src/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('bench --quick (the smoke test CI runs)', () => {
  it('runs every workload at tiny scale and every system that ran computed the same values', async () => {
    const file = join(dir, 'quick.json');
    const { code, out } = await cli(['--quick', '--scale', 'tiny', '--json', file]);
    const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(r.problems).toEqual([]);
    expect(code).toBe(0);
    expect(r.workloads.map((w) => w.workload.id)).toEqual(['W1-1M', 'W1-4K', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8', 'W9']);
    // Not vacuous: Tensile's cpu backend and the in-process peers always run here, and matmul needs nothing
    // beyond core, so at least W4 is compared across three systems.
    const ran = r.systems.filter((s) => s.skipped === undefined).map((s) => s.id);
    expect(ran).toEqual(expect.arrayContaining(['cpu', 'tfjs-cpu', 'tfjs-wasm']));
    const w4 = r.workloads.find((w) => w.workload.id === 'W4')!;
    for (const id of ['cpu', 'tfjs-cpu', 'tfjs-wasm']) expect(w4.cells[id]!.status).toBe('ok');
    // The convolution too: Tensile's im2col path against tfjs-cpu's own NHWC kernels.
    const w8 = r.workloads.find((w) => w.workload.id === 'W8')!;
    for (const id of ['cpu', 'tfjs-cpu']) expect(w8.cells[id]!.status).toBe('ok');
    expect(w8.cells.cpu!.values).toHaveLength(4); // the loss and three gradient norms
    // The GPT step runs on cpu and reports the peak bytes it allocated; tfjs has no attention and says so.
    const w9 = r.workloads.find((w) => w.workload.id === 'W9')!;
    expect(w9.cells.cpu!.status).toBe('ok');
    expect(w9.cells.cpu!.peakBytes).toBeGreaterThan(0);
    expect(w9.cells['tfjs-cpu']!.status).not.toBe('ok');
    // Every workload that ran anywhere was compared (a peer may differ: its float32 arithmetic is reported, not
    // failed; a Tensile backend that differs is a problem, checked above), and a system that did not run says why.
    const ours = new Set(r.systems.filter((s) => s.ours).map((s) => s.id));
    for (const w of r.workloads) {
      expect(w.agreement.reference).not.toBeNull();
      expect(w.agreement.mismatches.filter((id) => ours.has(id))).toEqual([]);
      for (const [id, c] of Object.entries(w.cells)) if (c.status !== 'ok') expect(c.reason, `${w.workload.id} ${id}`).toBeTruthy();
    }
    for (const s of r.systems) if (s.skipped !== undefined) expect(s.skipped.length).toBeGreaterThan(0);
    expect(out).toContain('| W4 ');
    expect(r.targets).toEqual([]); // --quick does not time, so it judges no target
  });

  it('--only and --systems narrow the run', async () => {
    const file = join(dir, 'only.json');
    const { code } = await cli(['--quick', '--scale', 'tiny', '--only', 'W1', '--systems', 'cpu,tfjs-cpu', '--json', file]);
    const r = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(code).toBe(0);
    expect(r.workloads.map((w) => w.workload.id)).toEqual(['W1-1M', 'W1-4K']);
    expect(r.systems.map((s) => s.id)).toEqual(['cpu', 'tfjs-cpu']);
  });

  it('rejects unknown workloads, systems and options with usage', async () => {
    for (const args of [['--only', 'W10'], ['--systems', 'cpu,jax'], ['--fast'], ['--samples', '0'], ['--scale', 'huge']]) {
      const { code, err } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(err).toContain('usage:');
    }
  });
});
