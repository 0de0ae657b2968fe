import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * What a user gets from npm: the packed packages installed into a Vite app
 * outside the workspace, built and served, and the page run in headless
 * Chromium. Covers both Vite paths: the dev server (dependency pre-bundling,
 * which breaks `new URL('x.wasm', import.meta.url)` in dependencies) and the
 * production build.
 */
const packages = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const scratch = mkdtempSync(join(tmpdir(), 'tensile-wasm-vite-'));

const MAIN = `
import { wasmBackend } from '@tensile/backend-wasm';
import { ready, tensor, matmul, getBackend } from '@tensile/core';
ready('wasm').then(() => {
  const a = tensor([[1, 2], [3, 4]]);
  const y = matmul(a, a).add(1).exp().log();
  document.title = 'ok ' + getBackend() + ' ' + wasmBackend.isReady + ' ' + Array.from(y.dataSync()).join(',');
}, (e) => { document.title = 'failed ' + e.message; });
`;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function titleOf(url: string): Promise<string> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM!, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => document.title.startsWith('ok') || document.title.startsWith('failed'), undefined, { timeout: 30_000 });
    return errors.length ? `page errors: ${errors.join('; ')}` : await page.title();
  } finally {
    await browser.close();
  }
}

describe.skipIf(CHROMIUM === undefined)(`installed from npm into a Vite app${CHROMIUM === undefined ? ' (skipped: no Chromium found)' : ''}`, () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('loads and computes in Chromium, through the dev server and the production build', async () => {
    // Pack what npm would publish (dist must be built: `npx turbo run build` does it before the tests).
    for (const p of ['core', 'backend-wasm'])
      if (!existsSync(join(packages, p, 'dist/index.js'))) execFileSync('npx', ['tsup'], { cwd: join(packages, p), stdio: 'ignore' });
    const tarballs = join(scratch, 'tarballs');
    mkdirSync(tarballs);
    for (const p of ['core', 'backend-wasm']) npm(['pack', '--pack-destination', tarballs, join(packages, p)], scratch);
    const [core, wasm] = ['tensile-core-', 'tensile-backend-wasm-'].map((prefix) => join(tarballs, readdirSync(tarballs).find((f) => f.startsWith(prefix))!));
    const app = join(scratch, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: { '@tensile/core': `file:${core}`, '@tensile/backend-wasm': `file:${wasm}` } }));
    writeFileSync(join(app, 'index.html'), '<!doctype html><title>loading</title><script type="module" src="/main.js"></script>');
    writeFileSync(join(app, 'main.js'), MAIN);
    npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);

    // Vite from this workspace, pointed at the scratch app (which has only the two tarballs installed).
    const vite = await import('vite');
    const want = `ok wasm true ${[8, 11, 16, 23].join(',')}`;
    const dev = await vite.createServer({ root: app, logLevel: 'silent', server: { port: 0 }, configFile: false });
    await dev.listen();
    try {
      expect(await titleOf(dev.resolvedUrls!.local[0]!)).toBe(want);
    } finally {
      await dev.close();
    }
    await vite.build({ root: app, logLevel: 'silent', configFile: false });
    const preview = await vite.preview({ root: app, logLevel: 'silent', preview: { port: 0 }, configFile: false });
    try {
      expect(await titleOf(preview.resolvedUrls!.local[0]!)).toBe(want);
    } finally {
      await new Promise<void>((r) => preview.httpServer.close(() => r()));
    }
  }, 240_000);
});
