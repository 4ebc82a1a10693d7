// The classifier's verdict on the generator's digits: Inception Score, Fréchet distance and the
// digits it sees, from 1 000 samples of the fixed evaluation codes. The evaluator file
// (pretrained/digits.eval: the classifier and the real digits' statistics) is fetched when an
// image run is first evaluated. The samples are generated, read back and classified 250 at a
// time, and the play loop trains between the chunks, so an evaluation never stalls training
// for long. An evaluation whose run is replaced meanwhile (reset, restore) is dropped.
import { loadEvaluator, hasEvaluator, classify, scoreOutputs, readSamples, sharpness, nearestDigits, hasMnist } from '../../pkg/minimax_web.js';

const EVALUATOR_URL = new URL('../../pretrained/digits.eval', import.meta.url);
export const SAMPLES = 1000;
/** Samples generated and classified at a time (the engine's SAMPLE_CHUNK: batch norm in G
 * normalises by each chunk, so the CLI and the page must agree). */
const CHUNK = 250;
const PIXELS = 784;
const FEATURES = 128;
/** Samples shown beside the real digit nearest to each (whether the model copies its data). */
const NEAREST = 4;
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
    this.running = null;           // {generation, promise}
    this.lastAt = performance.now(); // the first automatic evaluation comes after EVERY_MS
    this.lastIter = -1;
    this.applied = { generation: -1, value: false };
    this.unavailable = null;       // why the classifier could not be loaded (said once)
  }

  /** Whether the session makes digits to judge (a GAN on MNIST), per engine. */
  applies() {
    const { generation, engine } = this.session;
    if (this.applied.generation !== generation) {
      const config = JSON.parse(engine.config()); // flat names
      this.applied = { generation, value: config.dataset === 'mnist' && ['gan', 'vae'].includes(config.experiment ?? 'gan') };
    }
    return this.applied.value;
  }

  /** While playing: evaluates now and then (not awaited by the loop). */
  maybe() {
    if (this.running || this.unavailable || performance.now() - this.lastAt < EVERY_MS) return;
    const engine = this.session.engine;
    if (!engine || !this.applies() || engine.iteration() === this.lastIter) return;
    this.run().catch((e) => {
      if (e instanceof Superseded) return;
      this.emit('problem', { kind: 'evaluation', message: String(e.message || e) });
    });
  }

  /** Scores the current generator. Result (also sent as the event `evaluation`): {iter, n,
   * is, fid, classes, sharpness, conditional_accuracy (a conditional G's), ms, real: {n, is, fid, classes, sharpness}, accuracy, nearest:
   * [{sample, real, index, distance}] (the first samples, each with the real digit nearest to it
   * in pixel space: pixels in [−1, 1], its index in the asset, their distance on [0, 1])}. Rejects if the run is
   * replaced meanwhile (a reset, a restore): its scores would belong to no run on screen. */
  run() {
    const generation = this.session.generation;
    if (this.running?.generation === generation) return this.running.promise;
    this.lastAt = performance.now();
    const promise = (async () => {
      if (this.running) await this.running.promise.catch(() => {}); // one at a time
      if (!this.applies()) throw new Error('only a GAN or a VAE on digits can be evaluated by the digit classifier');
      let ref;
      try {
        ref = await ensureEvaluator();
      } catch (e) {
        this.unavailable = String(e.message || e);
        throw e;
      }
      const t0 = performance.now();
      const engine = this.session.engine;
      const iter = engine.iteration();
      // A conditional G was asked for digit i mod 10 in sample i: the engine counts the share
      // the classifier reads as asked (`conditional_accuracy`).
      const config = JSON.parse(engine.config());
      const conditional = Boolean(config.conditional) && (config.experiment ?? 'gan') === 'gan';
      const features = [];
      const probabilities = [];
      let sharpSum = 0;
      let first = null;
      for (let start = 0; start < SAMPLES; start += CHUNK) {
        if (this.session.generation !== generation) throw new Superseded();
        const end = Math.min(SAMPLES, start + CHUNK);
        const pixels = await readSamples(engine.prepareSamples(SAMPLES, start, end));
        if (this.session.generation !== generation) throw new Superseded();
        if (start === 0) first = pixels.slice(0, NEAREST * PIXELS);
        sharpSum += sharpness(pixels) * (end - start);
        const out = classify(pixels);
        features.push(out.subarray(0, (end - start) * FEATURES));
        probabilities.push(out.subarray((end - start) * FEATURES));
        await new Promise((r) => setTimeout(r, 0)); // the play loop takes a turn
      }
      const scores = JSON.parse(scoreOutputs(concat(features), concat(probabilities), sharpSum / SAMPLES, conditional));
      if (this.session.generation !== generation) throw new Superseded();
      const result = { iter, ...scores, ms: performance.now() - t0, real: ref.real_scores, accuracy: ref.accuracy, nearest: nearestOf(first) };
      this.lastIter = iter;
      this.emit('evaluation', { evaluation: result });
      return result;
    })();
    this.running = { generation, promise };
    promise.finally(() => { if (this.running?.promise === promise) this.running = null; }).catch(() => {});
    return promise;
  }
}

/** Each of `samples` (`n × 784`) with the real digit nearest to it (none without the digits). */
function nearestOf(samples) {
  if (!samples || !hasMnist()) return [];
  const out = nearestDigits(samples);
  const row = 2 + PIXELS;
  return Array.from({ length: samples.length / PIXELS }, (_, k) => ({
    sample: samples.slice(k * PIXELS, (k + 1) * PIXELS),
    index: out[k * row],
    distance: out[k * row + 1],
    real: out.slice(k * row + 2, (k + 1) * row),
  }));
}

/** The run changed while it was being evaluated. */
class Superseded extends Error {
  constructor() { super('the run changed during the evaluation (a reset or a restore): evaluate again'); }
}
