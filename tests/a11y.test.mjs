// Everyone can use it: every control is reachable and usable from the keyboard alone, and each
// has a name a screen reader can say.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { test, serve, launch, openApp, screenshotPath } from './helpers.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server.close(); });

test('keyboard only: Tab reaches every visible control, each with an accessible name; Enter plays and pauses', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page, errors, clean } = await openApp(browser.context, server.url, '?backend=flex');
    const controls = await page.evaluate(() => {
      const root = window.minimax.shadowRoot;
      const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      return [...root.querySelectorAll('button, select, input')].filter(visible).map((el) => {
        const label = el.closest('label');
        const name = el.getAttribute('aria-label') || el.textContent.trim() || label?.textContent.trim() || el.title;
        return { key: el.name || el.className, name };
      });
    });
    assert.ok(controls.length >= 20, `${controls.length} controls`);
    for (const c of controls) assert.ok(c.name, `no accessible name for ${c.key}`);
    const reached = new Set();
    await page.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < controls.length + 10; i++) {
      await page.keyboard.press('Tab');
      const key = await page.evaluate(() => {
        const el = window.minimax.shadowRoot.activeElement;
        return el ? el.name || el.className : null;
      });
      if (key) reached.add(key);
    }
    const missed = controls.filter((c) => !reached.has(c.key)).map((c) => c.key);
    assert.deepEqual(missed, [], 'controls the keyboard never reached');
    // The play button works from the keyboard.
    await page.evaluate(() => window.minimax.shadowRoot.querySelector('.play').focus());
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.minimax.playing === true, null, { timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.minimax.playing === false, null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.minimax.shadowRoot.querySelector('.play').getAttribute('aria-pressed')), 'false');
    // Enter in an option's field applies the value and submits nothing: the page stays (no
    // navigation, which the CSP's form-action would refuse and report).
    await page.evaluate(() => { window.__stayed = true; const el = window.minimax.shadowRoot.querySelector('input[name="lr_d"]'); el.focus(); el.select(); });
    await page.keyboard.type('0.0003');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.minimax.config.lr_d === 0.0003, null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => window.__stayed), true, 'Enter in a field left the page');
    assert.deepEqual(errors, []);
    await clean();
  } finally {
    await browser.close();
  }
});

test('a narrow window (a phone) lays the panels out in one column; screenshots in both widths', async () => {
  const browser = await launch({ webgpu: false });
  try {
    const { page } = await openApp(browser.context, server.url, '?backend=flex');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(500);
    const widths = await page.evaluate(() => ['.plane-panel', '.hist-panel', '.controls'].map((s) => window.minimax.shadowRoot.querySelector(s).getBoundingClientRect().width));
    for (const w of widths) assert.ok(w <= 390 && w > 300, `panel width ${w}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 390, `the page is ${overflow} px wide`);
    await page.screenshot({ path: screenshotPath('page-narrow.png'), fullPage: true });
  } finally {
    await browser.close();
  }
});
