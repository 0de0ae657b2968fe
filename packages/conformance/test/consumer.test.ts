import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// What a user gets from npm: every public package packed (`npm pack`, which runs
// prepack, so native carries its C kernel sources and its prebuilt linux-x64 addon),
// the tarballs installed into a blank project outside the workspace with install
// scripts on and every compiler made to fail (native must load its prebuilt binary),
// then that project type-checked strictly against the shipped .d.ts and run.

const packages = fileURLToPath(new URL('../../', import.meta.url));
const PUBLIC = ['core', 'backend-cpu', 'backend-wasm', 'backend-webgpu', 'backend-native', 'nn', 'optim', 'conformance', 'tensile'];
const nameOf = (dir: string) => (JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as { name: string }).name;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const scratch = mkdtempSync(join(tmpdir(), 'tensile-consumer-'));
const app = join(scratch, 'app');
// cc, c++, gcc, g++, clang, clang++ and make that fail, first on PATH: nothing may compile.
const noCompilers = join(scratch, 'no-compilers');
const withoutCompilers = { ...process.env, PATH: `${noCompilers}:${process.env.PATH}` };
const manifests = new Map<string, { name: string; private?: boolean; dependencies?: Record<string, string> }>();

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

beforeAll(() => {
  for (const p of PUBLIC) if (!existsSync(join(packages, p, 'dist/index.js'))) throw new Error(`packages/${p}/dist is missing: run npx turbo run build first`);
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs, { recursive: true });
  const dependencies: Record<string, string> = {};
  for (const p of PUBLIC) {
    const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', tarballs, join(packages, p)], scratch)) as { filename: string; files: { path: string }[] }[];
    dependencies[nameOf(p)] = `file:${join(tarballs, info!.filename.replace(/^@tensile\//, 'tensile-').replace('/', '-'))}`;
    if (p === 'backend-native') {
      const files = new Set(info!.files.map((f) => f.path));
      expect(files.has('kernels-c/include/tensile_kernels.h')).toBe(true);
      expect(files.has('kernels-c/src/matmul.c')).toBe(true);
      expect(files.has(`prebuilds/${process.platform}-${process.arch}/tensile_native.node`)).toBe(true);
    }
  }
  for (const f of readdirSync(tarballs)) {
    const m = JSON.parse(execFileSync('tar', ['xzOf', join(tarballs, f), 'package/package.json'], { encoding: 'utf8' }));
    manifests.set(m.name, m);
  }
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'blank', private: true, type: 'module', dependencies }, null, 2));
  mkdirSync(noCompilers);
  for (const tool of ['cc', 'c++', 'gcc', 'g++', 'clang', 'clang++', 'make'])
    writeFileSync(join(noCompilers, tool), `#!/bin/sh\necho "${tool} is disabled by the consumer test" >&2\nexit 1\n`, { mode: 0o755 });
  // node-addon-api and node-gyp come from the registry (or npm's cache); everything of ours from the tarballs.
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], app, withoutCompilers);
  copyFileSync(fileURLToPath(new URL('./consumer/program.ts', import.meta.url)), join(app, 'program.ts'));
}, 600_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test('no public package depends on a private one', () => {
  const privateNames = readdirSync(packages)
    .filter((d) => existsSync(join(packages, d, 'package.json')))
    .map((d) => JSON.parse(readFileSync(join(packages, d, 'package.json'), 'utf8')) as { name: string; private?: boolean })
    .filter((m) => m.private)
    .map((m) => m.name);
  expect(privateNames).toContain('@tensile/kernels-c');
  for (const m of manifests.values()) expect(Object.keys(m.dependencies ?? {}).filter((d) => privateNames.includes(d)), m.name).toEqual([]);
});

