// `cargo xtask dist` runs this after dist/ is complete: Workbox writes dist/sw.js, whose precache
// list (every file the page needs, each with a hash of its contents as its revision) makes the
// installed page reload and train offline. MNIST's digits, the trained checkpoints and KaTeX's
// fonts are cached when first fetched, not precached: only image presets need them. A changed file changes the list, so browsers find a
// new service worker; it waits until the page says "reload" (see www/main.js).
import { generateSW } from 'workbox-build';

const dist = process.argv[2];
const { count, size, warnings } = await generateSW({
  globDirectory: dist,
  globPatterns: ['**/*.{html,js,css,wasm,webmanifest,png,svg,json}'],
  globIgnores: ['sw.js'],
  swDest: `${dist}/sw.js`,
  cacheId: 'minimax',
  inlineWorkboxRuntime: true,
  mode: 'production',
  sourcemap: false,
  skipWaiting: false,
  clientsClaim: true,
  cleanupOutdatedCaches: true,
  maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
  // index.html is the page for its folder, also when asked for as "…/" with a query.
  directoryIndex: 'index.html',
  ignoreURLParametersMatching: [/.*/],
  navigateFallback: 'index.html',
  runtimeCaching: [{
    // KaTeX's fonts: cached with the first lesson shown (offline, a formula not yet seen falls
    // back to the system's fonts); precaching all twenty would lengthen every visitor's sw.js.
    urlPattern: ({ url }) => url.pathname.includes('/vendor/katex/fonts/'),
    handler: 'CacheFirst',
    options: { cacheName: 'minimax-fonts' },
  }, {
    urlPattern: ({ url }) => url.pathname.endsWith('/data/mnist-10k.bin.gz'),
    handler: 'CacheFirst',
    options: { cacheName: 'minimax-data' },
  }, {
    // Trained checkpoints change when the engine does: the network's copy while online.
    urlPattern: ({ url }) => /\/pretrained\/[\w-]+\.(ckpt|eval)$/.test(url.pathname),
    handler: 'NetworkFirst',
    options: { cacheName: 'minimax-pretrained' },
  }],
});
for (const w of warnings) console.error(`workbox: ${w}`);
console.error(`sw.js: ${count} files precached, ${(size / 1e6).toFixed(1)} MB`);
