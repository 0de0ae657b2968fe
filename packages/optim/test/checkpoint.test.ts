// Issue 21's checkpoints: the format round-trips every part, a resumed run in a
// fresh process (a child process) is the uninterrupted run, on every backend.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensile/backend-cpu';
import { manualSeed, tensor, ValueError } from '@tensile/core';
import * as nn from '@tensile/nn';
import * as optim from '@tensile/optim';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

const root = fileURLToPath(new URL('../../..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/resume-run.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tensile-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Result = Record<string, { losses: number[]; params: Record<string, number[]>; lr: number }>;
function run(backend: string, mode: string): { ok: true; result: Result } | { ok: false; reason: string } {
  const out = join(dir, `${backend}-${mode}.json`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', child, backend, mode, join(dir, `${backend}-ckpt.json`), out], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, EGL_PLATFORM: process.env.EGL_PLATFORM ?? 'surfaceless' },
  });
  if (r.status === 3) return { ok: false, reason: r.stdout.trim() };
  if (r.status !== 0) throw new Error(`resume-run ${backend} ${mode} failed (${r.status}): ${r.stderr}`);
  return { ok: true, result: (JSON.parse(readFileSync(out, 'utf8')) as { result: Result }).result };
}

/** Issue 21: bit-identical on cpu, wasm and native; within 1e-6 relative on webgpu. */
const BOUND: Record<string, number> = { cpu: 0, wasm: 0, native: 0, webgpu: 1e-6 };

for (const backend of ['cpu', 'wasm', 'native', 'webgpu'])
  describe(`resume on ${backend}`, () => {
    const full = run(backend, 'full');
    test.skipIf(!full.ok)(
      `20 steps, a checkpoint, 20 more in a fresh process = 40 uninterrupted steps (${BOUND[backend] === 0 ? 'bit-identical' : `within ${BOUND[backend]} relative`})${full.ok ? '' : ` (skipped: ${full.reason})`}`,
      { timeout: 600_000 },
      () => {
        const first = run(backend, 'first');
        const second = run(backend, 'second');
        if (!full.ok || !first.ok || !second.ok) throw new Error('a child run could not start the backend');
        const close = (got: number[], want: number[]) => {
          expect(got).toHaveLength(want.length);
          if (BOUND[backend] === 0) expect(got).toEqual(want);
          else got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(BOUND[backend]! * Math.abs(want[i]!) + 1e-12));
        };
        for (const [name, want] of Object.entries(full.result)) {
          close([...first.result[name]!.losses, ...second.result[name]!.losses], want.losses);
          for (const [k, v] of Object.entries(want.params)) close(second.result[name]!.params[k]!, v);
          expect(second.result[name]!.lr).toBe(want.lr);
          // The run trains: a resumed run that restarted from scratch would differ.
          expect(want.losses[39]!).toBeLessThan(want.losses[0]!);
          expect(second.result[name]!.losses[0]).not.toBe(first.result[name]!.losses[0]);
        }
      },
    );
  });

describe('the checkpoint format', () => {
  test('holds the parts under the documented names, in a safetensors file any reader opens', () => {
    const model = new nn.Linear(2, 1);
    const opt = new optim.Adam(model.parameters(), { lr: 0.1, weightDecay: 0.01 });
    const sched = new optim.lrScheduler.CosineAnnealingWarmRestarts(opt, { T0: 3 });
    model.forward(tensor([[1, 2]])).sum().backward();
    opt.step();
    sched.step();
    const bytes = optim.saveCheckpointSync({ model, optimizer: opt, scheduler: sched, extra: { epoch: 1, best: Infinity, w: tensor([1, 2]) } });
    const { tensors, metadata } = nn.decodeSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual(['extra.w', 'model.bias', 'model.weight', 'optimizer.state.0.exp_avg', 'optimizer.state.0.exp_avg_sq', 'optimizer.state.1.exp_avg', 'optimizer.state.1.exp_avg_sq']);
    const head = JSON.parse(metadata![optim.CHECKPOINT_KEY]!);
    expect(head.optimizer.param_groups[0].weight_decay).toBe(0.01);
    expect(head.optimizer.state['0'].step).toBe(1);
    expect(head.scheduler.state.T_0).toBe(3);
    expect(head.scheduler.state._last_lr).toEqual(sched.getLastLr());
    expect(head.extra.best).toEqual({ $float: 'inf' });

    const model2 = new nn.Linear(2, 1);
    const opt2 = new optim.Adam(model2.parameters(), { lr: 0.1 });
    const sched2 = new optim.lrScheduler.CosineAnnealingWarmRestarts(opt2, { T0: 3 });
    const { extra } = optim.loadCheckpoint(bytes, { model: model2, optimizer: opt2, scheduler: sched2 }) as { extra: { epoch: number; best: number; w: ReturnType<typeof tensor> } };
    expect(extra.epoch).toBe(1);
    expect(extra.best).toBe(Infinity);
    expect(extra.w.tolistSync()).toEqual([1, 2]);
    expect(model2.weight.tolistSync()).toEqual(model.weight.tolistSync());
    expect(opt2.paramGroups[0]!.weightDecay).toBe(0.01);
    expect(sched2.stateDict()).toEqual(sched.stateDict());
    expect((opt2.stateDict().state[0]!.expAvg as ReturnType<typeof tensor>).tolistSync()).toEqual((opt.stateDict().state[0]!.expAvg as ReturnType<typeof tensor>).tolistSync());
  });

  test('refuses a file that is not a checkpoint, or one of another optimizer, before anything changes', () => {
    const model = new nn.Linear(2, 1);
    const before = model.weight.tolistSync();
    expect(() => optim.loadCheckpoint(nn.encodeSafetensors({}), { model })).toThrow(/not a Tensile checkpoint/);
    const adam = new optim.Adam(model.parameters());
    const bytes = optim.saveCheckpointSync({ model: new nn.Linear(2, 1), optimizer: adam });
    expect(() => optim.loadCheckpoint(bytes, { model, optimizer: new optim.SGD(model.parameters(), { lr: 1 }) })).toThrow(ValueError);
    expect(model.weight.tolistSync()).toEqual(before);
    expect(() => optim.loadCheckpoint(bytes, { model: new nn.Linear(3, 1) })).toThrow(/size mismatch/);
  });

  test('LBFGS state loads back, and a wrongly shaped history is refused', () => {
    const x = tensor([1.5, -0.5], { requiresGrad: true });
    const lbfgs = new optim.LBFGS([x], { historySize: 3 });
    const bad = { state: { 0: { d: tensor([1, 2, 3]) } }, paramGroups: lbfgs.stateDict().paramGroups };
    expect(() => lbfgs.loadStateDict(bad as unknown as optim.OptimizerStateDict)).toThrow(/flat, of shape \[2\]/);
  });
});
