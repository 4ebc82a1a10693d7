// The page's benchmark: times `iters` iterations of the session's training with nothing else
// running (timing.js says how). On the GPU each part ends with a small read-back of a snapshot
// that drains the queue.
import { readSnapshot } from '../../pkg/minimax_web.js';
import { timeIterations } from './timing.js';

export async function bench(session, { iters, warmupMs = 0, chunks = 10 }) {
  session.stop();
  const engine = session.engine;
  const gpu = engine.backend() === 'wgpu';
  const drain = gpu ? () => readSnapshot(engine.prepare(false, 4, -1)) : async () => {};
  const r = await timeIterations((n) => session.depth.train(engine, n), drain, { iters, warmupMs, chunks });
  return { backend: engine.backend(), ...r };
}
