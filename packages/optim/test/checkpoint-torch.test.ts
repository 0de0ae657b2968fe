// Issue 21: checkpoints move between PyTorch and Tensile. The generator's checkpoints/
// files were written by PyTorch 1.13 after a few steps; Tensile loads them and follows
// PyTorch's next losses. A checkpoint Tensile writes is continued by PyTorch
// (tools/golden/continue_checkpoint.py) when /usr/bin/python3 can import torch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensile/backend-cpu';
import { manualSeed, type Tensor, tidy } from '@tensile/core';
import * as nn from '@tensile/nn';
import * as optim from '@tensile/optim';
import { beforeEach, describe, expect, test } from 'vitest';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

const golden = fileURLToPath(new URL('../../conformance/golden/checkpoints/', import.meta.url));
const script = fileURLToPath(new URL('../../../tools/golden/continue_checkpoint.py', import.meta.url));
const files = readdirSync(golden).filter((f) => f.endsWith('.safetensors')).sort();

interface Extra { layers: { type: string; inFeatures?: number; outFeatures?: number }[]; input: Tensor; target: Tensor; continuedLosses: number[] }
const OPT: Record<string, (ps: nn.Parameter[]) => optim.Optimizer> = { Adam: (ps) => new optim.Adam(ps), SGD: (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.5 }) };

function resume(bytes: Uint8Array) {
  const head = JSON.parse(nn.decodeSafetensors(bytes).metadata![optim.CHECKPOINT_KEY]!);
  const model = new nn.Sequential(
    ...(head.extra.layers as Extra['layers']).map((l) => (l.type === 'Linear' ? new nn.Linear(l.inFeatures!, l.outFeatures!, { dtype: 'float64' }) : new (nn as unknown as Record<string, new () => nn.Module>)[l.type]!())),
  );
  const opt = OPT[head.optimizer.type]!(model.parameters() as nn.Parameter[]);
  const S = optim.lrScheduler;
  const sched = head.scheduler.type === 'StepLR' ? new S.StepLR(opt, { stepSize: 1 }) : new S.CosineAnnealingLR(opt, { TMax: 1 });
  const { extra } = optim.loadCheckpoint(bytes, { model, optimizer: opt, scheduler: sched }) as { extra: Extra };
  const step = () => {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = new nn.MSELoss().forward(model.forward(extra.input) as Tensor, extra.target) as Tensor;
      l.backward();
      opt.step();
      return l.itemSync();
    });
    sched.step();
    return loss;
  };
  return { model, opt, sched, extra, step };
}

const rel = (got: number[], want: number[]) => Math.max(...got.map((g, i) => Math.abs(g - want[i]!) / Math.abs(want[i]!)));

const torchOk = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
const torchReason = torchOk.error ? `/usr/bin/python3 not runnable: ${torchOk.error.message}` : torchOk.status !== 0 ? '/usr/bin/python3 cannot import torch' : '';

describe.each(files)('%s', (file) => {
  test("a PyTorch-written checkpoint loads, and training follows PyTorch's losses within 1e-5 relative", () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
    const r = resume(readFileSync(join(golden, file)));
    const want = r.extra.continuedLosses;
    expect(want).toHaveLength(10);
    const got = want.map(() => r.step());
    expect(rel(got, want)).toBeLessThanOrEqual(1e-5);
  });

  test.skipIf(torchReason !== '')(`a Tensile-written checkpoint continues in PyTorch with Tensile's losses${torchReason ? ` (skipped: ${torchReason})` : ''}`, () => {
    const r = resume(readFileSync(join(golden, file)));
    for (let i = 0; i < 3; i++) r.step(); // Tensile trains on from PyTorch's checkpoint...
    const dir = mkdtempSync(join(tmpdir(), 'tensile-ckpt-'));
    try {
      const path = join(dir, 'tensile.safetensors');
      writeFileSync(path, optim.saveCheckpointSync({ model: r.model, optimizer: r.opt, scheduler: r.sched, extra: r.extra }));
      const mine = Array.from({ length: 5 }, () => r.step());
      const py = spawnSync('/usr/bin/python3', [script, path, '5'], { encoding: 'utf8', timeout: 120_000 });
      expect(py.status, py.stderr).toBe(0);
      const theirs = JSON.parse(py.stdout) as number[];
      expect(rel(theirs, mine)).toBeLessThanOrEqual(1e-5);
      // ...and PyTorch's continuation is PyTorch's own run: steps 4-8 after the checkpoint.
      expect(rel(theirs, r.extra.continuedLosses.slice(3, 8))).toBeLessThanOrEqual(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
