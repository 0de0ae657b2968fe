// Every case of the packaged golden losses/*.json on the cpu backend: the
// output, every gradient listed (after backward with the case's gradOutput),
// and every error case (one of our error classes, a message naming the loss,
// nothing changed).
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { type Tensor, TensileError, grad, memory, sub, tidy } from '@tensile/core';
import * as nn from '@tensile/nn';
import { decodeValue, expectTensorClose, type GoldenTensor, goldenFile, goldenTensor, listGolden } from '@tensile/conformance/testkit';

// What is live (peakBytes moves with every allocation, so it is not part of the comparison).
const liveOf = ({ tensors, bytes }: { tensors: number; bytes: number }) => ({ tensors, bytes });

const F = nn.functional;

interface TensorArg {
  name: string;
  tensor: GoldenTensor;
  requiresGrad: boolean;
}
const isTensor = (a: unknown): a is TensorArg => typeof a === 'object' && a !== null && 'tensor' in a;

/** The case's arguments: tensors uploaded (with requiresGrad as the file says), plain values (CTC's length lists) as given. */
function argsOf(c: LossCase): unknown[] {
  return c.args.map((a) => (isTensor(a) ? goldenTensor(a.tensor, { requiresGrad: a.requiresGrad }) : decodeValue(a)));
}
const tensorsOf = (args: unknown[]): Tensor[] => args.filter((a): a is Tensor => typeof a === 'object' && a !== null && 'dataSync' in a);
const argIndex = (c: LossCase, name: string) => c.args.findIndex((a) => isTensor(a) && a.name === name);

interface LossCase {
  id: string;
  loss: string;
  options: Record<string, unknown>;
  args: (TensorArg | unknown)[];
  gradOutput?: GoldenTensor;
  output?: GoldenTensor;
  grads?: Record<string, GoldenTensor>;
  error?: string;
  rtol?: number;
  atol?: number;
}

/** The functional name of each loss class, which error messages name (from the loss registry). */
const FUNCTIONAL: Record<string, string> = Object.fromEntries(nn.LOSS_SPECS.map((s) => [s.name, s.functional]));

/** The 'cosine' distance of the golden files, written as a user would: 1 - cosine similarity over the last dim. */
const cosineDistance = (x: Tensor, y: Tensor) => sub(1, F.cosineSimilarity(x, y, -1));

function buildOptions(c: LossCase): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.options)) {
    if (k === 'distanceFunction') {
      // 'pairwise' is PyTorch's default (no function given).
      if (v === 'cosine') out[k] = cosineDistance;
      else expect(v).toBe('pairwise');
    } else if (v !== null && typeof v === 'object' && 'tensor' in v) out[k] = goldenTensor((v as { tensor: GoldenTensor }).tensor);
    else out[k] = decodeValue(v);
  }
  return out;
}

type LossClass = new (options?: Record<string, unknown>) => (...args: unknown[]) => Tensor;

function run(c: LossCase, args: unknown[]): Tensor {
  const Loss = (nn as unknown as Record<string, LossClass>)[c.loss]!;
  return new Loss(buildOptions(c))(...args);
}

const files = listGolden('losses').filter((f) => f.endsWith('.json'));

test('there is a golden file for each of the 21 losses, and each class exists', () => {
  expect(Object.keys(FUNCTIONAL)).toHaveLength(21);
  expect(files.map((f) => f.replace('.json', '')).sort()).toEqual(Object.keys(FUNCTIONAL).sort());
  for (const [cls, fn] of Object.entries(FUNCTIONAL)) {
    expect(typeof (nn as unknown as Record<string, unknown>)[cls], cls).toBe('function');
    expect(typeof (F as unknown as Record<string, unknown>)[fn], fn).toBe('function');
  }
});

