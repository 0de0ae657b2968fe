import type { BenchResult, SystemInfo } from './bench.js';
import type { Cell, WorkloadResult } from './runner.js';
import { flops } from './workloads.js';

/** The run as Markdown: one table (workloads x systems), the ratios, the skipped systems and the targets. */
export function formatReport(r: BenchResult): string {
  const notes = new Footnotes();
  const running = r.systems.filter((s) => s.skipped === undefined);
  const ours = running.filter((s) => s.ours);
  const lines: string[] = [];
  lines.push(`Tensile bench, ${r.meta.date.slice(0, 16).replace('T', ' ')} UTC: Node ${r.meta.node}, ${r.meta.platform}, ${r.meta.cpus} x ${r.meta.cpu}, scale ${r.meta.scale}`);
  lines.push('');
  if (r.meta.quick) {
    lines.push('--quick: one step per system, no timing. Cells: the first value (loss, or the output norm for matmul); "agree" compares every value and checksum with the reference.');
    lines.push('');
    lines.push(...table(['workload', ...running.map((s) => s.id), 'agree'], r.workloads.map((w) => quickRow(w, running, notes))));
  } else {
    lines.push('Median ms per step (min), systems interleaved. "x vs best peer": the fastest peer with the same thread count, its median over the backend\'s (above 1: Tensile is faster).');
    lines.push('');
    const header = ['workload', ...running.map((s) => s.id), ...ours.map((s) => `${s.id} vs best peer`)];
    const rows: string[][] = [];
    for (const w of r.workloads) {
      rows.push(timedRow(w, running, ours, notes));
      const f = flops(w.workload.spec);
      if (f !== null) rows.push([`${w.workload.id} GFLOP/s`, ...running.map((s) => rate(w.cells[s.id], (ms) => (f / ms / 1e6).toFixed(2))), ...ours.map(() => '')]);
      if (w.workload.group === 'W6') rows.push([`${w.workload.id} steps/s`, ...running.map((s) => rate(w.cells[s.id], (ms) => (1000 / ms).toFixed(0))), ...ours.map(() => '')]);
    }
    lines.push(...table(header, rows));
  }
  const counting = running.filter((s) => r.workloads.some((w) => w.cells[s.id]?.dispatchesPerStep !== undefined));
  if (counting.length > 0) {
    lines.push('');
    lines.push('Kernels dispatched per step (calls of dispatchWorkgroups; the same on any GPU):');
    lines.push('');
    lines.push(...table(['workload', ...counting.map((s) => s.id)], r.workloads.filter((w) => w.workload.memorySteps === undefined).map((w) => [w.workload.id, ...counting.map((s) => String(w.cells[s.id]?.dispatchesPerStep ?? '-'))])));
  }
  const peaks = r.workloads.filter((w) => w.workload.peakMemory);
  if (peaks.length > 0) {
    lines.push('');
    lines.push('Peak memory of one training step, MiB (parameters, optimizer state and kernel scratch; "-": the system keeps no peak counter):');
    lines.push('');
    const mib = (c: Cell | undefined): string => (c?.peakBytes === undefined || c.peakBytes === null ? '-' : (c.peakBytes / 2 ** 20).toFixed(1));
    lines.push(...table(['workload', ...running.map((s) => s.id)], peaks.map((w) => [w.workload.id, ...running.map((s) => mib(w.cells[s.id]))])));
  }
  lines.push('');
  lines.push('Workloads:');
  for (const w of r.workloads) lines.push(`- ${w.workload.id}: ${w.workload.title}`);
  lines.push('');
  lines.push('Systems:');
  for (const s of r.systems) lines.push(`- ${s.id}: ${s.skipped === undefined ? s.description : `skipped: ${s.skipped}`}`);
  const n = notes.lines();
  if (n.length > 0) lines.push('', 'Notes:', ...n);
  if (r.targets.length > 0) {
    lines.push('', 'Targets (speedup: peer median / backend median):', '');
    lines.push(
      ...table(
        ['backend', 'target', 'workload', 'speedup', 'status'],
        r.targets.map((t) => [
          t.target.backend,
          t.target.text,
          t.workload,
          t.speedup === null ? '-' : `${t.speedup.toFixed(2)}x`,
          t.status === 'unverified' ? `unverified: ${t.reason}` : t.status,
        ]),
      ),
    );
  }
  if (r.deviations.length > 0) {
    lines.push('', 'Peers whose values differ from the reference (their own float32 arithmetic; reported, not failed):');
    for (const d of r.deviations) lines.push(`- ${d}`);
  }
  lines.push('');
  lines.push(r.problems.length === 0 ? "Every Tensile backend computed the reference's values." : `PROBLEMS (${r.problems.length}):`);
  for (const p of r.problems) lines.push(`- ${p}`);
  return lines.join('\n');
}

