// What a browser tab throws at the page: markup in the URL, odd values, oversized models,
// corrupt files, a panic inside the engine, a diverging run, a lost GPU, impatient clicking.
// Each case must end with a message, the session alive, and nothing lost.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { test, serve, launch, openApp, trainUntil, screenshotPath, minimaxBinary } from './helpers.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

const shadow = (page, sel, prop = 'textContent') => page.evaluate(([s, p]) => window.minimax.shadowRoot.querySelector(s)?.[p], [sel, prop]);
const waitShown = (page, sel, timeout = 60_000) => page.waitForFunction((s) => !window.minimax.shadowRoot.querySelector(s).hidden, sel, { timeout });

test('markup in URL parameters never becomes HTML', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const evil = encodeURIComponent('"><img src=x onerror="window.__pwned=1">');
    const { page, errors, clean } = await openApp(browser.context, server.url, `?chrome=${evil}&preset=${evil}&lang=${evil}&backend=${evil}&${evil}=1`);
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.evaluate(() => window.minimax.shadowRoot.querySelectorAll('img').length), 0);
    assert.equal(await shadow(page, '.app', 'dataset').then(() => page.evaluate(() => window.minimax.shadowRoot.querySelector('.app').dataset.chrome)), 'full');
    // The unknown option is refused by name, and the preset runs.
    await waitShown(page, '.error');
    assert.match(await shadow(page, '.error'), /unknown option/i);
    const s = await trainUntil(page, 5);
    assert.ok(s.iter >= 5);
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('a browser language that Intl refuses (a Chromium under LANG=C reports en-US@posix): the page still opens, in English, and trains', async () => {
  const browser = await launch({ webgpu: false, locale: 'en-US@posix' });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url);
    const s = await trainUntil(page, 5);
    assert.ok(s.iter >= 5);
    assert.equal(await page.evaluate(() => navigator.language), 'en-US');
    assert.equal(await page.evaluate(() => window.minimax.shadowRoot.querySelector('select.lang').value), 'en');
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('odd values: points that are not a list, an oversized model, another experiment; each is refused by name and the session goes on', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?dataset=points&points=5&backend=flex');
    await waitShown(page, '.error');
    assert.match(await shadow(page, '.error'), /points/);
    const big = await page.evaluate(() => window.minimax.configure({ generators: 16, g_hidden: 4096, g_layers: 8 }).then(() => 'accepted', (e) => e.message));
    assert.match(big, /MiB/);
    assert.match(big, /g_hidden/);
    // The classifier experiment is the CLI's: the page says so and keeps its GAN.
    const other = await page.evaluate(() => window.minimax.configure({ experiment: 'classifier', dataset: 'mnist' }).then(() => 'accepted', (e) => e.message));
    assert.match(other, /classifier.*CLI/);
    // A VAE runs only beside a GAN, never as the element's own game.
    const vae = await page.evaluate(() => window.minimax.configure({ experiment: 'vae', dataset: 'mnist', model: 'dcgan' }).then(() => 'accepted', (e) => e.message));
    assert.match(vae, /experiment = vae/);
    const s = await trainUntil(page, 10);
    assert.ok(s.iter >= 10);
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('a corrupt checkpoint upload is refused with a message; the run goes on untouched', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex');
    const before = await trainUntil(page, 20);
    const junk = Buffer.alloc(600, 7);
    junk.write('MINIMAX\0', 0, 'latin1');
    await page.locator('minimax-gan .load-checkpoint').setInputFiles({ name: 'bad.ckpt', mimeType: 'application/octet-stream', buffer: junk });
    await waitShown(page, '.error');
    assert.match(await shadow(page, '.error'), /checkpoint/i);
    const after = await page.evaluate(() => window.minimax.snapshot());
    assert.equal(after.iter, before.iter, 'the session was replaced');
    // A good checkpoint goes in through the same button and the run continues from it.
    const good = await page.evaluate(async () => Array.from((await window.minimax.checkpoint()).bytes));
    await trainUntil(page, before.iter + 10);
    await page.locator('minimax-gan .load-checkpoint').setInputFiles({ name: 'good.ckpt', mimeType: 'application/octet-stream', buffer: Buffer.from(good) });
    await page.waitForFunction((n) => window.minimax.latest.iter === n, before.iter, { timeout: 30_000 });
    // A checkpoint of another experiment (the shipped VAE's) is refused whole: this is a GAN.
    const vae = await page.evaluate(async () => {
      const bytes = await (await fetch('pretrained/mnist-vae.ckpt')).arrayBuffer();
      return window.minimax.restore(bytes).then(() => 'accepted', (e) => e.message);
    });
    assert.match(vae, /checkpoint is of a VAE/);
    assert.equal((await page.evaluate(() => window.minimax.snapshot())).iter, before.iter);
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('crafted checkpoints (a shared parameter id, f64, f16 or quantized weights, NaN, inf, huge counters) and an oversized file are refused by name; the run goes on untouched', async () => {
  const browser = await launch({ webgpu: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minimax-hostile-'));
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex');
    const before = await trainUntil(page, 20);
    // The page's own checkpoint, broken in each way by the CLI (the core's crate::hostile).
    const genuine = await page.evaluate(async () => Array.from((await window.minimax.checkpoint()).bytes));
    fs.writeFileSync(path.join(dir, 'genuine.ckpt'), Buffer.from(genuine));
    const listed = execFileSync(minimaxBinary(), ['hostile', path.join(dir, 'genuine.ckpt'), path.join(dir, 'out')], { encoding: 'utf8' });
    const cases = listed.trim().split('\n').map((l) => l.split('\t'));
    assert.equal(cases.length, 8, listed);
    for (const [file, refusal] of cases) {
      const name = path.basename(file);
      await page.evaluate(() => { window.minimax.shadowRoot.querySelector('.error').hidden = true; });
      await page.locator('minimax-gan .load-checkpoint').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: fs.readFileSync(file) });
      await waitShown(page, '.error');
      const shown = await shadow(page, '.error');
      assert.ok(shown.includes(refusal), `${name}: ${shown}`);
      assert.equal((await page.evaluate(() => window.minimax.snapshot())).iter, before.iter, `${name} replaced the session`);
    }
    // A file larger than any checkpoint the budget allows is refused by its size, unread.
    const max = await page.evaluate(() => window.minimax.schema.budget.checkpoint_bytes);
    const big = path.join(dir, 'big.ckpt');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, max + 1);
    await page.evaluate(() => { window.minimax.shadowRoot.querySelector('.error').hidden = true; });
    await page.locator('minimax-gan .load-checkpoint').setInputFiles(big);
    await waitShown(page, '.error');
    assert.match(await shadow(page, '.error'), /larger than any checkpoint/);
    await page.screenshot({ path: screenshotPath('page-oversized-checkpoint.png') });
    const after = await trainUntil(page, before.iter + 5);
    assert.ok(after.iter >= before.iter + 5);
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a panic inside the engine restarts it from the last checkpoint and says so', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex');
    const s = await trainUntil(page, 300);
    const refused = await page.evaluate(() => window.minimax.fault('panic').then(() => 'answered', (e) => e.message));
    assert.match(refused, /panic|stopped|internal/i);
    await page.waitForFunction(() => /restarted from iteration/.test(window.minimax.shadowRoot.querySelector('.notice').textContent), null, { timeout: 60_000 });
    const notice = await shadow(page, '.notice');
    const from = Number(notice.match(/iteration (\d+)/)[1]);
    assert.equal(from, s.iter, `the pause kept iteration ${s.iter}: ${notice}`);
    const again = await trainUntil(page, s.iter + 20);
    assert.ok(again.iter >= s.iter + 20);
    await page.screenshot({ path: screenshotPath('page-after-panic.png') });
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('a diverging run (SGD, learning rate 10) rolls back to its last good state, pauses and names what diverged', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex&optimizer=sgd&lr=10');
    await page.evaluate(() => window.minimax.play());
    await page.waitForFunction(() => /went back to iteration/.test(window.minimax.shadowRoot.querySelector('.notice').textContent), null, { timeout: 60_000 });
    const notice = await shadow(page, '.notice');
    assert.match(notice, /not a finite number/);
    assert.equal(await page.evaluate(() => window.minimax.playing), false);
    const s = await page.evaluate(() => window.minimax.snapshot());
    for (const k of ['d_loss', 'g_loss', 'd_real', 'd_fake']) assert.ok(Number.isFinite(s[k]), `${k} = ${s[k]}`);
    assert.equal(s.iter, Number(notice.match(/iteration (\d+)/)[1]));
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('play, pause and play again in a hurry: one loop, and pause means paused', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex');
    const r = await page.evaluate(async () => {
      const el = window.minimax;
      el.play(); el.pause(); el.play(); el.play(); el.pause(); el.play();
      await new Promise((res) => setTimeout(res, 800));
      await el.pause();
      const stopped = (await el.snapshot()).iter;
      let later = 0;
      el.addEventListener('snapshot', () => { later += 1; });
      await new Promise((res) => setTimeout(res, 800));
      return { stopped, later, playing: el.playing, iter: (await el.snapshot()).iter };
    });
    assert.equal(r.playing, false);
    assert.equal(r.later, 0, 'snapshots kept coming after the pause');
    assert.equal(r.iter, r.stopped);
    assert.ok(r.stopped > 0);
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('a hidden page pauses training and resumes when shown again, unless keep-running is set', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex');
    const setHidden = (hidden) => page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { value: h, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
    await page.evaluate(() => window.minimax.play());
    await page.waitForFunction(() => window.minimax.playing === true);
    await setHidden(true);
    await page.waitForFunction(() => window.minimax.playing === false, null, { timeout: 10_000 });
    const hiddenAt = await page.evaluate(() => window.minimax.latest.iter);
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.minimax.latest.iter), hiddenAt, 'it trained while hidden');
    await setHidden(false);
    await page.waitForFunction((n) => window.minimax.playing === true && window.minimax.latest.iter > n, hiddenAt, { timeout: 10_000 });
    await page.evaluate(() => window.minimax.pause());
    // keep-running: hiding changes nothing.
    await page.evaluate(() => window.minimax.setAttribute('keep-running', ''));
    await page.evaluate(() => window.minimax.play());
    await setHidden(true);
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.minimax.playing), true);
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});
