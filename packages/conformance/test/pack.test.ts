import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { readGolden, PACKAGED_GOLDEN } from '@tensile/conformance';

// What a user gets from npm: the conformance package's tarball (with its dependencies' tarballs)
// installed into a blank project outside the workspace, and its CLI run there on cpu.

const packages = fileURLToPath(new URL('../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tensile-conformance-pack-'));
const PACKS = ['core', 'backend-cpu', 'nn', 'optim', 'conformance'];

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('the packed suite carries the golden set, and its CLI passes on cpu in a blank project', () => {
  for (const p of PACKS) if (!existsSync(join(packages, p, 'dist/index.js'))) throw new Error(`packages/${p}/dist is missing: run npx turbo run build first`);
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  const listing = JSON.parse(npm(['pack', '--json', '--pack-destination', tarballs, join(packages, 'conformance')], scratch)) as { files: { path: string }[] }[];
  const packed = new Set(listing[0]!.files.map((f) => f.path));
  // Every golden file the package holds is in the tarball, and so is the CLI's entry.
  const goldenFiles = readGolden(PACKAGED_GOLDEN).files.map((f) => `golden/${f.file}`);
  expect(goldenFiles.length).toBeGreaterThan(0);
  expect(goldenFiles.filter((f) => !packed.has(f))).toEqual([]);
  expect(packed.has('golden/README.md')).toBe(true);
  expect(packed.has('bin/tensile-conformance.js')).toBe(true);
  for (const p of PACKS.slice(0, -1)) npm(['pack', '--pack-destination', tarballs, join(packages, p)], scratch);
  const tgz = (name: string) => join(tarballs, readdirSync(tarballs).find((f) => f.startsWith(`tensile-${name}-`))!);
  const app = join(scratch, 'app');
  mkdirSync(app);
  const dependencies = Object.fromEntries(PACKS.map((p) => [`@tensile/${p}`, `file:${tgz(p)}`]));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'blank', private: true, type: 'module', dependencies }));
  npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  // The test kit's subpath export resolves there and reads the packaged set.
  const kit = spawnSync('node', ['--input-type=module', '-e', "const k = await import('@tensile/conformance/testkit'); console.log(k.goldenCases('losses').length, k.GOLDEN_DIR.includes('node_modules'))"], { cwd: app, encoding: 'utf8', env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'TENSILE_GOLDEN')) });
  expect(kit.stderr).toBe('');
  expect(kit.stdout.trim()).toMatch(/^[1-9]\d* true$/);
  const r = spawnSync('npx', ['--no-install', 'tensile-conformance', '--backend', 'cpu'], { cwd: app, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = r.stdout.trim().split('\n');
  expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
  expect(r.status).toBe(0);
  expect(lines).toContain('backends: cpu');
  expect(lines.find((l) => l.startsWith('packaged:'))).toMatch(/^packaged: [1-9]\d* passed, 0 failed$/);
}, 600_000);
