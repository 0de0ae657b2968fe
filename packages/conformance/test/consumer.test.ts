import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// What a user gets from npm: every public package packed (`npm pack`, which runs
// prepack, so native carries its C kernel sources and its prebuilt linux-x64 addon),
// the tarballs installed into a blank project outside the workspace with install
// scripts on and every compiler made to fail (native must load its prebuilt binary),
// then that project type-checked strictly against the shipped .d.ts and run. The web
// packages also go into a blank Vite project, built and loaded in Chromium; publint and
// attw check every tarball.

const packages = fileURLToPath(new URL('../../', import.meta.url));
const PUBLIC = ['core', 'backend-cpu', 'backend-wasm', 'backend-webgpu', 'backend-native', 'nn', 'optim', 'conformance', 'tensile'];
const nameOf = (dir: string) => (JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as { name: string }).name;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const scratch = mkdtempSync(join(tmpdir(), 'tensile-consumer-'));
const app = join(scratch, 'app');
// cc, c++, gcc, g++, clang, clang++ and make that fail, first on PATH: nothing may compile.
const noCompilers = join(scratch, 'no-compilers');
const withoutCompilers = { ...process.env, PATH: `${noCompilers}:${process.env.PATH}` };
const tarballFiles: string[] = [];
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
    tarballFiles.push(join(tarballs, f));
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

const bin = (name: string) => join(packages, '../node_modules/.bin', name);

/** Runs a command without blocking (so several run at once); resolves with its exit status and output. */
function run(cmd: string, args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 16 << 20 }, (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }));
  });
}

test('publint and attw (profile esm-only: every package is ES modules, with a default condition) find no error in any tarball', async () => {
  expect(tarballFiles).toHaveLength(PUBLIC.length);
  const checks = tarballFiles.flatMap((tarball) => [
    ['publint', tarball, [bin('publint'), ['run', tarball]]],
    ['attw', tarball, [bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii']]],
  ] as [string, string, [string, string[]]][]);
  const failures: string[] = [];
  // Four at a time: attw loads TypeScript for each tarball.
  const queue = [...checks];
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const [tool, tarball, [cmd, args]] = c;
      const r = await run(cmd, args);
      if (r.status !== 0 || (tool === 'publint' && /Errors:/.test(r.output))) failures.push(`${tool} ${tarball} (exit ${r.status}):\n${r.output}`);
    }
  }));
  expect(failures).toEqual([]);
}, 300_000);

// A blank Vite project outside the workspace (vite from the registry, ours from the tarballs):
// a tiny app (tensor + MSELoss) and one that keeps the whole umbrella, built and run in Chromium.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB = ['core', 'backend-cpu', 'nn', 'optim', 'tensile'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

describe('a blank Vite project', () => {
  const viteApp = join(scratch, 'vite-app');
  const sizes: Record<string, number> = {};

  beforeAll(() => {
    const root = JSON.parse(readFileSync(join(packages, '../package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const dependencies = Object.fromEntries(WEB.map((p) => [nameOf(p), own.dependencies[nameOf(p)]!]));
    mkdirSync(viteApp);
    writeFileSync(join(viteApp, 'package.json'), JSON.stringify({ name: 'blank-vite', private: true, type: 'module', dependencies, devDependencies: { vite: root.devDependencies.vite } }, null, 2));
    cpSync(fileURLToPath(new URL('./consumer/vite', import.meta.url)), viteApp, { recursive: true });
    npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], viteApp, withoutCompilers);
  }, 300_000);

  test.each(['tiny', 'full'])('vite build of the %s app succeeds; its gzip size is reported', (name) => {
    execFileSync(process.execPath, [join(viteApp, 'node_modules/vite/bin/vite.js'), 'build', name, '--logLevel', 'error'], { cwd: viteApp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const assets = join(viteApp, name, 'dist/assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    sizes[name] = js.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f))).length, 0);
    console.info(`vite ${name} app: ${(sizes[name] / 1000).toFixed(1)} kB gzip`);
  }, 120_000);

  test('tree-shaking works: tensor + MSELoss leaves out what the whole umbrella keeps', () => {
    expect(sizes.tiny).toBeGreaterThan(0);
    expect(sizes.tiny!).toBeLessThan(0.85 * sizes.full!);
  });

  test.skipIf(!existsSync(CHROMIUM))('both built apps run in headless Chromium with no console error, and compute', async () => {
    // Vite's build uses absolute /assets/ paths: each app's dist is served as the site root in turn.
    let site = '';
    const server: Server = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x').pathname.replace(/\.\.+/g, '');
      const file = join(site, path.endsWith('/') ? `${path}index.html` : path);
      readFile(file).then(
        (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(404).end('not found'),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--no-first-run'] });
    try {
      const results: Record<string, unknown> = {};
      for (const name of ['tiny', 'full']) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
        page.on('pageerror', (e) => void errors.push(String(e)));
        site = join(viteApp, name, 'dist');
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        await page.waitForFunction(() => 'result' in window, undefined, { timeout: 30_000 });
        results[name] = await page.evaluate(() => (window as unknown as { result: unknown }).result);
        expect(errors, name).toEqual([]);
        await page.close();
      }
      // MSELoss of the tiny app's tensors, and its gradient 2 (output - target) / n.
      const output = [[0.2, 0.8], [0.6, 0.1]];
      const target = [[0, 1], [1, 0]];
      const tiny = results.tiny as { loss: number; grad: number[][] };
      const diffs = output.flatMap((row, i) => row.map((o, j) => o - target[i]![j]!));
      expect(tiny.loss).toBeCloseTo(diffs.reduce((s, d) => s + d * d, 0) / diffs.length, 6);
      tiny.grad.flat().forEach((g, k) => expect(g).toBeCloseTo((2 * diffs[k]!) / diffs.length, 6));
      const full = results.full as { backend: string; exports: number; losses: number[] };
      expect(full.backend).toBe('cpu');
      expect(full.exports).toBeGreaterThan(100);
      expect(full.losses).toHaveLength(20);
      expect(full.losses.at(-1)!).toBeLessThan(full.losses[0]! / 2);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
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
