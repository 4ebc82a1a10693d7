// Times `iters` iterations with nothing else running, after `warmupMs` of training (the browser
// compiles hot wasm with its optimising tier only after it has run a while), in `chunks`
// consecutive parts so that a change of speed during the run shows. On the GPU each part ends
// with a small read-back that drains the queue; its own cost is measured and subtracted.
import { readSnapshot } from '../../pkg/minimax_web.js';
import { parts } from './depth.js';

export async function bench(session, { iters, warmupMs = 0, chunks = 10 }) {
  session.stop();
  const engine = session.engine;
  const train = (n) => session.depth.train(engine, n);
  const gpu = engine.backend() === 'wgpu';
  const drain = gpu ? () => readSnapshot(engine.prepare(false, 4, -1)) : async () => {};
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
  return { backend: engine.backend(), iters, ms_per_iter: total / iters, chunk_ms: chunkMs };
}
