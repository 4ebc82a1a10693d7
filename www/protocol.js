// The one protocol between <minimax-gan> (the page) and its training worker. Both import this
// module; nothing else posts messages between them.
//
// Requests, page → worker: {v, id, type, ...args}. Every request gets exactly one reply,
// worker → page: {v, id, ok: true, result} or {v, id, ok: false, error: {message}}. Replies
// settle the request's promise by id, never by arrival order.
// Events, worker → page, carry no id: {v, event, ...fields} (see EVENTS).

/** Bumped whenever a message changes shape; a mismatch is refused with a message. */
export const VERSION = 2;

/**
 * Request types and the fields each takes (documentation and a runtime check of names).
 * @type {Record<string, string[]>}
 */
export const REQUESTS = {
  // A new session: a preset's config, options laid over it, a backend ("auto" | "flex" |
  // "wgpu"), and, after a crash, the checkpoint to go on from; `beside`: a GAN's config, beside
  // which this session is a VAE as its like (the engine makes its config from `config`, the
  // VAE's own, or refuses). Result: {config, schema, backend}.
  init: ['config', 'options', 'backend', 'checkpoint', 'beside'],
  // Options laid over the running config. Live options (the schema's `live`) are taken by the
  // running game, which keeps its weights, unless `fresh`; anything else starts over.
  // Result: {config, live}.
  configure: ['options', 'fresh'],
  play: [], pause: [],
  // One named step ("d", "g") or a whole iteration ("iteration"). Result: the snapshot.
  step: ['what'],
  // Iterations per cycle: a number, or "max". Result: null.
  speed: ['level'],
  // The latest numbers. Result: the snapshot.
  snapshot: [],
  // A conditional G's grid: `digit` (0–9) in every row, or null for digit r in row r; kept for
  // the following snapshots. Result: the snapshot, taken now.
  digit: ['digit'],
  // A checkpoint of the session (read asynchronously from the GPU). Result: {bytes}.
  checkpoint: [],
  // Replaces the session with a checkpoint's; a bad file is refused and the session goes on.
  restore: ['bytes'],
  // Moves the running session to a backend through a checkpoint, or "auto": measure both.
  // Result: {backend, timings}.
  backend: ['backend'],
  // Train no further than iteration `iter` while playing (null: no limit): a VAE beside a GAN
  // is held to the GAN's budget. Result: null.
  limit: ['iter'],
  // The metric history of the session, kept in the worker (a hidden page loses no points).
  // Result: {columns, rows}.
  history: [],
  // Why no VAE runs beside this session's GAN, by name ("needs-digits", "needs-dcgan",
  // "needs-unconditional": the engine's rule, for the page to say in its language), or null.
  // Result: {refusal}.
  vaeRefusal: [],
  // The Dirac GAN (one-parameter G, linear D) for settings {h, k, gamma, start, rounds}: the
  // game's field and three paths (simultaneous, alternating, alternating with R1), each with
  // its round's eigenvalues in closed form and measured. Result: the engine's picture.
  dirac: ['settings'],
  // Parallel generation, timed (digits): G's n samples in one pass against `passes` (default:
  // one per pixel, 784) sequential passes of G, each read back before the next, as an
  // autoregressive model of the same cost would take. Result: {backend, n, pixels, passes,
  // one_pass_ms, sequential_ms, ratio}.
  timeGeneration: ['n', 'passes'],
  // Times iterations with nothing else running. Result: {backend, iters, ms_per_iter, chunk_ms}.
  bench: ['iters', 'warmupMs', 'chunks'],
  // Test hooks: "panic" (a Rust panic inside the engine), "device-lost" (the GPU session
  // fails as a lost device).
  fault: ['kind'],
  // Digits: the classifier's scores of 1 000 samples of G (or of a VAE's decoder; also sent as
  // the event `evaluation`). Result: {iter, n, is, fid, classes, sharpness,
  // conditional_accuracy (a conditional G's), ms, real, accuracy}.
  evaluate: [],
};

/**
 * Events and their fields.
 * snapshot {snapshot}: the latest numbers, about ten a second while playing.
 * state {playing}: the play loop started or stopped.
 * backend {backend, timings?, reason?}: the backend training now (after a move or a fallback).
 * notice {notice}: a passing message ("loading-mnist", "finding-groups", "webgpu-missing", …), null to clear it.
 * saved {bytes, iter}: a checkpoint kept every few seconds, for a restart after a crash.
 * problem {message, kind, code?, params?}: something went wrong and was handled (kind:
 *   "diverged", "device-lost", "readback-timeout", "evaluation"); the session goes on. The
 *   engine's code and parameters, where it gave them, say it in the page's language.
 * fatal {message}: the engine is dead (a panic); the page restarts the worker.
 * evaluation {evaluation}: the classifier's scores of G's digits (now and then while playing).
 */
export const EVENTS = ['snapshot', 'state', 'backend', 'notice', 'saved', 'problem', 'fatal', 'evaluation'];

/** A request message. */
export function request(id, type, args = {}) {
  if (!Object.hasOwn(REQUESTS, type)) throw new Error(`unknown request '${type}'`);
  return { v: VERSION, id, type, ...args };
}

/** A reply to request `id`. */
export function reply(id, result) {
  return { v: VERSION, id, ok: true, result: result ?? null };
}

/** An error as it crosses to the page: its (English) message, and where the engine gave one
 * its stable code and parameters, for the page to say it in its language (i18n engineMessage). */
export function errorOf(error) {
  const out = { message: String((error && error.message) || error) };
  if (typeof error?.code === 'string' && error.params && typeof error.params === 'object') {
    out.code = error.code;
    out.params = Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, String(v)]));
  }
  return out;
}

/** A refusal of request `id`. */
export function refusal(id, error) {
  return { v: VERSION, id, ok: false, error: errorOf(error) };
}

/** An event message. */
export function event(name, fields = {}) {
  if (!EVENTS.includes(name)) throw new Error(`unknown event '${name}'`);
  return { v: VERSION, event: name, ...fields };
}

/**
 * The page's end: sends requests, settles their promises by id, hands events to `onEvent`.
 * `fail(message)` rejects every request still open (the worker died).
 */
export class Client {
  /** @param {Worker} worker @param {(msg: object) => void} onEvent */
  constructor(worker, onEvent) {
    this.worker = worker;
    this.next = 1;
    /** @type {Map<number, {resolve: Function, reject: Function}>} */
    this.open = new Map();
    worker.onmessage = (e) => {
      const msg = e.data;
      if (!msg || msg.v !== VERSION) return onEvent({ event: 'fatal', message: `protocol mismatch: ${JSON.stringify(msg?.v)} against ${VERSION}` });
      if (msg.event) return onEvent(msg);
      const waiter = this.open.get(msg.id);
      if (!waiter) return;
      this.open.delete(msg.id);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code, params: msg.error.params }));
    };
  }

  /** Sends request `type`; resolves with its result, rejects with its error. */
  send(type, args = {}, transfer = []) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.open.set(id, { resolve, reject });
      this.worker.postMessage(request(id, type, args), transfer);
    });
  }

  fail(message) {
    for (const w of this.open.values()) w.reject(new Error(message));
    this.open.clear();
  }
}
