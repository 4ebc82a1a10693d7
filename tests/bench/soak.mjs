// `node tests/bench/soak.mjs [--minutes 60] [--query '?preset=mnist-dcgan&backend=flex']`:
// trains in the page for a long time and prints, every minute, the iteration, the rate over
// that minute, the engine's wasm memory and the page's JS heap. Healthy: flat memory, steady
// rate. Not part of the tests (an hour); run it after changes to the loop or the engine.
import { serve, launch, openApp } from '../helpers.mjs';

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const minutes = Number(arg('--minutes', '60'));
const query = arg('--query', '?preset=ring&backend=flex');

const server = await serve();
const browser = await launch({ webgpu: false });
try {
  const { page } = await openApp(browser.context, server.url, query);
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.evaluate(() => window.minimax.play());
  console.log('minute  iteration  iter/s  wasm MB  JS heap MB');
  let last = await page.evaluate(() => window.minimax.latest.iter);
  for (let m = 1; m <= minutes; m++) {
    await new Promise((r) => setTimeout(r, 60_000));
    const s = await page.evaluate(() => window.minimax.latest);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((x) => x.name === 'JSHeapUsedSize').value;
    console.log(`${String(m).padStart(6)}  ${String(s.iter).padStart(9)}  ${((s.iter - last) / 60).toFixed(1).padStart(6)}  ${(s.wasm_bytes / 1e6).toFixed(1).padStart(7)}  ${(heap / 1e6).toFixed(1).padStart(10)}`);
    last = s.iter;
  }
} finally {
  await browser.close();
  await server.close();
}
