import { noGrad, type Tensor } from '@tensile/core';
import { compareTensor, compareValues, type Mismatch, toleranceOf } from '../compare.js';
import { decodeNumber, type GoldenCase, type GoldenFile, type GoldenTensor, toTensor } from '../golden.js';
import { type Fn, nnNs, requireClass } from '../resolve.js';
import type { CaseContext } from './forward.js';
import { isGptCase, runGptCase } from './gpt.js';
import { buildModule, disposeModule } from './layers.js';
import { buildOptions } from './losses.js';
import { buildOptimizer, decodeOptions, disposeOptimizer, type OptimizerLike } from './optim.js';

type LayerSpec = { type: string } & Record<string, unknown>;

/** Layer options of a model description: everything but the type and the tensors. */
function layerOptions(l: LayerSpec): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(l)) if (k !== 'type' && !(typeof v === 'object' && v !== null && 'data' in v)) o[k] = v;
  return o;
}

/** nn.Sequential of the described layers, with the weights the description carries. */
export function buildSequential(layers: readonly LayerSpec[], device: string): ReturnType<typeof buildModule> {
  const Sequential = requireClass('@tensile/nn', nnNs, 'Sequential');
  const mods = layers.map((l) => buildModule(l.type, layerOptions(l), undefined, device));
  const model = new Sequential(...mods) as ReturnType<typeof buildModule>;
  const sd: Record<string, Tensor> = {};
  layers.forEach((l, i) => {
    for (const [k, v] of Object.entries(l)) if (typeof v === 'object' && v !== null && 'data' in v) sd[`${i}.${k}`] = toTensor(v as GoldenTensor, device);
  });
  if (Object.keys(sd).length > 0) model.loadStateDict(sd);
  return model;
}

export async function runTrainingCase(c: GoldenCase, ctx: CaseContext, file: GoldenFile): Promise<Mismatch[]> {
  // The character-level GPT is a model of its own (models/gpt.ts), not a Sequential.
  if (isGptCase(c)) return runGptCase(c, ctx, file);
  let model: ReturnType<typeof buildModule> | null = null;
  let optimizer: OptimizerLike | null = null;
  let lossFunction: Fn | null = null;
  try {
    model = buildSequential(((c.model as { layers?: LayerSpec[] })?.layers ?? []) as LayerSpec[], ctx.backend);
    const lossSpec = (c.loss ?? {}) as { loss?: string; options?: Record<string, unknown> };
    const Loss = requireClass('@tensile/nn', nnNs, String(lossSpec.loss));
    const criterion = new Loss(buildOptions(lossSpec.options ?? {}, ctx.backend, new Map())) as Fn;
    lossFunction = criterion;
    const opt = (c.optimizer ?? {}) as { optimizer?: string; options?: unknown };
    const params = (model as unknown as { parameters(): Tensor[] }).parameters();
    optimizer = buildOptimizer(String(opt.optimizer), params, decodeOptions(opt.options));
    const data = (c.data ?? {}) as { input: GoldenTensor; target: GoldenTensor };
    const input = toTensor(data.input, ctx.backend);
    const target = toTensor(data.target, ctx.backend);
    const tol = toleranceOf(c);
    const losses: number[] = [];
    const steps = Number(c.steps ?? 0);
    for (let k = 0; k < steps; k++) {
      ctx.trace.phase = 'compute';
      if (optimizer.zeroGrad) optimizer.zeroGrad();
      const loss = criterion((model as unknown as Fn)(input), target) as Tensor;
      ctx.trace.phase = 'check';
      losses.push(await loss.item());
      ctx.trace.phase = 'compute';
      loss.backward();
      await optimizer.step();
      loss.dispose();
    }
    ctx.trace.phase = 'check';
    const failures: Mismatch[] = [];
    const wantLosses = ((c.lossBeforeStep ?? []) as unknown[]).map(decodeNumber);
    const m = compareValues('lossBeforeStep', losses, wantLosses, tol);
    if (m) failures.push(m);
    else ctx.stats.note(losses, wantLosses, tol);
    const sd = model.stateDict();
    for (const [k, want] of Object.entries((c.finalParams ?? {}) as Record<string, GoldenTensor>)) {
      const mm = await compareTensor(`finalParams:${k}`, sd[k], want, tol, ctx.stats);
      if (mm) failures.push(mm);
    }
    if (c.finalLoss !== undefined) {
      ctx.trace.phase = 'compute';
      // Evaluated as a PyTorch user would, under no_grad: a graph nobody backpropagates through is not built.
      const final = noGrad(() => criterion((model as unknown as Fn)(input), target) as Tensor);
      ctx.trace.phase = 'check';
      const mm = compareValues('finalLoss', [await final.item()], [decodeNumber(c.finalLoss)], tol);
      if (mm) failures.push(mm);
    }
    return failures;
  } finally {
    disposeOptimizer(optimizer);
    disposeModule(model);
    disposeModule(lossFunction as Parameters<typeof disposeModule>[0]);
  }
}
