// Parallel generation, timed: G draws n images in one pass; an autoregressive model draws one
// pixel per pass, each pass waiting for the last (the next pixel depends on the ones drawn),
// so the same n images take as many passes as there are pixels. This times both with G itself
// as the model of one pass (a model of the same cost): one pass of n codes, then `passes`
// passes one after the other, each read back before the next starts.
import { readSamples } from '../../pkg/minimax_web.js';

export async function timeGeneration(session, { n = 64, passes = null } = {}) {
  const engine = session.engine;
  const config = JSON.parse(engine.config());
  if (config.dataset !== 'mnist') throw new Error('the timing of parallel generation needs a run on the digits');
  const pixels = 28 * 28;
  passes ??= pixels;
  if (!(Number.isInteger(n) && n >= 1 && n <= 1000 && Number.isInteger(passes) && passes >= 1 && passes <= 10 * pixels)) {
    throw new Error(`n must be 1–1000 and passes 1–${10 * pixels}`);
  }
  const wasPlaying = session.playing;
  session.stop();
  try {
    const pass = () => readSamples(engine.prepareSamples(n, 0, n));
    await pass(); // warm: the first pass compiles and allocates
    // One pass: the median of five (a single one is at the mercy of the machine's noise).
    const single = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await pass();
      single.push(performance.now() - t0);
    }
    const oneMs = single.sort((a, b) => a - b)[2];
    const t1 = performance.now();
    for (let i = 0; i < passes; i++) await pass();
    const sequentialMs = performance.now() - t1;
    return { backend: engine.backend(), n, pixels, passes, one_pass_ms: oneMs, sequential_ms: sequentialMs, ratio: sequentialMs / oneMs };
  } finally {
    if (wasPlaying) session.play();
  }
}
