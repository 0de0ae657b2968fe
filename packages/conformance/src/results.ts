import type { Mismatch } from './compare.js';
import type { CaseKind } from './golden.js';

export type Status = 'passed' | 'failed' | 'skipped';

/** What a case did on the device: kernel calls per op and backend, and host transfers. */
export interface CaseCounts {
  /** "op@backend" -> calls. */
  kernels: Record<string, number>;
  uploads: number;
  /** Readbacks while computing (not the comparison's own reads of results). */
  computeReadbacks: number;
  readbacks: number;
}

export interface CaseResult {
  id: string;
  /** ops, losses, ..., or differential / fused / leak for the randomized checks. */
  kind: CaseKind | 'differential' | 'fused' | 'leak';
  /** Row of the report: op, loss, layer, optimizer, scheduler or training-run name. */
  subject: string;
  file: string;
  backend: string;
  status: Status;
  failures: Mismatch[];
  /** Largest relative error over the values compared (passing ones too). */
  maxRelError: number;
  counts?: CaseCounts;
  /** Seed of a randomized check, printed on failure so it can be rerun. */
  seed?: number;
  /** Why a case was skipped. */
  reason?: string;
}

export interface BackendSummary {
  backend: string;
  status: 'ran' | 'skipped';
  reason?: string;
  /** Primitives with a registered kernel / missing, and fused composites (from core's kernelCoverage). */
  coverage?: { implemented: string[]; missing: string[]; fused: string[] };
  /** Kernel calls per primitive observed on this backend over the whole run. */
  kernelCalls?: Record<string, number>;
  /** Kernel calls that ran on another backend while a case of this one was computing. */
  foreignCalls?: Record<string, number>;
}

export interface ConformanceResult {
  golden: string;
  backends: BackendSummary[];
  cases: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** Golden subdirectories that are not a known kind. */
  unknownKinds: string[];
}
