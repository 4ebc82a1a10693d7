// The training worker: owns the wasm Engine, runs the play loop, posts plain snapshots.
// Protocol (page → worker): init {config, options, backend} (a preset and options laid over
// it), configure {config} (options laid over the running config), play, pause, step {what: 'd'|'g'|'iteration'}, speed {level},
// snapshot, checkpoint, restore {bytes}.
// Worker → page: ready {backend, config, notice, schema}, backend {backend} (the session moved
// to the GPU), notice {notice}, snapshot {snapshot}, state {playing}, bench, checkpoint {bytes},
// error {message}.
import init, { Engine, readSnapshot, schema, loadMnist, hasMnist, checkpointConfig } from '../pkg/minimax_web.js';

let engine = null;
let playing = false;
let speed = 'max';          // iterations per cycle: a number, or 'max' (adaptive)
let chunk = 1;              // adaptive chunk for 'max'
let busy = Promise.resolve();
const CYCLE_MS = 100;       // aim: about ten snapshots a second while playing
const wasmReady = init({ module_or_path: new URL('../pkg/minimax_web_bg.wasm', import.meta.url) });

self.minimaxPanic = (message) => post({ type: 'error', message: `internal error: ${message}` });

function post(msg, transfer) { self.postMessage(msg, transfer || []); }
const tick = () => new Promise((r) => setTimeout(r, 0));

let generation = 0;          // bumped by every init, so a stale move to the GPU is dropped

// MNIST's digits (1.6 MB gzip), fetched only when a config asks for them, then kept.
const MNIST_URL = new URL('../data/mnist-10k.bin.gz', import.meta.url);
let mnistLoading = null;
async function ensureData(config) {
  if (config?.dataset !== 'mnist' && config?.data?.kind !== 'mnist') return;
  await wasmReady;
  if (hasMnist()) return;
  mnistLoading ??= (async () => {
    post({ type: 'notice', notice: 'loading-mnist' });
    const response = await fetch(MNIST_URL);
    if (!response.ok) throw new Error(`the MNIST digits could not be loaded (${response.status} ${response.statusText})`);
    let bytes = new Uint8Array(await response.arrayBuffer());
    // Still gzip, unless the server sent it with Content-Encoding: gzip and the browser undid it.
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
      bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    }
    loadMnist(bytes);
  })().finally(() => {
    mnistLoading = null;
    post({ type: 'notice', notice: null });
  });
  await mnistLoading;
}

/** The engine the session starts on: always the CPU, at once (see moveToGpu). */
async function createEngine(config, backend) {
  await wasmReady;
  await ensureData(config);
  const engine = await Engine.create(JSON.stringify(config), 'flex');
  if (backend === 'flex') return { engine, notice: null, gpu: false };
  if (!self.navigator.gpu) return { engine, notice: 'webgpu-missing', gpu: false };
  return { engine, notice: null, gpu: true };
}

// WebGPU compiles its shaders on first use, which takes long on slow or emulated GPUs. So the
// session starts on the CPU, a scratch WebGPU engine runs one iteration and one snapshot to
// compile the kernels, and then the session moves to the GPU through a checkpoint, without
// losing a step. If WebGPU fails, the session simply stays on the CPU and the page says why.
async function moveToGpu(gen) {
  let gpu;
  try {
    gpu = await Engine.create(engine.config(), 'wgpu');
    gpu.train(1);
    await readSnapshot(gpu.prepare(true, 48));
  } catch (e) {
    if (gen === generation) post({ type: 'notice', notice: `webgpu-failed: ${e.message || e}` });
    return;
  }
  if (gen !== generation) return;
  gpu.restore(engine.checkpoint());
  engine = gpu;
  post({ type: 'backend', backend: engine.backend() });
}

async function snapshot(itersPerSec) {
  const t0 = performance.now();
  const snap = JSON.parse(await readSnapshot(engine.prepare(true, 48)));
  snap.backend = engine.backend();
  snap.iters_per_sec = itersPerSec;
  snap.snapshot_ms = performance.now() - t0;
  post({ type: 'snapshot', snapshot: snap });
}

// The stack depth `train` is called from. On x64, V8 spills SIMD values to stack slots aligned
// to 8 bytes only; in gemm's 12×4 matmul kernel, which takes three quarters of the big model's
// time, a spill that straddles a cache line stalls every turn of the inner loop, and whether
// one does depends on where the stack stands when JS calls into wasm (README, "The 784-d model
// and V8's stack alignment": 15 against 22 ms per iteration for the same build). So the worker
// calls `train` from one of a few depths and keeps the fastest, comparing them again now and
// then, as the browser recompiles hot code during the first seconds and may move the stack.
const DEPTHS = 3;
let depth = 0;
let probeAt = 0;
let probeEvery = 1000;        // doubles after each comparison, up to PROBE_MAX_MS
const PROBE_MAX_MS = 8000;

/** `n` split into `k` nearly equal whole parts, in order. */
function parts(n, k) {
  return Array.from({ length: k }, (_, i) => Math.round((n * (i + 1)) / k) - Math.round((n * i) / k));
}

function trainAt(d, n) {
  return d > 0 ? trainAt(d - 1, n) : engine.train(n);
}

