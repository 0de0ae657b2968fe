import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KIND_LABELS } from '@tensile/conformance';

const T = (shape: number[], data: unknown[], dtype = 'float32') => ({ dtype, shape, data });

/** Writes a golden directory: kind -> file name -> cases (or a whole object for training). */
export function goldenDir(files: Record<string, Record<string, unknown>>): string {
  const root = mkdtempSync(join(tmpdir(), 'tensile-golden-'));
  for (const [kind, byName] of Object.entries(files)) {
    mkdirSync(join(root, kind), { recursive: true });
    for (const [name, content] of Object.entries(byName))
      writeFileSync(join(root, kind, name), JSON.stringify(Array.isArray(content) ? { format: 'golden/1', kind: KIND_LABELS[kind as keyof typeof KIND_LABELS] ?? kind, name, cases: content } : content));
  }
  return root;
}

/** A correct PyTorch-style case: add of odd shapes with broadcasting, and special values. */
export const addCase = {
  id: 'add/odd-broadcast-specials',
  op: 'add',
  args: [
    { name: 'input', tensor: T([1, 7], [1, 2, 3, 'nan', 'inf', '-inf', -0.5]), requiresGrad: true },
    { name: 'other', tensor: T([3, 1], [0.5, -1, 2]), requiresGrad: true },
  ],
  kwargs: { alpha: 2 },
  gradOutput: T([3, 7], Array(21).fill(1)),
  output: T([3, 7], [2, 3, 4, 'nan', 'inf', '-inf', 0.5, -1, 0, 1, 'nan', 'inf', '-inf', -2.5, 5, 6, 7, 'nan', 'inf', '-inf', 3.5]),
  grads: { input: T([1, 7], Array(7).fill(3)), other: T([3, 1], [14, 14, 14]) },
};

export const T_ = T;
