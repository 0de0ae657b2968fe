import type { Mismatch } from '../compare.js';
import type { CaseKind, GoldenCase, GoldenFile } from '../golden.js';
import type { CaseContext } from './forward.js';
import { runInteropCase } from './interop.js';
import { runLayerCase } from './layers.js';
import { runLossCase } from './losses.js';
import { runOpCase } from './ops.js';
import { runOptimCase } from './optim.js';
import { runProgramCase } from './programs.js';
import { runSchedulerCase } from './schedulers.js';
import { runTrainingCase } from './training.js';

export type Runner = (c: GoldenCase, ctx: CaseContext, file: GoldenFile) => Promise<Mismatch[]>;

export const RUNNERS: Record<CaseKind, Runner> = {
  ops: runOpCase,
  losses: runLossCase,
  layers: runLayerCase,
  optim: runOptimCase,
  schedulers: runSchedulerCase,
  training: runTrainingCase,
  interop: runInteropCase,
  programs: runProgramCase,
};

/** The report row a case belongs to: its op, loss, layer, optimizer, scheduler or training run. */
export function subjectOf(kind: CaseKind, c: GoldenCase): string {
  if (kind === 'programs') return 'random programs';
  const field = { ops: 'op', losses: 'loss', layers: 'layer', optim: 'optimizer', schedulers: 'scheduler', training: 'id', interop: 'file' }[kind];
  return String(c[field] ?? c.id);
}
