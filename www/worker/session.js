// A training session in the worker: its engine, the play loop, snapshots, the checkpoint kept
// for a roll-back or a restart, and what happens when training diverges or the GPU goes away.
import { Engine, readSnapshot, readCheckpoint, checkpointConfig, findsGroups } from '../../pkg/minimax_web.js';
import { ensureData } from './data.js';
import { DepthChooser } from './depth.js';
import { History } from './history.js';
import { errorOf } from '../protocol.js';

const CYCLE_MS = 100;           // aim: about ten snapshots a second while playing
const SAVE_MS = 3000;           // a checkpoint is kept at most this often while training
const READBACK_TIMEOUT_MS = 60_000; // a GPU read-back slower than this counts as a lost device
const RATE_WINDOW_MS = 2000;    // iterations per second: over this much wall-clock time

export class Timeout extends Error {}

/** `promise`, or a Timeout after `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => { timer = setTimeout(() => reject(new Timeout(`${what} did not finish within ${ms / 1000} s`)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/** The engine's checkpoint, read asynchronously (a GPU session cannot read synchronously). */
export function checkpointOf(engine) {
  return withTimeout(readCheckpoint(engine.prepareCheckpoint()), READBACK_TIMEOUT_MS, 'reading the checkpoint back');
}

/** A new engine on `backend` from `config` (flat) or from checkpoint `bytes`. */
export async function makeEngine(config, backend, bytes, notice) {
  if (bytes) config = JSON.parse(checkpointConfig(bytes));
  await ensureData(config, notice);
  return announcingGroups(config, notice, () => (bytes ? Engine.fromCheckpoint(bytes, backend) : Engine.create(JSON.stringify(config), backend)));
}

/** `make()`, which makes the engine of `config` (flat; the digits loaded), with the notice
 * "finding-groups" while it runs when it runs k-means first: a GAN on groups of digits whose
 * groups the engine has not kept yet (seconds in wasm, once for a seed). */
export async function announcingGroups(config, notice, make) {
  const grouping = findsGroups(JSON.stringify(config));
  if (grouping) notice('finding-groups');
  try {
    return await make();
  } finally {
    if (grouping) notice(null);
  }
}

export class Session {
  /** @param {(name: string, fields?: object, transfer?: Transferable[]) => void} emit */
  constructor(emit) {
    this.emit = emit;
    this.engine = null;
    this.generation = 0;        // bumped whenever the engine is replaced
    this.token = 0;             // the play loop's: bumped by pause, so a stale loop stops
    this.playing = false;
    this.speed = 'max';
    this.chunk = 1;
    this.depth = new DepthChooser();
    this.history = new History();
    this.kept = null;           // {bytes, iter}: the last good state
    this.keptAt = 0;
    this.rate = [];             // [time, iteration] pairs over the last RATE_WINDOW_MS
    this.epoch = 0;             // bumped by every change the user asks for (config, file, backend)
    this.limit = null;          // train no further than this iteration (a companion run's budget)
    this.digit = null;          // a conditional G's grid: this digit in every row (null: row r, digit r)
  }

  notice = (notice) => this.emit('notice', { notice });

  /** Puts `engine` in charge. `fresh`: a new run (its history starts over). */
  async adopt(engine, { fresh }) {
    this.replace(engine, { fresh });
    await this.keep();
  }

  /** Puts `engine` in charge without keeping its state (it is the kept one already). */
  replace(engine, { fresh }) {
    this.engine = engine;
    this.generation++;
    this.depth.reset();
    this.rate = [];
    if (fresh) this.history.clear();
    else this.history.truncate(engine.iteration());
  }

  /** Keeps the current state as the last good one and hands a copy to the page. Call it only
   * after a good snapshot of this very state (see `checkAndKeep`). */
  async keep() {
    const engine = this.engine;
    const generation = this.generation;
    const iter = engine.iteration();
    const bytes = await checkpointOf(engine);
    if (generation !== this.generation || iter !== engine.iteration()) return;
    this.kept = { bytes, iter };
    this.keptAt = performance.now();
    const copy = bytes.slice();
    this.emit('saved', { bytes: copy, iter: this.kept.iter, backend: engine.backend() }, [copy.buffer]);
  }

  /** Reads the numbers first and keeps the state only if they are sound (a diverged state is
   * rolled back instead). Returns the snapshot, or null. */
  async checkAndKeep() {
    const snap = await this.observe();
    if (snap) await this.keep();
    return snap;
  }

  // ---- Snapshots ------------------------------------------------------------------------------