describe.each([
  ['bundler', 'esnext'],
  ['node16', 'node16'],
  ['nodenext', 'nodenext'],
])('the shipped .d.ts pass tsc --strict without skipLibCheck (moduleResolution %s)', (moduleResolution, module) => {
  test('a program over every package type-checks, model(x) included', () => {
    const config = join(app, `tsconfig.${moduleResolution}.json`);
    // target es2022 with its default lib and no @types/node: the .d.ts must name any lib they need.
    writeFileSync(config, JSON.stringify({ compilerOptions: { target: 'es2022', module, moduleResolution, strict: true, skipLibCheck: false, noEmit: true, types: [] }, files: ['program.ts'] }));
    const r = spawnSync(process.execPath, [tsc, '-p', config], { cwd: app, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});

test('every package works through require() too (Node >= 20.19 loads ES modules from CommonJS), and each tarball carries the LICENSE', () => {
  const names = PUBLIC.map(nameOf);
  writeFileSync(join(app, 'required.cjs'), [
    `for (const name of ${JSON.stringify(names)}) if (Object.keys(require(name)).length === 0) throw new Error(name + ' exported nothing');`,
    "const { tensor } = require('tensile');",
    'console.log(JSON.stringify(tensor([1, 2]).mul(3).tolistSync()));',
  ].join('\n'));
  const r = spawnSync(process.execPath, ['required.cjs'], { cwd: app, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout.trim()).toBe('[3,6]');
  const license = readFileSync(fileURLToPath(new URL('../../../LICENSE', import.meta.url)), 'utf8');
  for (const name of names) expect(readFileSync(join(app, 'node_modules', name, 'LICENSE'), 'utf8'), name).toBe(license);
});

function runScript(name: string, lines: string[]): { stdout: string; stderr: string; status: number | null } {
  writeFileSync(join(app, name), lines.join('\n'));
  return spawnSync(process.execPath, [name], { cwd: app, encoding: 'utf8', env: withoutCompilers });
}

const nativePackage = () => join(app, 'node_modules/@tensile/backend-native');

test('with every compiler failing, the install loads the prebuilt native addon shipped in the tarball, and it computes', () => {
  expect(existsSync(join(nativePackage(), 'build/Release/tensile_native.node'))).toBe(false);
  const r = runScript('native.mjs', [
    "import { tensor, matmul, getBackend, ready } from 'tensile';",
    "import { nativeInfo } from '@tensile/backend-native';",
    'await ready();',
    'const y = matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]]));',
    'console.log(JSON.stringify({ backend: getBackend(), device: y.device, info: nativeInfo(), y: y.tolistSync() }));',
  ]);
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { backend: string; device: string; info: { available: boolean; prebuilt: boolean }; y: number[][] };
  expect(out).toMatchObject({ backend: 'native', device: 'native', info: { available: true, prebuilt: true }, y: [[17], [39]] });
}, 120_000);

// Last in the file: it removes the installed prebuilt binary, as a platform without one has none.
test('where no binary loads and nothing compiles, ready() names the reason and the fix; with { fallback: "cpu" } it warns once and computes on cpu', () => {
  rmSync(join(nativePackage(), 'prebuilds'), { recursive: true, force: true });
  const install = spawnSync(process.execPath, ['scripts/build-addon.mjs', '--from-install'], { cwd: nativePackage(), encoding: 'utf8', env: withoutCompilers });
  expect(install.status).toBe(0);
  expect(install.stderr).toContain('the native addon was not built');
  const r = runScript('fallback.mjs', [
    "import { tensor, getBackend, ready } from 'tensile';",
    "import '@tensile/backend-native';",
    'const selected = getBackend();',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is the consumer script's own source text
    'const refused = await ready().then(() => null, (e) => `${e.name}: ${e.message}`);',
    "await ready({ fallback: 'cpu' });",
    "await ready('native', { fallback: 'cpu' });",
    'const y = tensor([1, 2]).add(1);',
    'console.log(JSON.stringify({ selected, refused, backend: getBackend(), device: y.device, y: y.tolistSync() }));',
  ]);
  const out = JSON.parse(r.stdout) as { selected: string; refused: string; backend: string; device: string; y: number[] };
  expect(out).toMatchObject({ selected: 'native', backend: 'cpu', device: 'cpu', y: [2, 3] });
  expect(out.refused).toMatch(/^DeviceError: ready: device "native" cannot start: the native addon failed to build: node-gyp rebuild failed/);
  expect(out.refused).toContain('build it with `npm rebuild @tensile/backend-native`');
  // One warning (the build's reason inside it may span lines).
  expect(r.stderr.match(/cannot start/g)).toHaveLength(1);
  expect(r.stderr).toMatch(/^tensile: device "native" cannot start \(the native addon failed to build: [\s\S]*\); using "cpu" instead\n$/);
}, 120_000);
