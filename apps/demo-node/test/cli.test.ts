import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn } from 'tensile';
import { afterAll, describe, expect, it } from 'vitest';
import { train, DEFAULT_CONFIG } from '../src/train.js';
import { DEFAULT_GPT_CONFIG } from '../src/gpt/train-gpt.js';
import { runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tensile-demo command line', () => {
  it('--help prints the usage and exits 0', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run demo -- \[options\]/);
    for (const flag of ['--backend', '--epochs', '--loss', '--seed', '--compare']) expect(r.stdout).toContain(flag);
  }, 150_000);

  it('a bad flag or value exits 2 with a message on stderr', () => {
    for (const [args, message] of [
      [['--bogus'], "Unknown option '--bogus'"],
      [['--epochs', '-3'], "Option '--epochs' argument is ambiguous"],
      [['--epochs=-3'], '--epochs: expected an integer'],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('--help');
      expect(r.stdout).toBe('');
    }
  }, 150_000);

  it('trains, reports, and saves weights that load back equal to the same run in this process', async () => {
    const out = join(dir, 'model.safetensors');
    const r = runCli(['--backend', 'cpu', '--epochs', '3', '--seed', '5', '--target', '0', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/epoch 3\/3 █+ loss \d\.\d{4} {2}acc +\d+\.\d\d%/);
    expect(r.stdout).toContain('Training loss per epoch:');
    expect(r.stdout).toMatch(/Time per epoch: \d+ ms on cpu/);
    expect(r.stdout).toMatch(/Test accuracy: \d+\.\d\d% on 1000 unseen points; target 0\.00%: reached\./);

    const loaded = await nn.loadSafetensorsFile(out);
    const same = await train({ ...DEFAULT_CONFIG, backend: 'cpu', epochs: 3, seed: 5 });
    const expected = same.model.stateDict();
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, t] of Object.entries(expected)) {
      expect(loaded[name]!.shape, name).toEqual(t.shape);
      expect(Array.from(loaded[name]!.dataSync()), name).toEqual(Array.from(t.dataSync()));
    }
  }, 150_000);

  it('--model gpt trains the tiny GPT: a bar and a sampled line per epoch, and the loss falls', () => {
    const r = runCli(['--model', 'gpt', '--backend', 'cpu', '--epochs', '3', '--steps', '6', '--seed', '1']);
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    const losses = [...r.stdout.matchAll(/^epoch (\d)\/3 █+ loss (\d+\.\d{4}) {2}\d+\.\d\ds$/gm)].map((m) => Number(m[2]));
    expect(losses).toHaveLength(3);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    const samples = [...r.stdout.matchAll(/^ {2}sample \(temperature 0\.8\): (".*")$/gm)].map((m) => JSON.parse(m[1]!) as string);
    expect(samples).toHaveLength(3);
    for (const s of samples) expect(s).toHaveLength(DEFAULT_GPT_CONFIG.sampleLength);
    expect(r.stdout).toMatch(/: it fell\.$/m);
  }, 150_000);

  it('a run that misses its accuracy target exits 1 and says so', () => {
    const r = runCli(['--backend', 'cpu', '--epochs', '1', '--target', '0.99', '--out', join(dir, 'missed.safetensors')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/target 99\.00%: MISSED\./);
  }, 150_000);

  it('--compare trains on each asked-for backend and prints the table', () => {
    const r = runCli(['--compare', '--backend', 'cpu,wasm', '--epochs', '2']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/backend +final loss +rel\. diff +test acc +time +per epoch/);
    expect(r.stdout).toMatch(/^cpu +\d\.\d+ +0\.0e\+0 /m);
    expect(r.stdout).toMatch(/^wasm +\d\.\d+ +\d\.\de[-+]\d+ /m);
    expect(r.stdout).toContain('The 2 backends agree.');
  }, 150_000);

  it('--compare with no list covers every backend it reports available, and passes only if all finish and agree', () => {
    const r = runCli(['--compare', '--epochs', '1']);
    const available = [...r.stdout.matchAll(/^ {2}✓ (\w+)/gm)].map((m) => m[1]!);
    expect(available).toContain('cpu');
    for (const name of available) expect(r.stdout).toMatch(new RegExp(`^${name} +(\\d\\.\\d+|failed)`, 'm'));
    const failed = /^\w+ +failed/m.test(r.stdout);
    expect(r.code).toBe(failed ? 1 : 0);
    if (failed) expect(r.stdout).toContain('FAILED: a backend that started could not finish the run.');
  }, 150_000);
});
