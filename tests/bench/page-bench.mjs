// `cargo xtask bench --page`: the page in headless Chromium. Prints iterations per second
// on each backend for the 2-D GAN, the MNIST-sized MLP GAN and the MNIST DCGAN (with and without
// its groups, and its conditional twin, the ACGAN), the time from
// navigation to the first drawn sample, and the compressed size of everything the page
// downloads (without MNIST's digits, which only image presets fetch) and of the digits.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve, launch, openApp, DIST } from '../helpers.mjs';

const MODELS = {
  '2-D ring, MLP 64x2, batch 128': ['?preset=ring', 2],
  'MNIST-sized 784-d, MLP 256x2, batch 64': ['?dataset=gaussian&data_dim=784&latent_dim=64&g_hidden=256&d_hidden=256&batch_size=64', 784],
  'MNIST DCGAN 64/32 ch, batch 64 (the preset: groups found without labels)': ['?preset=mnist-dcgan', 'dcgan'],
  'MNIST DCGAN without the groups (clusters=false)': ['?preset=mnist-dcgan&clusters=false', 'dcgan'],
  'MNIST DCGAN conditional (ACGAN), batch 64': ['?preset=mnist-acgan', 'dcgan'],
};
// `--backend flex` or `--backend wgpu` measures one backend only.
const only = process.argv.includes('--backend') ? process.argv[process.argv.indexOf('--backend') + 1] : null;
// `--also QUERY` (repeatable) times another DCGAN config beside these, e.g.
// `--also '?preset=mnist-dcgan&g_channels=128'`; `--speed-only` skips the first draws and the sizes.
process.argv.forEach((a, i) => {
  if (a !== '--also') return;
  const query = process.argv[i + 1];
  if (!query?.startsWith('?')) throw new Error(`--also needs a query such as '?preset=mnist-dcgan&g_channels=128', not ${query ?? 'nothing'}`);
  MODELS[`DCGAN ${query}`] = [query, 'dcgan'];
});
const speedOnly = process.argv.includes('--speed-only');
const BACKENDS = ['flex', 'wgpu'].filter((b) => !only || b === only);
const ITERS = { flex: { '2-D': 2000, MNIST: 300, DCGAN: 30 }, wgpu: { '2-D': 20, MNIST: 5, DCGAN: 3 } };
const kind = (name) => (name.startsWith('2-D') ? '2-D' : name.includes('DCGAN') ? 'DCGAN' : 'MNIST');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const server = await serve();
const rows = [];
const evaluations = [];
try {
  for (const backend of BACKENDS) {
    const browser = await launch({ webgpu: true });
    try {
      for (const [name, [query, shape]] of Object.entries(MODELS)) {
        const { page } = await openApp(browser.context, server.url, `${query}&backend=${backend}`);
        // The service worker's first install downloads and caches every file: let it finish
        // before timing anything.
        await page.evaluate(() => navigator.serviceWorker?.ready);
        await page.waitForFunction((s) => (s === 'dcgan' ? window.minimax.config.model === 'dcgan' : (window.minimax.config.data_dim ?? 2) === s), shape, { timeout: 120_000 });
        // With WebGPU the session starts on the CPU and moves to the GPU once its shaders compile.
        await page.waitForFunction((b) => window.minimax.backend === b, backend, { timeout: 300_000 });
        const iters = ITERS[backend][kind(name)];
        const warmupMs = backend === 'wgpu' && kind(name) === 'DCGAN' ? 0 : 3000;
        const r = await page.evaluate(([n, w]) => window.minimax.benchmark(n, { warmupMs: w, chunks: Math.min(10, n) }), [iters, warmupMs]);
        const range = `${Math.min(...r.chunk_ms).toFixed(2)}–${Math.max(...r.chunk_ms).toFixed(2)}`;
        rows.push([r.backend, name, r.ms_per_iter.toFixed(3), (1000 / r.ms_per_iter).toFixed(1), range]);
        if (shape === 'dcgan') {
          // One evaluation by the digit classifier while paused (nothing else to take turns
          // with): 1 000 samples generated on the backend, read back, scored on the CPU.
          await page.evaluate(() => window.minimax.evaluate()); // loads the classifier first
          const e = await page.evaluate(() => window.minimax.evaluate());
          evaluations.push(`evaluation (${r.backend}): ${e.n} DCGAN samples generated, read back and scored by the classifier in ${e.ms.toFixed(0)} ms`);
        }
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }
  // Navigation to the first drawn sample with the default backend choice. With WebGPU present
  // the first samples are drawn by the CPU backend while WebGPU compiles its shaders.
  // And the DCGAN's, with its groups (k-means on the 10 000 digits before the first step) and
  // without (`clusters=false` over the preset: one engine is made, with the URL's options), on
  // the CPU backend.
  const firstDraw = [];
  const starts = speedOnly ? [] : [
    ['without WebGPU', '', false],
    ['with WebGPU (SwiftShader)', '', true],
    ['the DCGAN preset (groups), without WebGPU', '?preset=mnist-dcgan&backend=flex', false],
    ['the DCGAN without groups, without WebGPU', '?preset=mnist-dcgan&clusters=false&backend=flex', false],
  ];
  for (const [label, query, webgpu] of starts) {
    const browser = await launch({ webgpu });
    try {
      const page = await browser.context.newPage();
      await page.goto(server.url + query);
      await page.waitForFunction(() => window.minimax && window.minimax.firstDrawAt !== undefined, null, { timeout: 120_000 });
      const ms = await page.evaluate(() => window.minimax.firstDrawAt);
      const backend = await page.evaluate(() => window.minimax.backend);
      firstDraw.push([label, backend, ms]);
    } finally {
      await browser.close();
    }
  }
  // The range is the fastest and the slowest tenth of the timed run, in ms per iteration.
  console.log('backend  model                                        ms/iter   iter/s  range of tenths');
  for (const [b, n, ms, ips, range] of rows) console.log(`${b.padEnd(8)} ${n.padEnd(44)} ${ms.padStart(8)} ${ips.padStart(8)}  ${range}`);
  for (const line of evaluations) console.log(line);
  console.log('');
  for (const [label, backend, ms] of firstDraw) console.log(`navigation → first drawn sample, ${label} (${backend}): ${ms.toFixed(0)} ms`);
  console.log('');
  if (speedOnly) { await server.close(); process.exit(0); }
  let raw = 0, gz = 0, lessonRaw = 0, lessonGz = 0, polishGz = 0, digitsGz = 0, pngGz = 0, embedGz = 0;
  const sizes = [];
  for (const f of walk(DIST)) {
    const body = fs.readFileSync(f);
    if (f.endsWith('.gz')) {
      // Served as is (gzip already); fetched only when an image preset opens.
      console.log(`${path.relative(DIST, f)}: ${(body.length / 1e6).toFixed(2)} MB gzip, fetched only by image presets (target ≤ 2 MB)`);
      continue;
    }
    if (f.endsWith('.ckpt') || f.endsWith('.eval')) {
      // A trained checkpoint, fetched only when a lecture starts from it; the digit classifier,
      // fetched only when a GAN on digits is first evaluated.
      const when = f.endsWith('.ckpt') ? '"Start trained"' : 'the first evaluation of digits';
      console.log(`${path.relative(DIST, f)}: ${(body.length / 1e6).toFixed(2)} MB, ${(zlib.gzipSync(body).length / 1e6).toFixed(2)} MB gzip, fetched only by ${when}`);
      continue;
    }
    const g = zlib.gzipSync(body, { level: 9 }).length;
    const rel = path.relative(DIST, f);
    // Fetched only when a lesson opens (its card, KaTeX and its fonts) or in Polish.
    const lesson = rel.startsWith(path.join('www', 'vendor', 'katex')) || rel.startsWith(path.join('www', 'lessons')) || rel === path.join('www', 'lessons.js') || rel === path.join('www', 'lessons.css');
    if (lesson || rel === path.join('www', 'i18n', 'pl.js')) {
      if (lesson) { lessonRaw += body.length; lessonGz += g; } else polishGz += g;
      continue;
    }
    // Fetched only with the first digits (their grids, verdict and the VAE beside) or by the
    // benchmark.
    if (['images.js', 'verdict.js', 'compare.js', path.join('worker', 'evaluation.js')].map((f) => path.join('www', f)).includes(rel)) { digitsGz += g; continue; }
    // The embed page's own two files: the standalone page fetches index.html and main.js in
    // their place (the embed page's download is the smaller by those).
    if (rel === 'embed.html' || rel === path.join('www', 'embed.js')) { embedGz += g; continue; }
    // Fetched by the benchmark only, and with the first chart saved as a PNG.
    if (rel === path.join('www', 'worker', 'bench.js') || rel === path.join('www', 'worker', 'timing.js')) continue;
    if (rel === path.join('www', 'export.js')) { pngGz = g; continue; }
    raw += body.length; gz += g;
    sizes.push([rel, body.length, g]);
  }
  sizes.sort((a, b) => b[2] - a[2]);
  for (const [f, r, g] of sizes.slice(0, 6)) console.log(`${f.padEnd(40)} ${(r / 1e3).toFixed(1).padStart(9)} kB  ${(g / 1e3).toFixed(1).padStart(8)} kB gzip`);
  console.log(`everything the standalone page downloads without MNIST, in English, without a lesson: ${(raw / 1e6).toFixed(2)} MB, ${(gz / 1e6).toFixed(2)} MB gzip = ${(gz / 1e3).toFixed(1)} kB (target ≤ 3 MB gzip); the embed page's own files ${(embedGz / 1e3).toFixed(1)} kB`);
  console.log(`a lesson adds (KaTeX, its fonts, the lessons): ${(lessonRaw / 1e3).toFixed(1)} kB, ${(lessonGz / 1e3).toFixed(1)} kB gzip at most; Polish adds ${(polishGz / 1e3).toFixed(1)} kB gzip; digits add ${(digitsGz / 1e3).toFixed(1)} kB gzip of modules, saving a chart ${(pngGz / 1e3).toFixed(1)} kB (the service worker fetches these in the background too, for offline use)`);
} finally {
  await server.close();
}