for (const file of files) {
  const { cases } = goldenFile<LossCase>('losses', file);
  describe(file.replace('.json', ''), () => {
    for (const c of cases) {
      test(c.id, () => {
        const args = argsOf(c);
        const tensors = tensorsOf(args);
        if (c.error !== undefined) {
          const before = tensors.map((t) => Array.from(t.dataSync()));
          const versions = tensors.map((t) => t.storage.version);
          let thrown: unknown = null;
          try {
            run(c, args);
          } catch (e) {
            thrown = e;
          }
          expect(thrown, `expected ${c.error}`).toBeInstanceOf(TensileError);
          const message = (thrown as Error).message;
          expect(message.includes(FUNCTIONAL[c.loss]!) || message.includes(c.loss), message).toBe(true);
          tensors.forEach((t, i) => {
            expect(Array.from(t.dataSync())).toEqual(before[i]);
            expect(t.storage.version).toBe(versions[i]);
            expect(t.grad).toBeNull();
          });
          return;
        }
        const out = run(c, args);
        expectTensorClose('output', out, c.output!, c.rtol, c.atol);
        const names = Object.keys(c.grads ?? {});
        if (names.length === 0) return;
        out.backward(goldenTensor(c.gradOutput!));
        for (const name of names) {
          expectTensorClose(`grad ${name}`, (args[argIndex(c, name)] as Tensor).grad, c.grads![name]!, c.rtol, c.atol);
        }
      });
    }
  });
}

describe('CTCLoss lengths as JS arrays', () => {
  const { cases } = goldenFile<LossCase>('losses', 'CTCLoss.json');
  for (const c of cases.filter((k) => k.error === undefined && k.args.slice(2).every(isTensor))) {
    test(c.id, () => {
      const args = argsOf(c) as Tensor[];
      const lengths = args.slice(2).map((t) => (t.ndim === 0 ? t.itemSync() : Array.from(t.dataSync())));
      const out = run(c, [args[0], args[1], ...lengths]);
      expectTensorClose('output', out, c.output!, c.rtol, c.atol);
      out.backward(goldenTensor(c.gradOutput!));
      expectTensorClose('grad log_probs', args[0]!.grad, c.grads!.log_probs!, c.rtol, c.atol);
    });
  }
});

describe('memory', () => {
  // The functional forms, so that no module keeps a weight buffer alive.
  type LossFunction = (...args: unknown[]) => Tensor;
  const functional = F as unknown as Record<string, LossFunction>;
  for (const file of files) {
    const { cases } = goldenFile<LossCase>('losses', file);
    test(`${file.replace('.json', '')}: forward and backward inside tidy leave memory() as it was, errors too`, () => {
      const before = memory();
      for (const c of cases)
        tidy(() => {
          const args = argsOf(c);
          const call = () => functional[FUNCTIONAL[c.loss]!]!(...args, buildOptions(c));
          if (c.error !== undefined) expect(call).toThrow();
          else if (Object.keys(c.grads ?? {}).length > 0) call().backward(goldenTensor(c.gradOutput!));
          else call();
        });
      expect(liveOf(memory())).toEqual(liveOf(before));
    });
  }
});

describe('second derivatives run for every loss', () => {
  // Exact values are checked against finite differences in double-backward.test.ts;
  // here every golden value case must survive a backward pass through its own backward.
  for (const file of files) {
    const { cases } = goldenFile<LossCase>('losses', file);
    test(file.replace('.json', ''), () => {
      for (const c of cases.filter((k) => k.error === undefined && Object.keys(k.grads ?? {}).length > 0)) {
        const args = argsOf(c);
        const wrt = args.filter((_, i) => (c.args[i] as TensorArg).requiresGrad) as Tensor[];
        const firsts = grad([run(c, args)], wrt, [goldenTensor(c.gradOutput!)], { createGraph: true, allowUnused: true });
        const live = firsts.filter((g): g is Tensor => g?.requiresGrad);
        if (live.length === 0) continue;
        const seconds = grad(live.map((g) => g.sum()), wrt, null, { allowUnused: true });
        expect(seconds.length, c.id).toBe(wrt.length);
      }
    });
  }
});
