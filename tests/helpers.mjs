// Shared by the browser tests: a static server for dist/ and headless Chromium, with or
// without WebGPU (SwiftShader, a CPU implementation of a GPU).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { test as nodeTest } from 'node:test';
import { chromium } from 'playwright-core';

/** The most one browser test may take, unless it asks for more (`test(name, { timeout }, fn)`).
 * node's own --test-timeout times a whole file when files run in processes of their own (Node
 * 20), so each test carries its limit: one that hangs fails by name instead of running into
 * CI's limit unnamed, and the browsers it opened are closed so that its file can end. */
export const TEST_TIMEOUT_MS = 600_000;

/** The browsers open now (`launch`), closed by a test that runs out of time. */
const OPEN = new Set();

/** node:test's `test`, with the limit above. */
export function test(name, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  return nodeTest(name, { timeout: TEST_TIMEOUT_MS, ...options }, (t) => {
    t.signal.addEventListener('abort', () => { for (const b of OPEN) b.close().catch(() => {}); });
    return fn(t);
  });
}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// MINIMAX_DIST=folder serves another build (to compare two builds in one sitting).
export const DIST = process.env.MINIMAX_DIST ? path.resolve(process.env.MINIMAX_DIST) : path.join(ROOT, 'dist');
export const OUTPUT = path.join(ROOT, 'target', 'browser-tests');

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2' };

/** Serves `dir` (dist/) on a free loopback port. */
export async function serve(dir = DIST) {
  const DIST = dir;
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('dist/ is missing: run `cargo xtask dist` first');
  // The page's Content Security Policy (its meta tag) is sent as a header too, so that the
  // workers run under it as well.
  const csp = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8').match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)[1];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.join(DIST, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ''));
    if (file.endsWith(path.sep)) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404); return res.end('not found'); }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache',
        'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff',
        // The element embeds from another origin: its modules, wasm and data are fetched with CORS.
        'Access-Control-Allow-Origin': '*',
      });
      res.end(body);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** The `minimax` CLI built beside the page (`cargo xtask test` says where). */
export function minimaxBinary() {
  if (process.env.MINIMAX_BIN) return process.env.MINIMAX_BIN;
  return path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'release', 'minimax');
}

const BASE_FLAGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan', '--enable-unsafe-swiftshader'];

/** Debian's Chromium, headless, with WebGPU on SwiftShader unless `webgpu` is false. */
export async function launch({ webgpu = true, locale = 'en-US' } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'minimax-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...BASE_FLAGS, ...(webgpu ? WEBGPU_FLAGS : ['--disable-gpu'])],
    viewport: { width: 1400, height: 900 },
    locale,
  });
  const browser = {
    context,
    close: async () => {
      OPEN.delete(browser);
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  OPEN.add(browser);
  return browser;
}

/** Opens the app and waits for its first snapshot. Collects page errors and long tasks. */
export async function openApp(context, url, query = '') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A refusal the CSP reports only on the console (or from a worker) counts as a violation too.
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) refused.push(m.text()); });
  const foreign = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(url) && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u);
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`));
    window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); })
      .observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url + query);
  await page.waitForFunction(() => window.minimax && window.minimax.ready && window.minimax.latest, null, { timeout: 120_000 });
  // The service worker's first install downloads and caches every file: let it finish, so that
  // it does not compete with what a test measures.
  await page.evaluate(() => Promise.race([navigator.serviceWorker?.ready, new Promise((r) => setTimeout(r, 30_000))]));
  // Every test ends by checking these: nothing broke the Content Security Policy, and no
  // request left the origin.
  const clean = async () => {
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'CSP violations');
    assert.deepEqual(refused, [], 'CSP refusals on the console');
    assert.deepEqual(foreign, [], 'requests outside the origin');
  };
  return { page, errors, clean };
}

/** Plays until the snapshot's iteration reaches `iters`, then pauses; returns that snapshot. */
export async function trainUntil(page, iters, timeout = 300_000) {
  await page.evaluate(() => window.minimax.play());
  await page.waitForFunction((n) => window.minimax.latest.iter >= n, iters, { timeout, polling: 200 });
  await page.evaluate(() => window.minimax.pause());
  return page.evaluate(() => window.minimax.snapshot());
}

export function screenshotPath(name) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  return path.join(OUTPUT, name);
}
