import '@tensile/backend-cpu';
import { memory, type Tensor, tidy, ValueError } from '@tensile/core';
import * as optim from '@tensile/optim';
import { describe, expect, test } from 'vitest';
import { decodePlain, expectValuesClose, type GoldenTensor, goldenCases, goldenTensor, goldenValues } from '@tensile/conformance/testkit';

type Ctor = new (params: Tensor[], options: Record<string, unknown>) => optim.Optimizer;
const OPTIMIZERS: Record<string, Ctor> = {
  SGD: optim.SGD,
  Adam: optim.Adam,
  AdamW: optim.AdamW,
  RMSprop: optim.RMSprop,
  Adagrad: optim.Adagrad,
  Adadelta: optim.Adadelta,
  Adamax: optim.Adamax,
  NAdam: optim.NAdam,
  RAdam: optim.RAdam,
  ASGD: optim.ASGD,
  Rprop: optim.Rprop,
  LBFGS: optim.LBFGS,
} as unknown as Record<string, Ctor>;

type Objective = { kind: 'rosenbrock' } | { kind: 'leastSquares'; inputs: GoldenTensor; targets: GoldenTensor };

/** The golden objective (format: the optim notes) as a loss of the params. */
function objectiveLoss(o: Objective, ps: Tensor[]): Tensor {
  if (o.kind === 'rosenbrock') {
    const x = ps[0]!;
    const n = x.numel();
    const [head, tail] = [x.narrow(0, 0, n - 1), x.narrow(0, 1, n - 1)];
    const t = tail.sub(head.mul(head));
    const u = head.neg().add(1);
    return t.mul(t).mul(100).add(u.mul(u)).sum();
  }
  const r = goldenTensor(o.inputs).matmul(ps[0]!).add(ps[1]!).sub(goldenTensor(o.targets));
  return r.mul(r).mean();
}

interface OptimCase {
  id: string;
  optimizer: string;
  options: Record<string, unknown>;
  params: GoldenTensor[];
  gradSequence: GoldenTensor[][];
  paramsAfterStep: GoldenTensor[][];
  objective?: Objective;
  losses?: number[];
  error?: string;
  rtol?: number;
  atol?: number;
}

const cases = goldenCases('optim');

describe('optimizers match PyTorch (packaged golden optim)', () => {
  test('every optimizer file is covered', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(OPTIMIZERS[(c as unknown as OptimCase).optimizer], c.id).toBeDefined();
  });

  const all = cases.map((c) => c as unknown as OptimCase);
  test.each(all.filter((c) => c.objective !== undefined).map((c) => [c.id, c]))('%s', async (_id, c) => {
    const params = c.params.map((t) => goldenTensor(t).requiresGrad_(true));
    const opt = new optim.LBFGS(params, decodePlain(c.options) as Partial<optim.LBFGSOptions>);
    const closure = () =>
      tidy(() => {
        opt.zeroGrad();
        const loss = objectiveLoss(c.objective!, params);
        loss.backward();
        return loss;
      });
    const before = memory().tensors;
    for (let k = 0; k < c.paramsAfterStep.length; k++) {
      const loss = (await opt.step(closure)) as Tensor;
      expectValuesClose(`${c.id} loss of step ${k}`, [loss.itemSync()], [c.losses![k]!], c.rtol ?? 1e-4, c.atol ?? 1e-5);
      loss.dispose();
      params.forEach((p, i) =>
        expectValuesClose(
          `${c.id} step ${k} param ${i}`,
          p.dataSync(),
          goldenValues(c.paramsAfterStep[k]![i]!),
          c.rtol ?? 1e-4,
          c.atol ?? 1e-5,
        ),
      );
    }
    opt.zeroGrad();
    opt.dispose();
    expect(memory().tensors).toBeLessThanOrEqual(before);
  });

  test.each(all.filter((c) => c.error === undefined && c.objective === undefined).map((c) => [c.id, c]))('%s', (_id, c) => {
    const params = c.params.map((t) => goldenTensor(t).requiresGrad_(true));
    const opt = new OPTIMIZERS[c.optimizer]!(params, decodePlain(c.options) as Record<string, unknown>);
    c.gradSequence.forEach((grads, k) => {
      params.forEach((p, i) => {
        p.grad?.dispose();
        p.grad = goldenTensor(grads[i]!);
      });
      opt.step();
      params.forEach((p, i) =>
        expectValuesClose(
          `${c.id} step ${k} param ${i}`,
          p.dataSync(),
          goldenValues(c.paramsAfterStep[k]![i]!),
          c.rtol ?? 1e-4,
          c.atol ?? 1e-5,
        ),
      );
    });
  });

  test.each(all.filter((c) => c.error !== undefined).map((c) => [c.id, c]))('%s throws when built', (_id, c) => {
    const params = c.params.map((t) => goldenTensor(t).requiresGrad_(true));
    expect(() => new OPTIMIZERS[c.optimizer]!(params, decodePlain(c.options) as Record<string, unknown>)).toThrow(ValueError);
  });
});
