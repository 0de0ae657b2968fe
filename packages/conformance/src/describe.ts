import { describe, expect, it } from 'vitest';
import { formatFailure } from './report.js';
import { type ConformanceOptions, runConformance } from './run.js';
import { startBackend } from './backends.js';
import type { CaseKind } from './golden.js';
import { leakProbe } from './leak.js';
import { formatProblem } from './validate.js';

export interface DescribeOptions extends Omit<ConformanceOptions, 'backend' | 'onCase'> {
  /** Case kinds whose failures are expected for now (each with the reason); they still run and are printed. */
  pending?: Partial<Record<CaseKind, string>>;
}

/**
 * Registers a vitest suite for one backend: the backend starts (or the suite
 * is skipped with the reason), the leak check fires on a deliberate leak,
 * and every golden case, differential trial and fused check passes.
 */
export function describeBackend(name: string, options: DescribeOptions = {}): void {
  describe(`conformance on ${name}`, () => {
    it('runs every golden case and the randomized checks', async (ctx) => {
      const start = await startBackend(name);
      if (!start.ok) {
        ctx.skip(start.reason);
        return;
      }
      // The program fuzzer too: sized so each backend's file stays within about a minute more here (2 cores; webgpu on a software adapter is slower).
      const result = await runConformance({ fuzz: name === 'webgpu' ? 1000 : 2000, ...options, backend: name });
      const pending = options.pending ?? {};
      const failures = result.cases.filter((c) => c.status === 'failed' && !(c.kind in pending));
      const unexpected = result.cases.filter((c) => c.kind in pending && c.status === 'passed');
      expect(failures.map(formatFailure)).toEqual([]);
      expect(result.unknownKinds).toEqual([]);
      expect(result.problems.map(formatProblem)).toEqual([]);
      expect(result.errors).toEqual([]);
      // An expected failure that passes means the pending list is stale.
      for (const [kind, reason] of Object.entries(pending))
        if (result.cases.some((c) => c.kind === kind) && unexpected.filter((c) => c.kind === kind).length === result.cases.filter((c) => c.kind === kind).length)
          throw new Error(`every ${kind} case passes on ${name}: remove it from pending (${reason})`);
    });
    it('leak check fires on a deliberate leak', async (ctx) => {
      const start = await startBackend(name);
      if (!start.ok) {
        ctx.skip(start.reason);
        return;
      }
      expect((await leakProbe(name)).leak).not.toBeNull();
    });
  });
}
