import '@tensile/backend-cpu';
import { type Tensor, ValueError } from '@tensile/core';
import * as optim from '@tensile/optim';
import { describe, expect, test } from 'vitest';
import { decodePlain, expectClose, type GoldenTensor, readCases, toTensor, values } from './golden.js';

type Ctor = new (params: Tensor[], options: Record<string, unknown>) => optim.Optimizer;
const OPTIMIZERS: Record<string, Ctor> = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad } as unknown as Record<string, Ctor>;

interface OptimCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  params: GoldenTensor[];
  gradSequence: GoldenTensor[][];
  paramsAfterStep: GoldenTensor[][];
  error?: string;
  rtol?: number;
  atol?: number;
}

const cases = readCases('optim');

describe('optimizers match PyTorch (packaged golden optim)', () => {
  test('every optimizer file is covered', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(OPTIMIZERS[(c as unknown as OptimCase).optimizer], c.id).toBeDefined();
  });

  const all = cases.map((c) => c as unknown as OptimCase);
  test.each(all.filter((c) => c.error === undefined).map((c) => [c.id, c]))('%s', (_id, c) => {
    const params = c.params.map((t) => toTensor(t).requiresGrad_(true));
    const opt = new OPTIMIZERS[c.optimizer]!(params, decodePlain(c.options) as Record<string, unknown>);
    c.gradSequence.forEach((grads, k) => {
      params.forEach((p, i) => {
        p.grad?.dispose();
        p.grad = toTensor(grads[i]!);
      });
      opt.step();
      params.forEach((p, i) =>
        expectClose(`${c.id} step ${k} param ${i}`, p.dataSync(), values(c.paramsAfterStep[k]![i]!), c.rtol ?? 1e-4, c.atol ?? 1e-5),
      );
    });
  });

  test.each(all.filter((c) => c.error !== undefined).map((c) => [c.id, c]))('%s throws when built', (_id, c) => {
    const params = c.params.map((t) => toTensor(t).requiresGrad_(true));
    expect(() => new OPTIMIZERS[c.optimizer]!(params, decodePlain(c.options) as Record<string, unknown>)).toThrow(ValueError);
  });
});
