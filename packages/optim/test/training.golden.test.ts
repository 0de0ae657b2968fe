import '@tensile/backend-cpu';
import { type DType, memory, tidy } from '@tensile/core';
import * as nn from '@tensile/nn';
import * as optim from '@tensile/optim';
import { describe, expect, test } from 'vitest';
import { expectValuesClose, type GoldenTensor, goldenCases, goldenTensor, goldenValues, isGoldenTensor } from '@tensile/conformance/testkit';

// What is live (peakBytes moves with every allocation, so it is not part of the comparison).
const liveOf = ({ tensors, bytes }: { tensors: number; bytes: number }) => ({ tensors, bytes });

/** A layer: its torch.nn class, constructor options in camelCase, and its state_dict tensors (weight, bias, running_mean, ...). */
type Layer = { type: string } & Record<string, unknown>;

/** Constructors that create parameters or buffers take a dtype. */
const FACTORY_LAYERS = new Set(['Linear', 'Bilinear', 'Conv1d', 'Conv2d', 'ConvTranspose1d', 'ConvTranspose2d', 'LayerNorm', 'BatchNorm1d', 'BatchNorm2d', 'Embedding']);

interface TrainingCase {
  id: string;
  model: { type: 'Sequential'; layers: Layer[] };
  data: { input: GoldenTensor; target: GoldenTensor };
  loss: { loss: string; options: Record<string, unknown> };
  optimizer: { optimizer: string; options: Record<string, unknown> };
  steps: number;
  lossBeforeStep: number[];
  finalLoss: number;
  finalParams: Record<string, GoldenTensor>;
  gradsAtFirstStep: Record<string, GoldenTensor>;
  rtol: number;
  atol: number;
}

// The Sequential runs; the character-level GPT run (model type GPT) is conformance's own (packages/conformance/test/gpt.test.ts).
const cases = goldenCases<TrainingCase>('training').filter((c) => c.model.type === 'Sequential');

type OptimizerCtor = new (params: Iterable<nn.Parameter>, options: Record<string, unknown>) => optim.Optimizer;
const OPTIMIZERS = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad } as unknown as Record<string, OptimizerCtor>;
type LossCtor = new (options: Record<string, unknown>) => nn.Module;
const LOSSES = nn as unknown as Record<string, LossCtor>;

/** The PyTorch model of the case: layers by their torch.nn names, with the stored initial weights. */
function buildModel(c: TrainingCase, dtype: DType): nn.Sequential {
  const layers = c.model.layers.map(({ type, ...rest }): nn.Module => {
    const options = Object.fromEntries(Object.entries(rest).filter(([, v]) => !isGoldenTensor(v)));
    return new (nn as unknown as Record<string, new (o: Record<string, unknown>) => nn.Module>)[type]!(FACTORY_LAYERS.has(type) ? { ...options, dtype } : options);
  });
  const model = new nn.Sequential(...layers);
  const weights: Record<string, ReturnType<typeof toTensor>> = {};
  c.model.layers.forEach((l, i) => {
    for (const [k, v] of Object.entries(l)) if (isGoldenTensor(v)) weights[`${i}.${k}`] = v.dtype === 'int32' ? goldenTensor(v) : goldenTensor(v, { dtype });
  });
  model.loadStateDict(weights);
  return model;
}

/**
 * The files train in float64; float32 (what devices without float64 run) is
 * checked against the same values and tolerances, which it meets over these
 * few full-batch steps.
 */
describe.each(['float64', 'float32'] as const)('training end to end matches PyTorch (packaged golden training), %s', (dtype) => {
  test.each(cases.map((c) => [c.id, c]))('%s', (_id, c) => {
    const model = buildModel(c, dtype);
    expect(Object.keys(model.stateDict()).sort()).toEqual(Object.keys(c.finalParams).sort());
    const input = goldenTensor(c.data.input, { dtype });
    const target = c.data.target.dtype === 'int32' ? goldenTensor(c.data.target) : goldenTensor(c.data.target, { dtype });
    // A tensor-valued loss option (weight, posWeight) is {"tensor": T}.
    const lossOptions = Object.fromEntries(
      Object.entries(c.loss.options).map(([k, v]) => [k, typeof v === 'object' && v !== null && 'tensor' in v ? goldenTensor((v as { tensor: GoldenTensor }).tensor, { dtype }) : v]),
    );
    const lossFn = new LOSSES[c.loss.loss]!(lossOptions);
    const opt = new OPTIMIZERS[c.optimizer.optimizer]!(model.parameters(), c.optimizer.options);

    const losses: number[] = [];
    let memoryAfterSecondStep = memory();
    for (let k = 0; k < c.steps; k++) {
      tidy(() => {
        opt.zeroGrad();
        const loss = lossFn(model(input), target);
        losses.push(loss.itemSync());
        loss.backward();
        if (k === 0)
          for (const [name, p] of Object.entries(model.stateDict()))
            if (c.gradsAtFirstStep[name] !== undefined) expectValuesClose(`${c.id} grad of ${name} at step 0`, p.grad!.dataSync(), goldenValues(c.gradsAtFirstStep[name]!), c.rtol, c.atol);
        opt.step();
      });
      if (k === 1) memoryAfterSecondStep = memory();
    }
    expect(liveOf(memory())).toEqual(liveOf(memoryAfterSecondStep));

    expectValuesClose(`${c.id} loss before each step`, losses, c.lossBeforeStep, c.rtol, c.atol);
    const sd = model.stateDict();
    for (const [name, want] of Object.entries(c.finalParams)) expectValuesClose(`${c.id} final ${name}`, sd[name]!.dataSync(), goldenValues(want), c.rtol, c.atol);
    const finalLoss = tidy(() => lossFn(model(input), target).itemSync());
    expectValuesClose(`${c.id} final loss`, [finalLoss], [c.finalLoss], c.rtol, c.atol);
  });
});
