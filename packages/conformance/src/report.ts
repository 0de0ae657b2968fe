import { PRIMITIVES } from '@tensile/core';
import type { CaseResult, ConformanceResult } from './results.js';
import { formatProblem } from './validate.js';

const KIND_TITLES: Record<string, string> = {
  ops: 'ops',
  losses: 'losses',
  layers: 'layers',
  optim: 'optimizers',
  schedulers: 'schedulers',
  training: 'training runs',
  interop: 'interop',
  programs: 'random programs',
  differential: 'differential (vs cpu)',
  fused: 'fused vs composed',
  leak: 'leak probe',
  fuzz: 'program fuzzer (vs cpu, float64-judged)',
};

function fmtErr(e: number): string {
  return e === 0 ? '0' : e.toExponential(1);
}

/** One line per failure: case id, backend, which value, and what is wrong (errors, first mismatching index). */
export function formatFailure(r: CaseResult): string {
  const lines = r.failures.map((f) => `  ${f.what}: ${f.message}`);
  const where = r.set !== undefined && r.set !== 'packaged' ? ` in ${r.set}` : '';
  return `FAIL ${r.id} [${r.backend}]${where}${r.seed !== undefined ? ` (seed ${r.seed})` : ''}\n${lines.join('\n')}`;
}

/** The closing line: "N passed, N failed" (and backends skipped under "all", counted separately). */
export function summaryLine(r: ConformanceResult): string {
  return `${r.passed} passed, ${r.failed} failed${r.skipped > 0 ? `, ${r.skipped} skipped` : ''}`;
}

/**
 * What the CLI prints at the end: why backends were skipped or failed, invalid
 * golden files, run-level errors, then one line per golden set, one for the
 * randomized checks, and the total last.
 */
export function summaryLines(r: ConformanceResult, randomized = true): string[] {
  const out: string[] = [];
  for (const b of r.backends) {
    if (b.status === 'skipped') out.push(`SKIP backend ${b.backend}: ${b.reason}`);
    else if (b.status === 'failed') out.push(`FAIL backend ${b.backend} cannot start: ${b.reason}`);
  }
  for (const p of r.problems) out.push(`FAIL invalid golden file in ${p.set}: ${formatProblem(p)}`);
  for (const k of r.unknownKinds) out.push(`FAIL golden kind "${k}" is not one the suite knows`);
  for (const e of r.errors) out.push(`FAIL ${e}`);
  const ran = r.backends.filter((b) => b.status === 'ran').map((b) => b.backend);
  out.push(`backends: ${ran.length > 0 ? ran.join(', ') : 'none'}`);
  for (const s of r.sets) out.push(`${s.name}: ${s.passed} passed, ${s.failed} failed`);
  if (randomized) out.push(`randomized (differential, fused, leak): ${r.randomized.passed} passed, ${r.randomized.failed} failed`);
  out.push(summaryLine(r));
  return out;
}

/**
 * Markdown: a matrix of subjects (ops, losses, optimizers, training runs, ...)
 * by backend with passed/total and the max relative error, then kernel
 * coverage per primitive derived from the kernel calls counted during the run.
 */
export function markdownReport(r: ConformanceResult): string {
  const ran = r.backends.filter((b) => b.status === 'ran').map((b) => b.backend);
  const out: string[] = ['# Tensile conformance', '', `Golden sets: ${r.sets.map((s) => `\`${s.name}\` (${s.passed} passed, ${s.failed} failed)`).join(', ')}. ${summaryLine(r)}.`, ''];
  for (const b of r.backends.filter((x) => x.status !== 'ran')) out.push(`- **${b.backend}** ${b.status === 'skipped' ? 'skipped' : 'failed to start'}: ${b.reason}`);
  for (const p of r.problems) out.push(`- invalid golden file in ${p.set}: ${formatProblem(p)}`);
  for (const e of r.errors) out.push(`- ${e}`);
  if (r.unknownKinds.length) out.push(`- unknown golden kinds (not run): ${r.unknownKinds.join(', ')}`);
  out.push('');
  const groups = new Map<string, Map<string, Map<string, CaseResult[]>>>();
  for (const c of r.cases) {
    const kind = groups.get(c.kind) ?? new Map<string, Map<string, CaseResult[]>>();
    groups.set(c.kind, kind);
    const row = kind.get(c.subject) ?? new Map<string, CaseResult[]>();
    kind.set(c.subject, row);
    row.set(c.backend, [...(row.get(c.backend) ?? []), c]);
  }
  const order = Object.keys(KIND_TITLES);
  for (const [kind, rows] of [...groups].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))) {
    out.push(`## ${KIND_TITLES[kind] ?? kind}`, '', `| ${kind} | ${ran.join(' | ')} |`, `| --- |${ran.map(() => ' --- |').join('')}`);
    for (const [subject, byBackend] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
      const cells = ran.map((b) => {
        const cs = byBackend.get(b) ?? [];
        if (cs.length === 0) return '';
        const passed = cs.filter((c) => c.status === 'passed').length;
        const err = Math.max(...cs.map((c) => c.maxRelError));
        const mark = passed === cs.length ? '' : cs.some((c) => c.failures.some((f) => f.what === 'not implemented')) ? ' ✗ not implemented' : ' ✗';
        return `${passed}/${cs.length} (${fmtErr(err)})${mark}`;
      });
      out.push(`| ${subject} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push(
    '## Kernel coverage',
    '',
    'Calls of each primitive kernel counted on each backend during this run; "missing" means no kernel is registered, "not run" that one is registered but no case called it. Calls that ran on another device while a case of this backend computed are listed below the table.',
    '',
    `| primitive | ${ran.join(' | ')} |`,
    `| --- |${ran.map(() => ' --- |').join('')}`,
  );
  for (const op of Object.keys(PRIMITIVES)) {
    const cells = ran.map((b) => {
      const s = r.backends.find((x) => x.backend === b)!;
      if (s.coverage?.missing.includes(op)) return 'missing';
      const n = s.kernelCalls?.[op] ?? 0;
      return n > 0 ? `native (${n})` : 'not run';
    });
    out.push(`| ${op} | ${cells.join(' | ')} |`);
  }
  for (const s of r.backends.filter((b) => b.status === 'ran')) {
    if (s.coverage?.fused.length) out.push('', `Fused kernels on ${s.backend}: ${s.coverage.fused.join(', ')}.`);
    const foreign = Object.entries(s.foreignCalls ?? {});
    if (foreign.length) out.push('', `Foreign kernel calls during ${s.backend} cases: ${foreign.map(([k, n]) => `${k} ×${n}`).join(', ')}.`);
  }
  out.push('');
  return out.join('\n');
}
