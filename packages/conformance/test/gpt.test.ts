// Issue 18's proof by a real model: the character-level GPTs of models/gpt.ts, trained from
// PyTorch's initial weights on PyTorch's batches, follow PyTorch's float64 losses for 50 steps
// on every backend this machine can start (the same runs the conformance CLI checks as
// training/gpt_char_sdpa and training/gpt_char_encoder_layer, here with the per-backend bounds
// of the issue and the time they take). The second is the same model built from
// nn.TransformerEncoderLayer with a causal mask, from the same text, batches and (renamed) weights.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import '@tensile/backend-cpu';
import { decodeNumber, KNOWN_BACKENDS, PACKAGED_GOLDEN, readGolden, startBackend, trainGptFromGolden, withLeakCheck } from '@tensile/conformance';

const golden = readGolden(PACKAGED_GOLDEN);
const fileOf = (id: string) => golden.files.find((f) => f.file === `training/${id}.json`)!;
/** Issue 18: 1e-5 relative on cpu, wasm and native; 1e-4 on webgpu (WGSL's exp and log are not correctly rounded). */
const BOUND: Record<string, number> = { cpu: 1e-5, wasm: 1e-5, native: 1e-5, webgpu: 1e-4 };
const worst = (got: number[], ref: number[]) => Math.max(...got.map((g, i) => Math.abs(g - ref[i]!) / Math.abs(ref[i]!)));
const RUNS = [
  { id: 'gpt_char_sdpa', block: 'sdpa' },
  { id: 'gpt_char_encoder_layer', block: 'TransformerEncoderLayer' },
] as const;

test('the encoder-layer run is the sdpa run rebuilt: same text, batches and losses, weights renamed', () => {
  const [a, b] = RUNS.map(({ id }) => fileOf(id).cases[0]!) as [Record<string, unknown>, Record<string, unknown>];
  expect(b.data).toEqual(a.data);
  const la = (a.lossBeforeStep as unknown[]).map(decodeNumber);
  const lb = (b.lossBeforeStep as unknown[]).map(decodeNumber);
  expect(worst(lb, la)).toBeLessThan(1e-9);
  expect((b.model as { options: unknown }).options).toEqual((a.model as { options: unknown }).options);
});

for (const { id, block } of RUNS) {
  const file = fileOf(id);
  const run = file.cases[0]!;
  const want = (run.lossBeforeStep as unknown[]).map(decodeNumber);
  const wantNorms = (run.gradNormBeforeClip as unknown[]).map(decodeNumber);

  describe(id, () => {
    test('the golden run is the one described: 50 steps, the loss goes down, the weights file sits beside it', () => {
      expect(run.steps).toBe(50);
      expect((run.model as { block: string }).block).toBe(block);
      expect(want).toHaveLength(50);
      expect(want[49]!).toBeLessThan(want[0]! - 0.5);
      expect(join(file.dir, String((run.model as { weights: string }).weights))).toMatch(new RegExp(`${id}\\.safetensors$`));
    });

    for (const backend of KNOWN_BACKENDS)
      describe(backend, async () => {
        const started = await startBackend(backend);
        test.skipIf(!started.ok)(`follows PyTorch's losses for 50 steps within ${BOUND[backend]} relative${started.ok ? '' : ` (skipped: ${started.reason})`}`, { timeout: 600_000 }, async () => {
          const t0 = performance.now();
          // In an async tidy scope, as the suite runs every case: the model, the optimizer state and every step's temporaries are freed.
          const { value: r, leak } = await withLeakCheck(backend, () => trainGptFromGolden(run, file.dir, backend));
          const seconds = (performance.now() - t0) / 1000;
          expect(r.problems).toEqual([]);
          const lossDev = worst(r.losses, want);
          const normDev = worst(r.norms, wantNorms);
          console.log(`${id} ${backend}: max relative loss deviation ${lossDev.toExponential(2)}, grad norm ${normDev.toExponential(2)}, ${seconds.toFixed(1)} s for 50 steps`);
          expect(lossDev).toBeLessThanOrEqual(BOUND[backend]!);
          expect(leak).toBeNull();
        });
      });
  });
}
