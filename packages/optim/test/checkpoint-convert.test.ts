// Issue 21: tools/checkpoint/convert.py moves checkpoints between torch.save files and
// Tensile's safetensors + JSON format, both ways. Runs where /usr/bin/python3 can import
// torch; elsewhere each test is skipped with the reason.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensile/backend-cpu';
import { manualSeed, type Tensor, tensor, tidy } from '@tensile/core';
import * as nn from '@tensile/nn';
import * as optim from '@tensile/optim';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';

// Layers with random init and random inputs draw from the default generator: seeded, every run sees the same numbers.
beforeEach(() => {
  manualSeed(0);
});

const convert = fileURLToPath(new URL('../../../tools/checkpoint/convert.py', import.meta.url));
const torchOk = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
const torchReason = torchOk.error
  ? `/usr/bin/python3 not runnable: ${torchOk.error.message}`
  : torchOk.status !== 0
    ? '/usr/bin/python3 cannot import torch'
    : '';
const skipped = torchReason ? ` (skipped: ${torchReason})` : '';

const dir = mkdtempSync(join(tmpdir(), 'tensile-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(args: string[]): string {
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** The parts of a checkpoint that must survive a conversion: every tensor (dtype, shape, values) and the JSON head. */
function contents(bytes: Uint8Array) {
  const d = nn.decodeSafetensors(bytes);
  const tensors = Object.fromEntries(
    Object.entries(d.tensors).map(([k, t]) => [k, { dtype: t.dtype, shape: t.shape, data: Array.from(t.data as ArrayLike<number>) }]),
  );
  return { tensors, head: JSON.parse(d.metadata![optim.CHECKPOINT_KEY]!) as Record<string, unknown> };
}

// PyTorch trains a float64 Linear(3, 2) with SGD (momentum) and StepLR for 3 steps, torch.saves it,
// and prints what the checkpoint holds, every float as repr (exact in JSON).
const TORCH_RUN = `
import json, sys, torch
torch.manual_seed(0)
m = torch.nn.Linear(3, 2).double()
opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
x = torch.randn(5, 3, dtype=torch.float64)
y = torch.randn(5, 2, dtype=torch.float64)
for _ in range(3):
    opt.zero_grad()
    torch.nn.functional.mse_loss(m(x), y).backward()
    opt.step()
    sched.step()
torch.save({'model': m.state_dict(), 'optimizer': opt.state_dict(), 'scheduler': sched.state_dict(), 'epoch': 3}, sys.argv[1])
print(json.dumps({
    'weight': m.weight.flatten().tolist(), 'bias': m.bias.tolist(),
    'buffers': [opt.state[p]['momentum_buffer'].flatten().tolist() for p in m.parameters()],
    'lr': opt.param_groups[0]['lr'], 'lastEpoch': sched.last_epoch,
}))
`;

describe('tools/checkpoint/convert.py', () => {
  test.skipIf(torchReason !== '')(`to-tensile: a torch.save checkpoint loads in Tensile with PyTorch's exact values${skipped}`, () => {
    const pt = join(dir, 'torch.pt');
    const want = JSON.parse(python(['-c', TORCH_RUN, pt])) as {
      weight: number[];
      bias: number[];
      buffers: number[][];
      lr: number;
      lastEpoch: number;
    };
    const out = join(dir, 'from-torch.safetensors');
    python([convert, 'to-tensile', pt, out, '--optimizer', 'SGD', '--scheduler', 'StepLR']);
    const model = new nn.Linear(3, 2, { dtype: 'float64' });
    const opt = new optim.SGD(model.parameters(), { lr: 1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 });
    const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const { extra } = optim.loadCheckpoint(readFileSync(out), { model, optimizer: opt, scheduler: sched }) as { extra: { epoch: number } };
    expect(Array.from(model.weight.dataSync())).toEqual(want.weight);
    expect(Array.from(model.bias!.dataSync())).toEqual(want.bias);
    const params = model.parameters();
    expect(params.map((p) => Array.from((opt.state.get(p)!.momentumBuffer as Tensor).dataSync()))).toEqual(want.buffers);
    expect(opt.paramGroups[0]!.lr).toBe(want.lr);
    expect(sched.lastEpoch).toBe(want.lastEpoch);
    expect(extra).toEqual({ epoch: 3 });
    // The optimizer and scheduler class names are required: a state dict does not say which wrote it.
    const r = spawnSync('/usr/bin/python3', [convert, 'to-tensile', pt, join(dir, 'nameless.safetensors')], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--optimizer/);
  });

  test.skipIf(torchReason !== '')(
    `to-torch, then to-tensile: a Tensile checkpoint comes back equal, and PyTorch reads its parts${skipped}`,
    () => {
      const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Linear(3, 1));
      const opt = new optim.Adam(model.parameters(), { lr: 0.01, amsgrad: true, weightDecay: 0.001 });
      const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 2, gamma: 0.7 });
      const x = tensor([
        [1, 2, 3, 4],
        [0.5, -1, 0, 2],
      ]);
      const y = tensor([[1], [-1]]);
      for (let i = 0; i < 3; i++) {
        tidy(() => {
          opt.zeroGrad();
          (new nn.MSELoss().forward(model.forward(x) as Tensor, y) as Tensor).backward();
          opt.step();
        });
        sched.step();
      }
      const original = optim.saveCheckpointSync({
        model,
        optimizer: opt,
        scheduler: sched,
        extra: { epoch: 3, note: 'resume here', w: tensor([1, 2, 3]) },
      });
      const mine = join(dir, 'tensile.safetensors');
      writeFileSync(mine, original);
      const pt = join(dir, 'tensile.pt');
      python([convert, 'to-torch', mine, pt]);
      // PyTorch reads the .pt as a torch.save checkpoint: its parts, the class names, and state it can load.
      const seen = JSON.parse(
        python([
          '-c',
          `import json, sys, torch
ck = torch.load(sys.argv[1])
m = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
m.load_state_dict(ck['model'])
opt = torch.optim.Adam(m.parameters())
opt.load_state_dict(ck['optimizer'])
print(json.dumps({'keys': sorted(ck), 'optimizer_type': ck['optimizer_type'], 'scheduler_type': ck['scheduler_type'],
                  'amsgrad': opt.param_groups[0]['amsgrad'], 'last_epoch': ck['scheduler']['last_epoch'], 'w': ck['w'].tolist(),
                  'bias': m[2].bias.tolist()}))`,
          pt,
        ]),
      ) as Record<string, unknown>;
      expect(seen).toEqual({
        keys: ['epoch', 'model', 'note', 'optimizer', 'optimizer_type', 'scheduler', 'scheduler_type', 'w'],
        optimizer_type: 'Adam',
        scheduler_type: 'StepLR',
        amsgrad: true,
        last_epoch: 3,
        w: [1, 2, 3],
        bias: Array.from(model.parameters()[3]!.dataSync()),
      });
      const back = join(dir, 'back.safetensors');
      // The class names to-torch wrote come back without flags; a flag that disagrees is refused.
      python([convert, 'to-tensile', pt, back]);
      const r = spawnSync('/usr/bin/python3', [convert, 'to-tensile', pt, join(dir, 'wrong.safetensors'), '--optimizer', 'SGD'], {
        encoding: 'utf8',
      });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/--optimizer SGD disagrees with the checkpoint's optimizer_type Adam/);
      const again = readFileSync(back);
      expect(contents(again)).toEqual(contents(original));
      // And the round-tripped file resumes in Tensile exactly as the original does.
      const resume = (bytes: Uint8Array) => {
        const m = new nn.Sequential(new nn.Linear(4, 3), new nn.Tanh(), new nn.Linear(3, 1));
        const o = new optim.Adam(m.parameters(), { lr: 0.01, amsgrad: true, weightDecay: 0.001 });
        const s = new optim.lrScheduler.StepLR(o, { stepSize: 2, gamma: 0.7 });
        optim.loadCheckpoint(bytes, { model: m, optimizer: o, scheduler: s });
        return [0, 1].map(() =>
          tidy(() => {
            o.zeroGrad();
            const l = new nn.MSELoss().forward(m.forward(x) as Tensor, y) as Tensor;
            l.backward();
            o.step();
            s.step();
            return l.itemSync();
          }),
        );
      };
      expect(resume(again)).toEqual(resume(original));
    },
  );
});
