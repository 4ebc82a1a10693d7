// `node tests/bench/lighthouse.mjs [--query '?preset=ring']`: Lighthouse's audits of the page
// (accessibility, best practices, SEO, performance) in the local headless Chromium, served as
// `cargo xtask serve` serves it. Prints each category's score and every audit that did not
// pass; writes the whole report to target/browser-tests/lighthouse.html. Installability is
// checked by the PWA browser test (Chromium's own list of installability errors): Lighthouse 12
// no longer has a PWA category.
import fs from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { serve, screenshotPath } from '../helpers.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const query = arg('--query', '?preset=ring');

const server = await serve();
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const { lhr, report } = await lighthouse(`${server.url}${query}`, {
    port: chrome.port,
    output: 'html',
    onlyCategories: ['accessibility', 'best-practices', 'seo', 'performance'],
    formFactor: 'desktop',
    screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false },
    throttlingMethod: 'provided',
  });
  fs.writeFileSync(screenshotPath('lighthouse.html'), report);
  for (const c of Object.values(lhr.categories)) {
    console.log(`${c.title.padEnd(16)} ${Math.round(c.score * 100)}`);
    for (const ref of c.auditRefs) {
      const a = lhr.audits[ref.id];
      if (!(ref.weight > 0 && a.score !== null && a.score < 1)) continue;
      console.log(`    ${a.id}: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`);
      // Which elements, where the audit names them (contrast, labels, layout shifts).
      const detailed = a.id === 'cumulative-layout-shift' ? lhr.audits['layout-shifts'] : a;
      for (const item of (detailed?.details?.items ?? []).slice(0, 6)) {
        const node = item.node ?? item.element;
        if (node?.snippet) console.log(`        ${node.snippet.slice(0, 110)}${item.score !== undefined ? ` (${item.score.toFixed?.(3) ?? item.score})` : ''}`);
      }
    }
  }
} finally {
  await chrome.kill();
  await server.close();
}
