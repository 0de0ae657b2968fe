// `tensile` on a page with a strict Content-Security-Policy (no 'unsafe-eval', only
// 'wasm-unsafe-eval'), in headless Chromium: it imports and trains a step with no violation.
import { existsSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const CSP = "script-src 'self' 'wasm-unsafe-eval'";

interface Outcome {
  backend: string;
  before: number;
  after: number;
  violations: string[];
  evalBlocked: string;
  wasm: { backend: string; y: number[] } | string;
}

const dir = mkdtempSync(join(tmpdir(), 'tensile-csp-page-'));
let server: Server | undefined;
let close: (() => Promise<void>) | undefined;
afterAll(async () => {
  await close?.();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

it.skipIf(!haveChromium)(
  `tensile imports and trains a step under CSP "${CSP}" with no violation${haveChromium ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`,
  async () => {
    const { build } = await import('esbuild');
    // The browser build of what ships: tensile and every @tensile package it pulls in, from source.
    await build({
      entryPoints: [fileURLToPath(new URL('./csp/page.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['source'],
      outfile: join(dir, 'page.js'),
      logLevel: 'error',
    });
    copyFileSync(fileURLToPath(new URL('./csp/listen.js', import.meta.url)), join(dir, 'listen.js'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><link rel="icon" href="data:,"><script src="listen.js"></script><script type="module" src="page.js"></script>',
    );
    server = createServer((req, res) => {
      const name = req.url === '/' ? 'index.html' : req.url!.slice(1);
      readFile(join(dir, name)).then(
        (body) =>
          res
            .writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html', 'content-security-policy': CSP })
            .end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    close = () => browser.close();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(
      () => 'tensileCsp' in window || (window as unknown as { cspViolations: string[] }).cspViolations.length > 0,
      undefined,
      { timeout: 30_000 },
    );
    const outcome = await page.evaluate(() => (window as unknown as { tensileCsp?: Promise<Outcome> }).tensileCsp ?? null);
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(outcome, `the page did not run: ${[...violations, ...errors].join('; ')}`).not.toBeNull();
    expect(outcome!.violations).toEqual([]);
    expect(outcome!.backend).toBe('cpu');
    expect(outcome!.after).toBeLessThan(outcome!.before);
    // 'wasm-unsafe-eval' is what the wasm backend needs on such a page, and all it needs.
    expect(outcome!.wasm).toEqual({ backend: 'wasm', y: [2, 4, 6] });
    // The control: the policy is in force on this page (a string compile is refused and reported).
    expect(outcome!.evalBlocked).toBe('EvalError');
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/^script-src/);
    expect(errors).toEqual([]);
  },
  120_000,
);
