// The installed app: the service worker precaches the page, which then reloads and trains
// offline; a new build is found, offered ("a new version is ready — reload") and taken.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, serve, launch, openApp, trainUntil, DIST, ROOT } from './helpers.mjs';

test('installable; after one visit the page reloads and trains offline; an update is offered and taken', async () => {
  // A copy of dist/, so that the test can publish a "new version" of it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minimax-pwa-'));
  fs.cpSync(DIST, dir, { recursive: true });
  const server = await serve(dir);
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
    const cdp = await browser.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, [], 'Chromium would not offer to install the app');
    const manifest = await cdp.send('Page.getAppManifest');
    assert.deepEqual(manifest.errors, []);

    // Offline: the page, its worker, the wasm and the styles come from the cache.
    await browser.context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => window.minimax && window.minimax.ready && window.minimax.latest, null, { timeout: 120_000 });
    const s = await trainUntil(page, 30);
    assert.ok(s.iter >= 30);
    await browser.context.setOffline(false);

    // A new version: one file changes and the build writes a new service worker.
    fs.appendFileSync(path.join(dir, 'www/page.css'), '\n/* a new version */\n');
    execFileSync('node', [path.join(ROOT, 'xtask/js/service-worker.mjs'), dir], { stdio: 'ignore' });
    await page.evaluate(() => window.minimaxServiceWorker.update());
    await page.waitForSelector('.update button', { timeout: 60_000 });
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.click('.update button')]);
    await page.waitForFunction(() => window.minimax && window.minimax.ready, null, { timeout: 120_000 });
    const css = await page.evaluate(() => fetch('www/page.css').then((r) => r.text()));
    assert.match(css, /a new version/);
    assert.equal(await page.locator('.update').count(), 0);
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
