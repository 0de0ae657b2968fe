import '@tensile/backend-cpu';
import type { Tensor } from '@tensile/core';
import * as optim from '@tensile/optim';
import { describe, expect, test } from 'vitest';
import { expectClose, type GoldenTensor, readCases, toTensor } from './golden.js';

type Ctor = new (params: Tensor[], options: Record<string, unknown>) => optim.Optimizer;
const OPTIMIZERS: Record<string, Ctor> = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad } as unknown as Record<string, Ctor>;

interface OptimCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  params: GoldenTensor[];
  gradSequence: GoldenTensor[][];
  paramsAfterStep: GoldenTensor[][];
  rtol?: number;
  atol?: number;
}

const cases = readCases('optim');

describe('optimizers match PyTorch (shared/golden/optim)', () => {
  test('every optimizer file is covered', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(OPTIMIZERS[(c as unknown as OptimCase).optimizer], c.id).toBeDefined();
  });

  test.each(cases.map((c) => [c.id, c as unknown as OptimCase]))('%s', (_id, c) => {
    const params = c.params.map((t) => toTensor(t).requiresGrad_(true));
    const opt = new OPTIMIZERS[c.optimizer]!(params, c.options);
    c.gradSequence.forEach((grads, k) => {
      params.forEach((p, i) => {
        p.grad?.dispose();
        p.grad = toTensor(grads[i]!);
      });
      opt.step();
      params.forEach((p, i) =>
        expectClose(`${c.id} step ${k} param ${i}`, p.dataSync(), c.paramsAfterStep[k]![i]!.data as number[], c.rtol ?? 1e-4, c.atol ?? 1e-5),
      );
    });
  });
});