/** `n` iterations; every so often split across the depths, keeping the fastest. */
function train(n) {
  const now = performance.now();
  if (now < probeAt || n < DEPTHS) return trainAt(depth, n);
  if (engine.backend() !== 'flex') { probeAt = Infinity; return trainAt(depth, n); } // on the GPU: nothing to compare
  probeAt = now + probeEvery;
  probeEvery = Math.min(PROBE_MAX_MS, probeEvery * 2);
  let best = Infinity;
  parts(n, DEPTHS).forEach((k, d) => {
    const t0 = performance.now();
    trainAt(d, k);
    const ms = (performance.now() - t0) / k;
    if (ms < best) { best = ms; depth = d; }
  });
}

/** A new session: compare the depths again soon. */
function resetProbe() {
  probeAt = performance.now() + 500;
  probeEvery = 1000;
}

async function loop() {
  let rate = null;
  let snapshotMs = 0;
  while (playing) {
    const t0 = performance.now();
    const n = speed === 'max' ? chunk : speed;
    train(n);
    const t1 = performance.now();
    await snapshot(rate);
    snapshotMs = performance.now() - t1;
    const dt = performance.now() - t0;
    const now = n / (dt / 1000);
    rate = rate === null ? now : 0.8 * rate + 0.2 * now;
    // About ten snapshots a second, but snapshots never take more than a fifth of the time:
    // for the DCGAN a snapshot costs about as much as an iteration.
    const cycle = Math.max(CYCLE_MS, 5 * snapshotMs);
    if (speed === 'max') chunk = Math.max(1, Math.min(2000, Math.round(chunk * Math.min(2, cycle / Math.max(dt, 1)))));
    else await new Promise((r) => setTimeout(r, Math.max(0, CYCLE_MS - dt)));
    await tick();
  }
}

const handlers = {
  async init({ config, options = {}, backend }) {
    const gen = ++generation;
    const made = await createEngine(config, backend);
    let rejected = null;
    if (Object.keys(options).length) {
      // Options go over the preset as the form's changes do: shorthands such as `lr` replace
      // the preset's lr_d and lr_g, and a rejected option leaves the preset running.
      try {
        await ensureData({ ...config, ...options });
        made.engine.configure(JSON.stringify(options));
      } catch (e) {
        rejected = e;
      }
    }
    engine = made.engine;
    resetProbe();
    post({ type: 'ready', backend: engine.backend(), config: JSON.parse(engine.config()), notice: made.notice, schema: JSON.parse(schema()) });
    if (rejected) post({ type: 'error', message: String(rejected.message || rejected) });
    await snapshot(null);
    if (made.gpu) moveToGpu(gen).catch(fail);
  },
  async configure({ config }) {
    await ensureData(config);
    engine.configure(JSON.stringify(config));
    resetProbe();
    post({ type: 'ready', backend: engine.backend(), config: JSON.parse(engine.config()), notice: null });
    await snapshot(null);
  },
  async play() {
    if (playing) return;
    playing = true;
    post({ type: 'state', playing });
    loop().catch(fail);
  },
  async pause() { playing = false; post({ type: 'state', playing }); },
  async step({ what }) {
    if (what === 'iteration') engine.train(1); else engine.stepNamed(what);
    await snapshot(null);
  },
  async speed({ level }) { speed = level; chunk = 1; },
  async snapshot() { await snapshot(null); },
  async checkpoint() {
    const bytes = engine.checkpoint();
    post({ type: 'checkpoint', bytes }, [bytes.buffer]);
  },
  // Times `iters` iterations with nothing else running, after `warmupMs` of training (the
  // browser compiles hot wasm with its optimising tier only after it has run a while), in
  // `chunks` consecutive parts so that a change of speed during the run shows. On the GPU each
  // part ends with a small read-back that drains the queue; its own cost is measured and
  // subtracted.
  async bench({ iters, warmupMs = 0, chunks = 10 }) {
    playing = false;
    const gpu = engine.backend() === 'wgpu';
    const drain = gpu ? () => readSnapshot(engine.prepare(false, 4)) : async () => {};
    const w0 = performance.now();
    while (performance.now() - w0 < warmupMs) {
      train(Math.max(1, Math.round(iters / 20)));
      await drain();
    }
    await drain();
    const r0 = performance.now();
    await drain();
    const readback = performance.now() - r0;
    const chunkMs = [];
    let total = 0;
    for (const n of parts(iters, Math.max(1, Math.min(chunks, iters)))) {
      const t0 = performance.now();
      train(n);
      await drain();
      const ms = Math.max(0, performance.now() - t0 - readback);
      chunkMs.push(ms / n);
      total += ms;
    }
    post({ type: 'bench', backend: engine.backend(), iters, ms_per_iter: total / iters, chunk_ms: chunkMs });
  },
  async restore({ bytes }) {
    const data = new Uint8Array(bytes);
    await ensureData(JSON.parse(checkpointConfig(data)));
    engine.restore(data);
    resetProbe();
    post({ type: 'ready', backend: engine.backend(), config: JSON.parse(engine.config()), notice: null });
    await snapshot(null);
  },
};

function fail(e) {
  playing = false;
  post({ type: 'state', playing });
  post({ type: 'error', message: String((e && e.message) || e) });
}

self.onmessage = (event) => {
  const msg = event.data;
  const handler = handlers[msg.type];
  if (!handler) return post({ type: 'error', message: `unknown message ${msg.type}` });
  // Messages are handled one at a time, in order; the play loop runs beside them.
  busy = busy.then(() => (engine || msg.type === 'init' ? handler(msg) : null)).catch(fail);
};