class Footnotes {
  private readonly reasons: string[] = [];
  ref(reason: string): string {
    let i = this.reasons.indexOf(reason);
    if (i < 0) i = this.reasons.push(reason) - 1;
    return `[${i + 1}]`;
  }
  lines(): string[] {
    return this.reasons.map((r, i) => `[${i + 1}] ${r}`);
  }
}

function unavailable(c: Cell, notes: Footnotes): string {
  return `${c.status === 'failed' ? 'FAILED' : 'n/a'} ${notes.ref(c.reason ?? 'no reason given')}`;
}

function ms(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2);
}

function bytes(n: number): string {
  const a = Math.abs(n);
  return a >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : a >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function timedRow(w: WorkloadResult, running: SystemInfo[], ours: SystemInfo[], notes: Footnotes): string[] {
  const cells = running.map((s) => {
    const c = w.cells[s.id]!;
    if (c.status !== 'ok') return unavailable(c, notes);
    if (w.workload.memorySteps !== undefined) {
      if (c.memory === undefined || c.memory === null) return `no counter ${notes.ref(`${s.id} keeps no allocator byte counter to sample`)}`;
      return c.memory.growth > 0 ? `grew ${bytes(c.memory.growth)}` : `flat (${bytes(c.memory.bytes[0]!)})`;
    }
    return c.medianMs === undefined ? '-' : `${ms(c.medianMs)} (${ms(c.minMs!)})`;
  });
  const ratios = ours.map((b) => {
    const mine = w.cells[b.id]?.medianMs;
    if (mine === undefined) return '-';
    let best: [string, number] | null = null;
    for (const p of running)
      // A device backend (threads null) is measured against the fastest peer of any thread count.
      if (!p.ours && (b.threads === null || p.threads === b.threads)) {
        const m = w.cells[p.id]?.medianMs;
        if (m !== undefined && (best === null || m < best[1])) best = [p.id, m];
      }
    return best === null ? '-' : `${(best[1] / mine).toFixed(2)}x ${best[0]}`;
  });
  return [w.workload.id, ...cells, ...ratios];
}

function quickRow(w: WorkloadResult, running: SystemInfo[], notes: Footnotes): string[] {
  const cells = running.map((s) => {
    const c = w.cells[s.id]!;
    if (c.status !== 'ok') return unavailable(c, notes);
    return c.values.length === 0 ? '-' : c.values[0]!.toPrecision(7);
  });
  const a = w.agreement;
  const verdict =
    a.reference === null
      ? 'nothing ran'
      : a.mismatches.length > 0
        ? `DIFFERS: ${a.mismatches.join(', ')} vs ${a.reference}`
        : `ok (max rel diff ${a.maxRelDiff.toExponential(1)} vs ${a.reference})`;
  return [w.workload.id, ...cells, verdict];
}

function rate(c: Cell | undefined, f: (ms: number) => string): string {
  return c?.medianMs === undefined ? '' : f(c.medianMs);
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
