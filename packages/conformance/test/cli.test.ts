import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { addCase, goldenDir } from './fixtures.js';

// The built CLI, as users run it (the repo's `npm test` builds before testing).
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(...args: string[]) {
  return runWith({}, ...args);
}

function runWith(env: Record<string, string>, ...args: string[]) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npx turbo run build first`);
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, out: r.stdout, lines, last: lines[lines.length - 1] };
}

test('the CLI prints each failure, ends with "N passed, N failed" and exits non-zero on a failure', () => {
  const wrong = { ...structuredClone(addCase), id: 'add/wrong' };
  wrong.output.data[0] = 7;
  const golden = goldenDir({ ops: { 'a.json': [addCase, wrong] } });
  const r = run('--backend', 'cpu', '--golden', golden, '--no-differential');
  expect(r.last).toBe('1 passed, 1 failed');
  expect(r.code).toBe(1);
  expect(r.out).toContain('FAIL add/wrong [cpu]');
  expect(r.out).toMatch(/output: max abs error .* first mismatch at index 0: got 2, want 7/);
});

test('the CLI fails a named backend that cannot start, writes --json and --report, and prints one line per set before the total', () => {
  const golden = goldenDir({ ops: { 'a.json': [addCase] } });
  const dir = goldenDir({});
  const r = run('--backend', 'cpu,nosuchbackend', '--golden', golden, '--json', `${dir}/r.json`, '--report', `${dir}/r.md`, '--filter', 'add/');
  expect(r.code).toBe(1);
  expect(r.out).toContain('FAIL backend nosuchbackend cannot start: cannot load @tensile/backend-nosuchbackend');
  expect(r.lines.slice(-4)).toEqual(['backends: cpu', `${golden}: 1 passed, 0 failed`, 'randomized (differential, fused, leak): 0 passed, 0 failed', '1 passed, 1 failed']);
  expect(JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')).passed).toBe(1);
  const md = readFileSync(`${dir}/r.md`, 'utf8');
  expect(md).toContain('| add | 1/1 (0) |');
  expect(md).toMatch(/\| add \| native \(\d+\) \|/);
  expect(md).toContain('**nosuchbackend** failed to start');
});

test('under --backend all, a backend that cannot start here is skipped with its reason, and the run passes', () => {
  const golden = goldenDir({ ops: { 'a.json': [addCase] } });
  // Dawn has no Direct3D backend on Linux: webgpu cannot get an adapter.
  const r = runWith({ TENSILE_WEBGPU_DAWN: 'backend=d3d12' }, '--backend', 'all', '--golden', golden, '--no-differential');
  expect(r.out).toMatch(/^SKIP backend webgpu: /m);
  expect(r.code).toBe(0);
  expect(r.last).toMatch(/^\d+ passed, 0 failed, 1 skipped$/);
});

test('several golden sets run in one go, each with its own summary line', () => {
  const one = goldenDir({ ops: { 'a.json': [addCase] } });
  const two = goldenDir({ ops: { 'b.json': [addCase] } });
  const r = run('--golden', one, '--golden', two, '--no-differential');
  expect(r.lines.slice(-3)).toEqual([`${one}: 1 passed, 0 failed`, `${two}: 1 passed, 0 failed`, '2 passed, 0 failed']);
});

test('the CLI rejects unknown flags with its usage', () => {
  const r = run('--backnd', 'cpu');
  expect(r.code).toBe(2);
});
