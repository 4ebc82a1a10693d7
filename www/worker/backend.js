// Which backend trains: `auto` measures both on the current model and keeps the faster;
// a named backend is kept. Moving a running session goes through a checkpoint, so no step is
// lost and the run continues where it was.
import { readSnapshot } from '../../pkg/minimax_web.js';
import { checkpointOf, makeEngine, withTimeout } from './session.js';

const MEASURE_MS = 400;
const COMPILE_TIMEOUT_MS = 300_000;

/** Milliseconds per iteration of `engine`, trained for about MEASURE_MS (at least one
 * iteration), each part ending with a small read-back that waits for the GPU. */
async function msPerIteration(engine) {
  // The CPU backend has finished when `train` returns; the GPU's queue is drained by a read.
  const drain = engine.backend() === 'wgpu' ? () => readSnapshot(engine.prepare(false, 4, -1)) : async () => {};
  await drain();
  let done = 0;
  let k = 1;
  const t0 = performance.now();
  while (performance.now() - t0 < MEASURE_MS) {
    engine.train(k);
    await drain();
    done += k;
    k *= 2;
  }
  return (performance.now() - t0) / done;
}

/** Moves the session to `backend` (through a checkpoint). Throws, leaving it as it was, if
 * that backend cannot start. */
export async function moveTo(session, backend, reason = 'chosen') {
  if (session.engine.backend() === backend) return { backend };
  const generation = session.generation;
  const bytes = await checkpointOf(session.engine);
  const engine = await makeEngine(null, backend, bytes, session.notice);
  if (backend === 'wgpu') await withTimeout(readSnapshot(engine.prepare(true, 48, -1)), COMPILE_TIMEOUT_MS, 'compiling the WebGPU kernels');
  if (generation !== session.generation) {
    engine.free();
    throw new Error('the run changed while the other backend was being prepared');
  }
  const behind = session.engine.iteration() - engine.iteration();
  // Training went on while the GPU compiled: take the newest state across.
  if (behind > 0) engine.restore(await checkpointOf(session.engine));
  await session.adopt(engine, { fresh: false });
  session.emit('backend', { backend, reason });
  return { backend };
}

/** `auto`: the session trains on the CPU meanwhile; a scratch copy on each backend is timed on
 * the same model, and the session moves to WebGPU only if it is faster there. */
export async function chooseByMeasurement(session, enqueue) {
  if (!self.navigator.gpu) {
    session.emit('backend', { backend: 'flex', reason: 'webgpu-missing' });
    return { backend: 'flex' };
  }
  const epoch = session.epoch;
  const bytes = await checkpointOf(session.engine);
  let gpu;
  let timings;
  try {
    gpu = await makeEngine(null, 'wgpu', bytes, session.notice);
    gpu.train(1);                     // compiles the kernels of a step and of a snapshot
    await withTimeout(readSnapshot(gpu.prepare(true, 48, -1)), COMPILE_TIMEOUT_MS, 'compiling the WebGPU kernels');
    const cpu = await makeEngine(null, 'flex', bytes, session.notice);
    // Timed with the session's own loop paused, so that neither figure includes its work;
    // it resumes unless someone paused or played meanwhile.
    const wasPlaying = session.playing;
    session.stop();
    const token = session.token;
    try {
      timings = { flex: await msPerIteration(cpu), wgpu: await msPerIteration(gpu) };
    } finally {
      cpu.free();
      if (wasPlaying && session.token === token) session.play();
    }
  } catch (e) {
    gpu?.free();
    session.emit('backend', { backend: session.engine.backend(), reason: 'webgpu-failed', message: String(e.message || e) });
    return { backend: session.engine.backend() };
  }
  gpu.free();
  // The move waits its turn behind requests, and is dropped if the user changed the run or
  // chose a backend meanwhile.
  if (timings.wgpu < timings.flex) {
    await enqueue(() => (epoch === session.epoch ? moveTo(session, 'wgpu', 'measured') : null));
  }
  session.emit('backend', { backend: session.engine.backend(), reason: 'measured', timings });
  return { backend: session.engine.backend(), timings };
}
