import type { Mismatch } from './compare.js';
import type { CaseKind } from './golden.js';
import type { Problem } from './validate.js';

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
  /** The golden set a golden case came from; absent for the randomized checks. */
  set?: string;
  /** ops, losses, ..., or differential / fused / leak for the randomized checks. */
  kind: CaseKind | 'differential' | 'fused' | 'leak' | 'fuzz';
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
  /** skipped: could not start under "all"; failed: named explicitly and could not start. */
  status: 'ran' | 'skipped' | 'failed';
  reason?: string;
  /** Primitives with a registered kernel / missing, and fused composites (from core's kernelCoverage). */
  coverage?: { implemented: string[]; missing: string[]; fused: string[] };
  /** Kernel calls per primitive observed on this backend over the whole run. */
  kernelCalls?: Record<string, number>;
  /** Kernel calls that ran on another backend while a case of this one was computing. */
  foreignCalls?: Record<string, number>;
}

export interface SetSummary {
  name: string;
  dir: string;
  passed: number;
  /** Failed cases plus the set's invalid-file problems and unknown kinds. */
  failed: number;
}

export interface ConformanceResult {
  /** The golden sets run, by name ("packaged" or the directory as given). */
  golden: string[];
  sets: SetSummary[];
  /** The randomized checks (differential, fused, leak probe) over every backend. */
  randomized: { passed: number; failed: number };
  backends: BackendSummary[];
  cases: CaseResult[];
  /** What is wrong with invalid golden files (each a failure; those files did not run). */
  problems: (Problem & { set: string })[];
  /** Run-level failures: a set with no files, a run in which no case ran, no backend started. */
  errors: string[];
  passed: number;
  failed: number;
  /** Backends skipped under "all" because they cannot start here. */
  skipped: number;
  /** Golden subdirectories that are not a known kind. */
  unknownKinds: string[];
}
