import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { addCase, goldenDir } from './fixtures.js';

// The built CLI, as users run it (the repo's `npm test` builds before testing).
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(...args: string[]) {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npx turbo run build first`);
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, out: r.stdout, last: lines[lines.length - 1] };
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

test('the CLI counts a backend that cannot start as skipped with its reason, writes --json and --report, and exits 0 when nothing failed', () => {
  const golden = goldenDir({ ops: { 'a.json': [addCase] } });
  const dir = goldenDir({});
  const r = run('--backend', 'cpu,nosuchbackend', '--golden', golden, '--json', `${dir}/r.json`, '--report', `${dir}/r.md`, '--filter', 'add/');
  expect(r.last).toBe('1 passed, 0 failed, 1 skipped');
  expect(r.code).toBe(0);
  expect(r.out).toContain('SKIP backend nosuchbackend: cannot load @tensile/backend-nosuchbackend');
  expect(JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')).passed).toBe(1);
  const md = readFileSync(`${dir}/r.md`, 'utf8');
  expect(md).toContain('| add | 1/1 (0) |');
  expect(md).toMatch(/\| add \| native \(\d+\) \|/);
  expect(md).toContain('**nosuchbackend** skipped');
});

test('the CLI rejects unknown flags with its usage', () => {
  const r = run('--backnd', 'cpu');
  expect(r.code).toBe(2);
});
