// The benchmark's clock, shared by the page's benchmark (bench.js) and the GPU benchmark's
// TensorFlow.js side (tests/bench/browser/), so that both are timed alike: `iters` iterations
// after `warmupMs` of training (the browser compiles hot code with its optimising tier only
// after it has run a while), in `chunks` consecutive parts so that a change of speed during the
// run shows. Each part ends with `drain()`, a small read-back that waits for the queued work
// (on a GPU); the cost of one such read on an empty queue is measured and subtracted.
import { parts } from './depth.js';

/** `train(n)` queues n iterations; resolves with {iters, ms_per_iter, chunk_ms}. */
export async function timeIterations(train, drain, { iters, warmupMs = 0, chunks = 10 }) {
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
  return { iters, ms_per_iter: total / iters, chunk_ms: chunkMs };
}
