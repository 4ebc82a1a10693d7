// The classifier's verdict on the generator's digits: Inception Score, Fréchet distance and the
// digits it sees, from 1 000 samples of the fixed evaluation codes. The evaluator file
// (pretrained/digits.eval: the classifier and the real digits' statistics) is fetched when an
// image run is first evaluated. The samples are read back once; the classifier then takes them
// 250 at a time, and the play loop trains between the chunks, so an evaluation never stalls
// training for long.
import { loadEvaluator, hasEvaluator, classify, scoreOutputs, readSamples } from '../../pkg/minimax_web.js';

const EVALUATOR_URL = new URL('../../pretrained/digits.eval', import.meta.url);
export const SAMPLES = 1000;
const CHUNK = 250;
const PIXELS = 784;
const FEATURES = 128;
/** While playing, an evaluation at most this often (ms of wall clock). */
const EVERY_MS = 20_000;

let reference = null;
let loading = null;

/** The classifier and the real digits' scores, loaded once. */
async function ensureEvaluator() {
  if (hasEvaluator() && reference) return reference;
  loading ??= (async () => {
    const response = await fetch(EVALUATOR_URL);
    if (!response.ok) throw new Error(`the digit classifier could not be loaded (${response.status} ${response.statusText})`);
    reference = JSON.parse(loadEvaluator(new Uint8Array(await response.arrayBuffer())));
  })().finally(() => { loading = null; });
  await loading;
  return reference;
}

const concat = (parts) => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

export class Evaluation {
  constructor(session, emit) {
    this.session = session;
    this.emit = emit;
    this.running = null;
    this.lastAt = -Infinity;
    this.lastIter = -1;
  }

  /** Whether the session makes digits to judge. */
  applies() {
    const config = JSON.parse(this.session.engine.config());
    return config.dataset === 'mnist' && (config.experiment ?? 'gan') === 'gan'; // flat names
  }

  /** While playing: evaluates now and then (not awaited by the loop). */
  maybe() {
    if (this.running || performance.now() - this.lastAt < EVERY_MS) return;
    const engine = this.session.engine;
    if (!engine || engine.iteration() === this.lastIter || !this.applies()) return;
    this.run().catch((e) => this.emit('problem', { kind: 'evaluation', message: String(e.message || e) }));
  }

  /** Scores the current generator. Result (also sent as the event `evaluation`): {iter, n,
   * is, fid, classes, ms, real: {n, is, fid, classes}, accuracy}. */
  run() {
    if (this.running) return this.running;
    this.lastAt = performance.now();
    this.running = (async () => {
      const engine = this.session.engine;
      if (!this.applies()) throw new Error('only a GAN on digits can be evaluated by the digit classifier');
      const ref = await ensureEvaluator();
      const t0 = performance.now();
      const iter = engine.iteration();
      const pixels = await readSamples(engine.prepareSamples(SAMPLES));
      const features = [];
      const probabilities = [];
      for (let i = 0; i < SAMPLES; i += CHUNK) {
        const n = Math.min(CHUNK, SAMPLES - i);
        const out = classify(pixels.subarray(i * PIXELS, (i + n) * PIXELS));
        features.push(out.subarray(0, n * FEATURES));
        probabilities.push(out.subarray(n * FEATURES));
        await new Promise((r) => setTimeout(r, 0)); // the play loop takes a turn
      }
      const scores = JSON.parse(scoreOutputs(concat(features), concat(probabilities)));
      const result = { iter, ...scores, ms: performance.now() - t0, real: ref.real_scores, accuracy: ref.accuracy };
      this.lastIter = iter;
      this.emit('evaluation', { evaluation: result });
      return result;
    })().finally(() => { this.running = null; });
    return this.running;
  }
}
