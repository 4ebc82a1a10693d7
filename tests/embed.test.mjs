// Minimax inside someone else's page: an <iframe> of embed.html driven by postMessage, and the
// <minimax-gan> element loaded from another origin with one script tag, side by side.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { test, serve, launch } from './helpers.mjs';

let app;
let host;
before(async () => { app = await serve(); });
after(async () => { await app.close(); await new Promise((r) => host?.close(r)); });

/** A course page on another origin (localhost instead of 127.0.0.1, another port). */
async function hostPage(appUrl) {
  let port;
  host = http.createServer((req, res) => {
    const me = `http://localhost:${port}`;
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><html><body>
      <iframe id="good" style="width:900px;height:600px" src="${appUrl}embed.html?preset=ring&backend=flex&origin=${encodeURIComponent(me)}"></iframe>
      <iframe id="other" style="width:300px;height:200px" src="${appUrl}embed.html?preset=ring&backend=flex&origin=${encodeURIComponent('https://elsewhere.example')}"></iframe>
      <script type="module" src="${appUrl}www/minimax-gan.js"></script>
      <minimax-gan id="el" preset="gaussian" backend="flex" chrome="minimal" style="display:block;height:600px"></minimax-gan>
      <script>
        window.replies = [];
        window.events = [];
        addEventListener('message', (e) => {
          if (e.data && e.data.minimax === 1) (e.data.event ? window.events : window.replies).push({ origin: e.origin, from: e.source === document.getElementById('good').contentWindow ? 'good' : 'other', ...e.data });
        });
        let next = 1;
        window.ask = (frame, action, args) => { const id = next++; document.getElementById(frame).contentWindow.postMessage({ minimax: 1, id, action, args }, '*'); return id; };
      </script>
    </body></html>`);
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  port = host.address().port;
  return `http://localhost:${port}/`;
}

test('an iframe embed and an element embed from another origin both load and answer; messages from other origins are ignored', async () => {
  const url = await hostPage(app.url);
  const browser = await launch({ webgpu: false });
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    // The iframe announces itself to the origin it was given, and only to it.
    await page.waitForFunction(() => window.events.some((e) => e.event === 'ready'), null, { timeout: 120_000 });
    const appOrigin = new URL(app.url).origin;
    const ready = await page.evaluate(() => window.events.filter((e) => e.event === 'ready'));
    assert.deepEqual(ready.map((e) => [e.from, e.origin]), [['good', appOrigin]]);
    // Each request gets one reply, matched by its id (replies come in the order they finish).
    const ids = await page.evaluate(() => [window.ask('good', 'step'), window.ask('good', 'configure', { dataset: 'grid' }), window.ask('good', 'nonsense')]);
    await page.waitForFunction(() => window.replies.length >= 3, null, { timeout: 60_000 });
    const replies = await page.evaluate(() => window.replies);
    const by = Object.fromEntries(replies.map((r) => [r.id, r]));
    assert.equal(replies.length, 3);
    assert.equal(by[ids[0]].result.iter, 1);
    assert.equal(by[ids[1]].result.dataset, 'grid');
    assert.equal(by[ids[2]].ok, false);
    assert.match(by[ids[2]].error, /nonsense/);
    // The frame that trusts another origin does nothing that this page asks.
    const other = page.frames().find((f) => f.url().includes('elsewhere.example'));
    await other.waitForFunction(() => window.minimax && window.minimax.ready && window.minimax.latest, null, { timeout: 120_000 });
    await page.evaluate(() => window.ask('other', 'step'));
    await page.waitForTimeout(1500);
    assert.equal(await other.evaluate(() => window.minimax.latest.iter), 0, 'the frame obeyed a foreign origin');
    assert.equal((await page.evaluate(() => window.replies)).filter((r) => r.from === 'other').length, 0);
    // The element, its module, worker, wasm and styles all from the app's origin.
    const s = await page.evaluate(async () => {
      const el = document.getElementById('el');
      await customElements.whenDefined('minimax-gan');
      await new Promise((r) => (el.ready ? r() : el.addEventListener('ready', r, { once: true })));
      await el.step();
      return el.snapshot();
    });
    assert.equal(s.iter, 1);
    assert.equal(s.backend, 'flex');
    await page.screenshot({ path: (await import('./helpers.mjs')).screenshotPath('embeds.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
