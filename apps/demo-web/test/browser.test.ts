// The page in real headless Chromium: built, served from dist, loaded, used.
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const app = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`demo-web browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };

/** A static server for dist/ on localhost (a secure context, so WebGPU is exposed). */
function serve(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const BASE_ARGS = ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

interface Probe {
  name: string;
  available: boolean;
  reason?: string;
}

describe.skipIf(!haveChromium)('demo-web in headless Chromium', () => {
  let server: Server;
  let browser: import('playwright-core').Browser;
  let page: import('playwright-core').Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const { build } = await import('vite');
    await build({ root: app, logLevel: 'error', configFile: join(app, 'vite.config.ts') });
    server = await serve(join(app, 'dist'));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader'] });
    // A fresh profile for every run: playwright-core gives each context its own.
    page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    page.on('pageerror', (e) => void consoleErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => window.tensileDemo !== undefined, undefined, { timeout: 30_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('lists webgpu, wasm and cpu, each available exactly when this browser can run it', async () => {
    const probes = await page.evaluate(() => window.tensileDemo!.probes as Probe[]);
    console.info(`demo-web backends in this Chromium: ${probes.map((p) => (p.available ? p.name : `${p.name} (unavailable: ${p.reason})`)).join(', ')}`);
    expect(probes.map((p) => p.name)).toEqual(['webgpu', 'wasm', 'cpu']);
    expect(probes.find((p) => p.name === 'cpu')!.available).toBe(true);
    expect(probes.find((p) => p.name === 'wasm')!.available).toBe(true);
    // Asked of the browser directly: does it give a WebGPU adapter?
    const adapter = await page.evaluate(async () => ('gpu' in navigator ? (await (navigator as unknown as { gpu: { requestAdapter(): Promise<unknown> } }).gpu.requestAdapter()) !== null : false));
    const webgpu = probes.find((p) => p.name === 'webgpu')!;
    if (!webgpu.available) expect(webgpu.reason, 'an unavailable backend says why').toMatch(/\w/);
    expect(webgpu.available || !adapter, `webgpu has an adapter but the page calls it unavailable: ${webgpu.reason}`).toBe(true);
    // What the page shows matches.
    for (const p of probes) {
      const li = page.locator(`#backend-list li[data-backend=${p.name}]`);
      await expect(li.getAttribute('data-available')).resolves.toBe(String(p.available));
      if (!p.available) await expect(li.locator('.reason').textContent()).resolves.toBe(p.reason);
    }
  });

  it('the loss explorer computes every loss and its gradient on every available backend', async () => {
    const names = await page.$$eval('#loss-select option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(names).toHaveLength(21);
    const available = await page.evaluate(() => window.tensileDemo!.probes.filter((p) => p.available).map((p) => p.name));
    for (const backend of available) {
      await page.evaluate((b) => window.tensileDemo!.setBackend(b as never), backend);
      for (const name of names) {
        const r = await page.evaluate((n) => window.tensileDemo!.evaluateLoss(n as never), name);
        expect(r.loss.length, `${name} on ${backend}`).toBe(161);
        // Every loss here is finite over its range; so is its gradient (CTC's loss at x is -log sigmoid(x)).
        expect(r.loss.every(Number.isFinite), `${name} on ${backend}: loss`).toBe(true);
        expect(r.grad.every(Number.isFinite), `${name} on ${backend}: gradient`).toBe(true);
        expect(r.grad.some((g) => g !== 0), `${name} on ${backend}: gradient not all zero`).toBe(true);
      }
    }
  }, 90_000);

  it('training in the playground lowers the loss on each available backend, and the page stays responsive', async () => {
    const available = await page.evaluate(() => window.tensileDemo!.probes.filter((p) => p.available).map((p) => p.name));
    for (const backend of available) {
      await page.evaluate((b) => window.tensileDemo!.setBackend(b as never), backend);
      // WebGPU here is SwiftShader, a CPU emulation at about 0.5 s a step: it gets fewer steps.
      const steps = backend === 'webgpu' ? 20 : 150;
      const r = await page.evaluate(async (steps) => {
        const demo = window.tensileDemo!;
        const done = demo.startTraining();
        // Timers keep firing while it trains: the loop yields to the browser.
        let ticks = 0;
        const timer = setInterval(() => ticks++, 10);
        while (demo.playground.step < steps) await new Promise((res) => setTimeout(res, 20));
        demo.stopTraining();
        await done;
        clearInterval(timer);
        return { history: demo.playground.history.slice(), backend: demo.playground.backend, ticks, status: document.getElementById('pg-status')!.textContent };
      }, steps);
      expect(r.backend).toBe(backend);
      const first = r.history[0]!;
      const tail = r.history.slice(-Math.floor(r.history.length / 4));
      const last = tail.reduce((a, b) => a + b, 0) / tail.length;
      expect(r.history.length).toBeGreaterThanOrEqual(steps);
      expect(last, `${backend}: loss ${first} -> ${last}`).toBeLessThan(0.97 * first);
      expect(r.ticks).toBeGreaterThan(3);
      expect(r.status).toMatch(new RegExp(`Paused on ${backend}: step \\d+, loss \\d\\.\\d{4}\\.`));
    }
    const dir = join(app, 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'demo-web.png'), fullPage: true });
  }, 90_000);

  it('the tiny GPT trains in a worker: the loss falls, lines appear, the page stays responsive', async () => {
    // wasm, not the best backend: WebGPU on Chromium's software adapter takes seconds a step.
    const run = page.evaluate(() => window.tensileDemo!.startGpt({ epochs: 3, stepsPerEpoch: 5, seed: 1, backend: 'wasm' }));
    // The page's own thread answers while the worker trains.
    await page.waitForFunction(() => window.tensileDemo!.gpt.losses.length >= 1, undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => window.tensileDemo!.gpt.running)).toBe(true);
    await run;
    const gpt = await page.evaluate(() => window.tensileDemo!.gpt);
    console.info(`demo-web tiny GPT ran on ${gpt.backend}; epoch losses ${gpt.epochLosses.map((l) => l.toFixed(3)).join(', ')}`);
    expect(gpt.error).toBeNull();
    expect(gpt.backend).toBe('wasm');
    expect(gpt.losses).toHaveLength(15);
    expect(gpt.epochLosses).toHaveLength(3);
    expect(gpt.epochLosses[2]!).toBeLessThan(gpt.epochLosses[0]!);
    expect(gpt.samples.map((t) => t.length)).toEqual([60, 60, 60]);
    await expect(page.locator('#gpt-samples li').count()).resolves.toBe(3);
    await expect(page.locator('#gpt-status').textContent()).resolves.toMatch(/^Done on \w+: loss /);
  }, 60_000);

  it('logged no console errors', async () => {
    expect(await page.evaluate(() => window.tensileDemo!.errors)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('draws its plots sharp on a HiDPI screen: device pixels = CSS pixels x devicePixelRatio', async () => {
    const size = (p: import('playwright-core').Page) =>
      p.$$eval('canvas', (cs) => cs.map((c) => ({ id: c.id, width: c.width, height: c.height, css: [c.clientWidth, c.clientHeight], dpr: window.devicePixelRatio })));
    expect((await size(page)).map((c) => [c.width, c.height])).toEqual((await size(page)).map((c) => c.css));
    const hidpi = await browser.newPage({ viewport: { width: 1100, height: 1400 }, deviceScaleFactor: 2 });
    try {
      await hidpi.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await hidpi.waitForFunction(() => window.tensileDemo !== undefined, undefined, { timeout: 30_000 });
      await hidpi.waitForFunction(() => (document.getElementById('loss-plot') as HTMLCanvasElement).width > 420, undefined, { timeout: 30_000 });
      const plots = (await size(hidpi)).filter((c) => c.id === 'loss-plot' || c.id === 'grad-plot');
      expect(plots).toEqual([
        { id: 'loss-plot', width: 840, height: 520, css: [420, 260], dpr: 2 },
        { id: 'grad-plot', width: 840, height: 520, css: [420, 260], dpr: 2 },
      ]);
    } finally {
      await hidpi.close();
    }
  }, 60_000);

  it('without a GPU, shows webgpu unavailable with the reason and runs on wasm', async () => {
    const { chromium } = await import('playwright-core');
    const noGpu = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, '--disable-gpu', '--disable-features=WebGPU'] });
    try {
      const p = await noGpu.newPage();
      const errors: string[] = [];
      p.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      p.on('pageerror', (e) => void errors.push(String(e)));
      await p.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await p.waitForFunction(() => window.tensileDemo !== undefined, undefined, { timeout: 30_000 });
      const adapter = await p.evaluate(async () => ('gpu' in navigator ? (await (navigator as unknown as { gpu: { requestAdapter(): Promise<unknown> } }).gpu.requestAdapter()) !== null : false));
      expect(adapter, 'this launch was meant to have no WebGPU adapter').toBe(false);
      const webgpu = await p.evaluate(() => window.tensileDemo!.probes.find((q) => q.name === 'webgpu')!);
      expect(webgpu.available).toBe(false);
      await expect(p.locator('#backend-list li[data-backend=webgpu] .reason').textContent()).resolves.toMatch(/device "webgpu" cannot start: .*adapter/);
      await expect(p.locator('#backend-list input[value=webgpu]').isDisabled()).resolves.toBe(true);
      expect(await p.evaluate(() => window.tensileDemo!.backend)).toBe('wasm');
      expect(errors).toEqual([]);
    } finally {
      await noGpu.close();
    }
  }, 60_000);
});
