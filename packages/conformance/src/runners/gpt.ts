import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor, type Tensor, tidy } from '@tensile/core';
import { functional as F, loadSafetensors, utils } from '@tensile/nn';
import { AdamW } from '@tensile/optim';
import { compareValues, type Mismatch, toleranceOf } from '../compare.js';
import { decodeNumber, decodeValue, type GoldenCase, type GoldenFile, type GoldenTensor } from '../golden.js';
import { CharTokenizer, type EncoderLayerGPT, type GPT, GPT_BLOCKS, type GPTConfig } from '../models/gpt.js';
import type { CaseTrace } from '../trace.js';
import type { CaseContext } from './forward.js';
import { decodeOptions } from './optim.js';

interface GptRun {
  model: { type: 'GPT'; block?: keyof typeof GPT_BLOCKS; options: Omit<GPTConfig, 'device'>; weights: string; tied?: Record<string, string> };
  data: { text: string; vocab: string; offsets: GoldenTensor; input: GoldenTensor; target: GoldenTensor };
  optimizer: { optimizer: 'AdamW'; options: Record<string, unknown>; decayWeightDecay: number };
  clipGradNorm: { maxNorm: number; normType: number };
  steps: number;
}

export interface GptTrainingResult {
  /** The loss before each step, read back. */
  losses: number[];
  /** clipGradNorm_'s total norm at each step (before clipping). */
  norms: number[];
  /** What is wrong with the data or the model before training (the tokenizer, the tie, the weights). */
  problems: Mismatch[];
}

/** Whether a golden training case describes the GPT (rather than a Sequential). */
export function isGptCase(c: GoldenCase): boolean {
  return (c.model as { type?: unknown } | undefined)?.type === 'GPT';
}

/**
 * Trains the GPT of a golden run on `device` as a PyTorch user's loop does: from the run's
 * safetensors weights, on its batches, AdamW with two parameter groups, clipGradNorm_ every step.
 * `trace` (the suite's readback counter) is told which reads are the check's: the loss and norm of each step.
 */
export async function trainGptFromGolden(c: GoldenCase, dir: string, device: string, trace?: Pick<CaseTrace, 'phase'>): Promise<GptTrainingResult> {
  const run = c as unknown as GptRun;
  const problems: Mismatch[] = [];
  const { vocabSize, blockSize } = run.model.options;
  // The text, encoded by the example's tokenizer, must give the stored batches.
  const tokenizer = CharTokenizer.fromText(run.data.text);
  if (tokenizer.vocab !== run.data.vocab) problems.push({ what: 'data.vocab', message: `the text's sorted characters are ${JSON.stringify(tokenizer.vocab)}, the run says ${JSON.stringify(run.data.vocab)}` });
  const ids = tokenizer.encode(run.data.text);
  const offsets = run.data.offsets.data as number[];
  const input = Int32Array.from(run.data.input.data as number[]);
  const target = Int32Array.from(run.data.target.data as number[]);
  const [steps, batch, T] = run.data.input.shape as [number, number, number];
  offsets.forEach((o, i) => {
    for (let t = 0; t < T; t++)
      if (ids[o + t] !== input[i * T + t] || ids[o + t + 1] !== target[i * T + t]) {
        if (problems.length < 4) problems.push({ what: 'data.input', message: `window ${i} (offset ${o}) of the encoded text differs from the stored batch at position ${t}` });
        return;
      }
  });
  if (steps < run.steps || T > blockSize) problems.push({ what: 'data', message: `batches [${run.data.input.shape.join(', ')}] do not cover ${run.steps} steps of blockSize ${blockSize}` });
  const block = run.model.block ?? 'sdpa';
  if (!Object.hasOwn(GPT_BLOCKS, block)) problems.push({ what: 'model.block', message: `unknown block ${JSON.stringify(block)}; known: ${Object.keys(GPT_BLOCKS).join(', ')}` });
  if (problems.length > 0) return { losses: [], norms: [], problems };

  const model: GPT | EncoderLayerGPT = new GPT_BLOCKS[block]({ ...run.model.options, device });
  let optimizer: AdamW | null = null;
  try {
    const loaded = loadSafetensors(new Uint8Array(readFileSync(join(dir, run.model.weights))), { device });
    try {
      model.loadStateDict(loaded);
    } finally {
      for (const t of Object.values(loaded)) t.dispose();
    }
    if (model.head.weight !== model.tokens.weight) problems.push({ what: 'model', message: 'head.weight is not tied to tokens.weight' });
    const opts = decodeOptions(run.optimizer.options);
    optimizer = new AdamW(model.paramGroups(Number(decodeValue(run.optimizer.decayWeightDecay))), opts as ConstructorParameters<typeof AdamW>[1]);
    const per = batch * T;
    const losses: number[] = [];
    const norms: number[] = [];
    for (let k = 0; k < run.steps; k++) {
      if (trace) trace.phase = 'compute';
      optimizer.zeroGrad();
      const [loss, norm] = tidy(() => {
        const x = tensor(input.subarray(k * per, (k + 1) * per), { dtype: 'int32', device }).view(batch, T);
        const y = tensor(target.subarray(k * per, (k + 1) * per), { dtype: 'int32', device });
        const logits = model(x);
        const loss = F.crossEntropy(logits.view(-1, vocabSize), y);
        loss.backward();
        const norm = utils.clipGradNorm_(model.parameters(), run.clipGradNorm.maxNorm, run.clipGradNorm.normType);
        optimizer!.step();
        return [loss, norm] as [Tensor, Tensor];
      });
      // Reading the loss and the norm back is the check's doing (as the training runner's loss.item()), not the step's.
      if (trace) trace.phase = 'check';
      losses.push(await loss.item());
      norms.push(await norm.item());
      loss.dispose();
      norm.dispose();
    }
    return { losses, norms, problems };
  } finally {
    optimizer?.dispose();
    for (const t of Object.values(model.stateDict())) t.dispose();
  }
}

export async function runGptCase(c: GoldenCase, ctx: CaseContext, file: GoldenFile): Promise<Mismatch[]> {
  ctx.trace.phase = 'compute';
  const r = await trainGptFromGolden(c, file.dir, ctx.backend, ctx.trace);
  ctx.trace.phase = 'check';
  if (r.problems.length > 0) return r.problems;
  const tol = toleranceOf(c);
  const failures: Mismatch[] = [];
  const want = ((c.lossBeforeStep ?? []) as unknown[]).map(decodeNumber);
  const m = compareValues('lossBeforeStep', r.losses, want, tol);
  if (m) failures.push(m);
  else ctx.stats.note(r.losses, want, tol);
  const wantNorms = ((c.gradNormBeforeClip ?? []) as unknown[]).map(decodeNumber);
  if (wantNorms.length > 0) {
    const mm = compareValues('gradNormBeforeClip', r.norms, wantNorms, tol);
    if (mm) failures.push(mm);
  }
  return failures;
}
