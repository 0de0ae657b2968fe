import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// A backend the suite has never heard of, in a project outside the workspace, built only from
// the public API (@tensile/core's registerBackend/registerKernel, @tensile/backend-cpu's
// registerCpuBackend for its kernels), run through the CLI as its author would run it.

const packages = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(packages, 'conformance', 'bin', 'tensile-conformance.js');

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'tensile-out-of-tree-'));
  mkdirSync(join(root, 'node_modules', '@tensile'), { recursive: true });
  for (const name of ['core', 'backend-cpu']) symlinkSync(join(packages, name), join(root, 'node_modules', '@tensile', name), 'dir');
  const backend = (name: string, extra: string) => {
    const dir = join(root, 'node_modules', name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', exports: './index.js' }));
    writeFileSync(
      join(dir, 'index.js'),
      `import { registerKernel } from '@tensile/core';
import { CpuBackend, registerCpuBackend } from '@tensile/backend-cpu';
registerCpuBackend({ backend: new CpuBackend('${name}'), select: true });
${extra}
`,
    );
  };
  backend('tiny-backend', '');
  // The same backend with one wrong kernel: exp 0.1% high, strides ignored (only contiguous inputs read right).
  backend(
    'tiny-backend-broken',
    `registerKernel('exp', 'tiny-backend-broken', (x, out) => {
  const n = out.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) out.storage.data[out.offset + i] = Math.exp(x.storage.data[x.offset + i]) * 1.001;
});`,
  );
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'stranger', private: true, type: 'module' }));
  return root;
}

function cli(cwd: string, ...args: string[]) {
  if (!existsSync(join(packages, 'conformance', 'dist', 'cli.js'))) throw new Error('build the conformance package first (npx turbo run build)');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = r.stdout.trim().split('\n');
  return { code: r.status, out: r.stdout + r.stderr, lines, last: lines[lines.length - 1]! };
}

test('an out-of-tree backend passes the whole suite (golden, differential, fused, leak, no-fallback) through --backend-module', () => {
  const root = project();
  const r = cli(root, '--backend-module', 'tiny-backend');
  expect(r.out).not.toMatch(/^FAIL/m);
  expect(r.code).toBe(0);
  // Without --backend it ran exactly the backends the module registered.
  expect(r.lines).toContain('backends: tiny-backend');
  expect(r.last).toMatch(/^\d+ passed, 0 failed$/);
  const randomized = r.lines.find((l) => l.startsWith('randomized'))!;
  expect(randomized).toMatch(/: [1-9]\d* passed, 0 failed$/);
  const packaged = /^packaged: (\d+) passed, 0 failed$/.exec(r.lines.find((l) => l.startsWith('packaged:'))!);
  expect(Number(packaged![1])).toBeGreaterThan(0);
}, 600_000);

test('its broken twin fails, and a path works as well as a package name', () => {
  const root = project();
  const r = cli(root, '--backend-module', './node_modules/tiny-backend-broken/index.js', '--filter', 'exp', '--no-differential');
  expect(r.code).toBe(1);
  expect(r.lines).toContain('backends: tiny-backend-broken');
  expect(r.out).toMatch(/^FAIL \S*exp\S* \[tiny-backend-broken\]/m);
  expect(r.last).toMatch(/^\d+ passed, [1-9]\d* failed$/);
}, 600_000);

test('a module that cannot be imported, or registers no backend, is an error, not an empty pass', () => {
  const root = project();
  writeFileSync(join(root, 'nothing.js'), 'export const x = 1;\n');
  const none = cli(root, '--backend-module', './nothing.js');
  expect(none.code).toBe(2);
  expect(none.out).toContain('registered no new backend');
  const missing = cli(root, '--backend-module', 'no-such-package-here');
  expect(missing.code).toBe(2);
  expect(missing.out).toContain('could not be imported');
});
