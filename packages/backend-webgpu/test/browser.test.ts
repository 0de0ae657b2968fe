// The backend in a real browser: ops and losses bundled into a page, run on
// WebGPU in headless Chromium (SwiftShader), compared with cpu in the page.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const ARGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--no-first-run', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader'];

interface Outcome {
  adapter: string | null;
  unavailable: string | null;
  checked: number;
  mismatches: string[];
}

let server: Server | undefined;
let close: (() => Promise<void>) | undefined;
afterAll(async () => {
  await close?.();
  server?.close();
});

it.skipIf(!haveChromium)(`webgpu ops and losses in headless Chromium${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM}; apt-get install -y chromium or set CHROMIUM_PATH)`}`, async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'tensile-webgpu-page-'));
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(new URL('./browser/page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    outfile: join(dir, 'page.js'),
    logLevel: 'error',
  });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="page.js"></script>');
  server = createServer((req, res) => {
    const name = req.url === '/' ? 'index.html' : req.url!.slice(1);
    readFile(join(dir, name)).then(
      (body) => res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  close = () => browser.close();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => void errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'tensileWebgpu' in window, undefined, { timeout: 30_000 });
  const outcome = await page.evaluate(() => (window as unknown as { tensileWebgpu: Promise<Outcome> }).tensileWebgpu);
  expect(errors).toEqual([]);
  if (outcome.unavailable !== null) {
    ctx.skip(`this Chromium gives no WebGPU adapter: ${outcome.unavailable}`);
    return;
  }
  console.info(`browser webgpu adapter: ${outcome.adapter}; ${outcome.checked} checks`);
  expect(outcome.mismatches).toEqual([]);
  expect(outcome.checked).toBeGreaterThan(15);
}, 120_000);