  /** Reads the engine's numbers and posts them. Returns the snapshot, or null if reading
   * failed and the failure was handled (a roll-back, a move to the CPU). */
  async observe() {
    const engine = this.engine;
    const generation = this.generation;
    const t0 = performance.now();
    let snap;
    try {
      const text = await withTimeout(readSnapshot(engine.prepare(true, 48, this.digit ?? -1)), READBACK_TIMEOUT_MS, 'a read-back from the GPU');
      snap = JSON.parse(text);
    } catch (e) {
      if (generation !== this.generation) return null; // the engine was replaced meanwhile
      if (e instanceof Timeout) return this.lostDevice('readback-timeout', e.message);
      const message = String(e.message || e);
      if (e?.code === 'train-non-finite') return this.rollBack(message, e);
      if (engine.backend() === 'wgpu') return this.lostDevice('device-lost', message);
      throw e;
    }
    if (generation !== this.generation) return null;
    const now = performance.now();
    this.rate.push([now, snap.iter]);
    while (this.rate.length > 2 && now - this.rate[1][0] >= RATE_WINDOW_MS) this.rate.shift();
    const [t, i] = this.rate[0];
    snap.iters_per_sec = this.playing && now - t >= 250 && snap.iter > i ? ((snap.iter - i) * 1000) / (now - t) : null;
    snap.backend = engine.backend();
    snap.snapshot_ms = now - t0;
    snap.wasm_bytes = this.memory?.buffer.byteLength ?? null; // the engine's whole memory
    this.history.add(snap);
    this.onObserved?.();
    this.latest = snap;
    this.emit('snapshot', { snapshot: snap });
    return snap;
  }

  /** Training diverged: back to the last good state, paused, and the page says what. */
  async rollBack(message, error = null) {
    // The engine's code and parameters go with its message (the page says it in its language).
    const coded = error ? errorOf(error) : {};
    this.stop();
    const kept = this.kept;
    if (this.rollingBack) {
      // The kept state itself does not read back finite: stop here rather than loop.
      this.emit('problem', { ...coded, kind: 'diverged', message, iter: null });
      return null;
    }
    if (kept) {
      try {
        this.engine.restore(kept.bytes);
      } catch (e) {
        // The kept state is one the loader refuses (an optimizer moment that overflowed): it
        // is dropped, never gone back to; the run stays paused where it diverged.
        this.kept = null;
        this.emit('problem', { kind: 'diverged', message: `${message}; the last kept state cannot be restored either (${e.message ?? e})`, iter: null });
        return null;
      }
      this.replace(this.engine, { fresh: false });
    }
    this.rollingBack = true;
    try {
      await this.observe();   // the state it went back to, before the page is told why
    } finally {
      this.rollingBack = false;
    }
    this.emit('problem', { ...coded, kind: 'diverged', message, iter: kept ? kept.iter : null });
    return null;
  }

  /** The GPU is gone (or does not answer): the run goes on on the CPU from the last good state. */
  async lostDevice(kind, message) {
    const wasPlaying = this.playing;
    this.stop();
    const kept = this.kept;
    const engine = await makeEngine(JSON.parse(this.engine.config()), 'flex', kept?.bytes, this.notice);
    this.replace(engine, { fresh: false });
    this.emit('backend', { backend: 'flex', reason: kind });
    await this.observe();
    this.emit('problem', { kind, message, iter: kept ? kept.iter : 0 });
    if (wasPlaying) this.play();
    return null;
  }

  // ---- The play loop --------------------------------------------------------------------------

  play() {
    if (this.playing) return;
    this.playing = true;
    this.rate = [];
    const token = ++this.token;
    this.emit('state', { playing: true });
    this.loop(token).catch((e) => this.failed(e));
  }

  /** Stops the loop (it ends at its next check); says so if it was running. */
  stop() {
    this.token++;
    if (!this.playing) return;
    this.playing = false;
    this.emit('state', { playing: false });
  }

  failed(e) {
    this.stop();
    this.emit('problem', { kind: 'error', message: String((e && e.message) || e) });
  }

  async loop(token) {
    while (token === this.token) {
      const t0 = performance.now();
      let n = this.speed === 'max' ? this.chunk : this.speed;
      const full = n;
      if (this.limit !== null) {
        n = Math.min(n, this.limit - this.engine.iteration());
        if (n <= 0) { // at the budget: wait for it to grow, still playing
          await new Promise((r) => setTimeout(r, CYCLE_MS));
          continue;
        }
      }
      this.depth.train(this.engine, n);
      const t1 = performance.now();
      const snap = await this.observe();
      if (!snap || token !== this.token) return;
      const snapshotMs = performance.now() - t1;
      if (performance.now() - this.keptAt >= Math.max(SAVE_MS, 20 * snapshotMs)) await this.keep(); // `snap` was sound
      const dt = performance.now() - t0;
      // About ten snapshots a second, but snapshots never take more than a fifth of the time:
      // for the DCGAN a snapshot costs about as much as an iteration.
      const cycle = Math.max(CYCLE_MS, 5 * snapshotMs);
      // (A chunk cut short by the limit says nothing of how long a full one takes.)
      if (this.speed === 'max' && n === full) this.chunk = Math.max(1, Math.min(2000, Math.round(this.chunk * Math.min(2, cycle / Math.max(dt, 1)))));
      else await new Promise((r) => setTimeout(r, Math.max(0, CYCLE_MS - dt)));
      await tick();
    }
  }
}
