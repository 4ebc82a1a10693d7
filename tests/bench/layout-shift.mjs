// `node tests/bench/layout-shift.mjs [--query '?preset=ring']`: the page's Cumulative Layout
// Shift over its first 4 s, beside the page (1350 px) and in a phone's width (390 px), without
// WebGPU, as the browser's own layout-shift entries add up (Lighthouse's figure for the wide
// page: tests/bench/lighthouse.mjs). Keeps a screenshot of each width.
import { serve, launch, screenshotPath } from '../helpers.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const query = arg('--query', '?preset=ring');
const server = await serve();
try {
  for (const [width, height] of [[1350, 940], [390, 844]]) {
    const browser = await launch({ webgpu: false });
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width, height });
      await page.addInitScript(() => {
        window.__cls = 0;
        new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
          .observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto(server.url + query);
      await page.waitForTimeout(4000);
      console.log(`${String(width).padStart(5)} px  CLS ${(await page.evaluate(() => window.__cls)).toFixed(3)}`);
      await page.screenshot({ path: screenshotPath(`layout-shift-${width}.png`) });
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
}
