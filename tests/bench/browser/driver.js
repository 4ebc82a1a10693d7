// Runs the plan's cases in order, each in a fresh frame, and posts each result to the server as
// it comes (so that a case that hangs costs only itself): POST result {case, ok, …}, POST log
// {line}, POST done. A case is
//   {kind: 'page', name, query, backend, iters, warmupMs}: the page (`/app/?query&backend=…`) times
//     its own training (`minimax.benchmark`) once it trains on that backend;
//   {kind: 'auto', name, query}: the page's own choice (`backend=auto`): the backend it keeps
//     and the two timings it measured;
//   {kind: 'tfjs', name, backend, iters, warmupMs}: TensorFlow.js (tfjs.html) on that backend.
const post = (what, body) => fetch(`/bench/${what}`, { method: 'POST', body: JSON.stringify(body) });
const log = (line) => post('log', { line });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `test()`'s first truthy value, asked every 200 ms for at most `ms` (a promise it returns
 * counts only once it settles). */
async function until(test, ms, what) {
  const t0 = performance.now();
  for (;;) {
    const v = await Promise.race([test(), sleep(200).then(() => undefined)]);
    if (v) return v;
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(200);
  }
}

function frame(src) {
  const f = document.createElement('iframe');
  f.src = src;
  document.body.append(f);
  return f;
}

/** What this browser offers: WebGPU's adapter and WebGL's renderer. The first requestAdapter
 * can come back empty while the GPU process starts: asked again for up to 10 s. */
async function gpuInfo() {
  const out = { userAgent: navigator.userAgent, webgpu: null, webgl: null };
  if (navigator.gpu) {
    let adapter = null;
    for (let i = 0; i < 20 && !adapter; i++) {
      adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) await sleep(500);
    }
    if (adapter) {
      const i = adapter.info ?? {};
      out.webgpu = { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description };
    }
  }
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl) {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    out.webgl = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  }
  return out;
}

async function pageCase(c, timeoutMs) {
  const query = c.kind === 'auto' ? c.query : `${c.query}&backend=${c.backend}`;
  const f = frame(`/app/?${query}`);
  try {
    const w = () => f.contentWindow;
    const app = await until(() => w()?.minimax?.config && w().minimax, timeoutMs, 'the page');
    // The service worker's first install fetches every file: let it finish before timing.
    const sw = w().navigator.serviceWorker;
    if (sw) await until(() => sw.controller || sw.ready.then(() => true), timeoutMs, 'the service worker');
    if (c.kind === 'auto') {
      // `auto` trains on the CPU at once, times both backends, and keeps the faster.
      await until(() => app.backendTimings, timeoutMs, 'the page\'s own choice');
      return { backend: app.backend, timings: app.backendTimings, badge: app.$('.backend')?.textContent };
    }
    // A page asked for a backend starts on it; one that ends up on another has failed there.
    await until(() => {
      if (app.backend && app.backend !== c.backend) throw new Error(`the page runs on ${app.backend}, not ${c.backend}: ${app.$('.notice')?.textContent ?? ''}`);
      return app.backend === c.backend;
    }, timeoutMs, `the page on ${c.backend}`);
    return await app.benchmark(c.iters, { warmupMs: c.warmupMs ?? 0, chunks: Math.min(10, c.iters) });
  } finally {
    f.remove();
  }
}

async function tfjsCase(c, timeoutMs) {
  const f = frame('tfjs.html');
  try {
    await until(() => f.contentWindow?.ready, timeoutMs, 'TensorFlow.js');
    return await f.contentWindow.run({ backend: c.backend, iters: c.iters, warmupMs: c.warmupMs ?? 0 });
  } finally {
    f.remove();
  }
}

try {
  const plan = await (await fetch('plan.json')).json();
  const info = await gpuInfo();
  await post('result', { case: { kind: 'info', name: 'browser' }, ok: true, ...info });
  await log(`WebGPU: ${JSON.stringify(info.webgpu)}; WebGL: ${info.webgl}`);
  for (const c of plan.cases) {
    const t0 = performance.now();
    await log(`${c.name} …`);
    try {
      const r = c.kind === 'tfjs' ? await tfjsCase(c, plan.timeoutMs) : await pageCase(c, plan.timeoutMs);
      await post('result', { case: c, ok: true, seconds: (performance.now() - t0) / 1000, ...r });
    } catch (e) {
      await post('result', { case: c, ok: false, seconds: (performance.now() - t0) / 1000, error: String(e?.stack || e) });
    }
  }
} catch (e) {
  await log(`the driver failed: ${e?.stack || e}`);
} finally {
  await post('done', {});
}
