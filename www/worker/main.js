// The training worker's entry: answers the page's requests (protocol.js), one at a time and in
// order (except `evaluate`, which runs beside them), while the play loop runs beside them. The parts: session.js (engine, loop, roll-back,
// lost GPU), backend.js (auto choice by measurement, moves), depth.js (the CPU-speed
// workaround), bench.js, history.js, data.js, evaluation.js (the classifier's verdict).
import init, { schema, forcePanic, checkpointConfig, vaeBeside, vaeRefusal, diracPicture, withOptions } from '../../pkg/minimax_web.js';
import { VERSION, REQUESTS, reply, refusal, event, errorOf } from '../protocol.js';
import { Session, makeEngine, checkpointOf, announcingGroups } from './session.js';
import { ensureData } from './data.js';
import { chooseByMeasurement, moveTo } from './backend.js';

const wasmReady = init({ module_or_path: new URL('../../pkg/minimax_web_bg.wasm', import.meta.url) });
const emit = (name, fields, transfer) => self.postMessage(event(name, fields), transfer || []);
const session = new Session(emit);
// The classifier's verdict (evaluation.js) is fetched for a run on the digits only.
let evaluation = null;
const evaluator = () => (evaluation ??= import('./evaluation.js').then(({ Evaluation }) => new Evaluation(session, emit)));
let onDigits = { generation: -1, value: false };
session.onObserved = () => {
  if (!session.playing || !session.engine) return;
  if (onDigits.generation !== session.generation) {
    onDigits = { generation: session.generation, value: JSON.parse(session.engine.config()).dataset === 'mnist' };
  }
  if (onDigits.value) evaluator().then((e) => e.maybe());
};
let dead = false;

// A Rust panic: the engine's memory can no longer be trusted (and with panic=abort every later
// call traps). The page restarts the worker from the last kept checkpoint.
self.minimaxPanic = (message) => {
  dead = true;
  session.token++;
  emit('fatal', { message: `internal error: ${message}`, backend: session.engine?.backend() ?? null });
};

const handlers = {
  // `beside`: a GAN's config, beside which this session trains a VAE as its like (the engine
  // makes the VAE's config from `config`, the VAE's own, or refuses with the reason).
  async init({ config, options = {}, backend = 'auto', checkpoint, beside }) {
    session.memory = (await wasmReady).memory;
    session.stop();
    if (beside) config = JSON.parse(vaeBeside(JSON.stringify(beside), JSON.stringify(config)));
    const start = backend === 'wgpu' ? 'wgpu' : 'flex';
    const bytes = checkpoint ? new Uint8Array(checkpoint) : null;
    // Options go over the preset as the form's changes do: shorthands such as `lr` replace
    // the preset's lr_d and lr_g, and a rejected option leaves the preset running. One engine
    // is made, with the options (made from the preset first, a GAN on groups would find the
    // preset seed's groups, then the options' seed's).
    let rejected = null;
    let wanted = config;
    if (!checkpoint && Object.keys(options).length) {
      try {
        await ensureData({ ...config, ...options }, session.notice);
        wanted = JSON.parse(withOptions(JSON.stringify(config), JSON.stringify(options)));
      } catch (e) {
        rejected = errorOf(e);
      }
    }
    let notice = null;
    const make = async (cfg) => {
      try {
        return await makeEngine(cfg, start, bytes, session.notice);
      } catch (e) {
        if (start !== 'wgpu') throw e;
        // (If the CPU fails too, the config is at fault, not WebGPU: its own error is thrown.)
        const engine = await makeEngine(cfg, 'flex', bytes, session.notice);
        notice = `webgpu-failed: ${e.message || e}`;
        return engine;
      }
    };
    let engine;
    try {
      engine = await make(wanted);
    } catch (e) {
      if (wanted === config) throw e;
      rejected = errorOf(e);
      engine = await make(config);
    }
    await session.adopt(engine, { fresh: !checkpoint });
    if (notice) emit('notice', { notice });
    emit('backend', { backend: engine.backend(), reason: backend === 'auto' ? 'starting' : 'named' });
    await session.observe();
    if (backend === 'auto') chooseByMeasurement(session, enqueue).catch((e) => session.failed(e));
    return { config: JSON.parse(engine.config()), schema: JSON.parse(schema()), backend: engine.backend(), rejected };
  },
  // A change of live options (schema `live`: the loss, k, the optimizers, …) is taken by the
  // running game, weights and history kept; any other change, or `fresh`, starts a new run.
  async configure({ options, fresh }) {
    session.epoch++;
    const current = JSON.parse(session.engine.config());
    // As the engine will merge them (shorthands such as `lr` included); spread over it if they
    // are refused (the engine's `configure` then says why).
    let merged;
    try {
      merged = JSON.parse(withOptions(JSON.stringify(current), JSON.stringify(options)));
    } catch {
      merged = { ...current, ...options };
    }
    await ensureData(merged, session.notice);
    const live = await announcingGroups(merged, session.notice, () => session.engine.configure(JSON.stringify(options), !fresh));
    await session.adopt(session.engine, { fresh: !live });
    await session.observe();
    return { config: JSON.parse(session.engine.config()), live };
  },
  async play() { session.play(); },
  async pause() {
    session.stop();
    await session.checkAndKeep();
  },
  async step({ what }) {
    if (what === 'iteration') session.engine.train(1);
    else session.engine.stepNamed(what);
    // A single step is worth keeping (a crash must not undo it), once its numbers are sound.
    return (await session.checkAndKeep()) ?? session.latest;
  },
  async speed({ level }) {
    if (level !== 'max' && !(Number.isInteger(level) && level > 0)) throw new Error(`speed must be "max" or a positive whole number, not ${JSON.stringify(level)}`);
    session.speed = level;
    session.chunk = 1;
  },
  async snapshot() { return session.latest ?? session.observe(); },
  async digit({ digit }) {
    if (digit !== null && !(Number.isInteger(digit) && digit >= 0 && digit <= 9)) throw new Error(`digit must be a whole number from 0 to 9 or null, not ${JSON.stringify(digit)}`);
    session.digit = digit;
    return (await session.observe()) ?? session.latest;
  },
  async checkpoint() {
    const bytes = await checkpointOf(session.engine);
    return { bytes, iter: session.engine.iteration() };
  },
  async restore({ bytes }) {
    const data = new Uint8Array(bytes);
    // A checkpoint of another experiment (a VAE's, in a GAN's session) is refused whole.
    const theirs = JSON.parse(checkpointConfig(data)).experiment ?? 'gan';
    const ours = JSON.parse(session.engine.config()).experiment ?? 'gan';
    if (theirs !== ours) throw new Error(`this checkpoint is of a ${theirs === 'vae' ? 'VAE' : theirs}; this session trains a ${ours === 'vae' ? 'VAE' : ours.toUpperCase()}`);
    session.epoch++;
    // Checked whole (header, sizes, every tensor's shape) before anything is replaced.
    const engine = await makeEngine(null, session.engine.backend(), data, session.notice);
    session.stop();
    await session.adopt(engine, { fresh: true });
    await session.observe();
    return { config: JSON.parse(engine.config()) };
  },
  async backend({ backend }) {
    session.epoch++;
    if (backend === 'auto') {
      // Measured beside the queue (the move, if any, queues up after this request).
      chooseByMeasurement(session, enqueue).catch((e) => session.failed(e));
      return { backend: session.engine.backend(), measuring: true };
    }
    if (!['flex', 'wgpu'].includes(backend)) throw new Error(`unknown backend '${backend}' (auto, flex or wgpu)`);
    const wasPlaying = session.playing;
    session.stop();
    try {
      return await moveTo(session, backend);
    } finally {
      if (wasPlaying) session.play();
    }
  },
  async limit({ iter }) {
    if (iter !== null && !(Number.isInteger(iter) && iter >= 0)) throw new Error(`limit must be a whole number of iterations or null, not ${JSON.stringify(iter)}`);
    session.limit = iter;
  },
  async history() { return session.history.get(); },
  // Why no VAE runs beside this session's GAN, by name (the engine's rule), or null.
  async vaeRefusal() { return { refusal: vaeRefusal(session.engine.config()) ?? null }; },
  // The Dirac GAN's picture (a pure function of its settings: no session needed).
  async dirac({ settings }) {
    await wasmReady;
    return JSON.parse(diracPicture(JSON.stringify(settings)));
  },
  // Answered beside the queue (see onmessage): the play loop and later requests go on while
  // the classifier works, between its chunks.
  async evaluate() { return (await evaluator()).run(); },
  // The benchmark's module is fetched by the benchmark only.
  async bench(args) { return (await import('./bench.js')).bench(session, args); },
  async timeGeneration(args) { return (await import('./parallel.js')).timeGeneration(session, args); },
  async fault({ kind }) {
    if (kind === 'panic') return forcePanic();
    if (kind === 'device-lost') {
      if (session.engine.backend() !== 'wgpu') throw new Error('the session is not on the GPU');
      await session.lostDevice('device-lost', 'the GPU device was lost (simulated)');
      return null;
    }
    throw new Error(`unknown fault '${kind}'`);
  },
};

// Requests, and every other change of engine (the end of `auto`), one at a time, in order.
let queue = Promise.resolve();
function enqueue(task) {
  const done = queue.then(task);
  queue = done.catch(() => {});
  return done;
}
self.onmessage = (e) => {
  const msg = e.data;
  const id = msg?.id ?? 0;
  if (!msg || msg.v !== VERSION) return self.postMessage(refusal(id, `protocol version ${JSON.stringify(msg?.v)} is not ${VERSION}: reload the page`));
  if (!Object.hasOwn(REQUESTS, msg.type)) return self.postMessage(refusal(id, `unknown request '${msg.type}'`));
  const run = () => {
    if (dead) throw new Error('the engine stopped after an internal error; it is being restarted');
    if (!session.engine && msg.type !== 'init' && msg.type !== 'dirac') throw new Error('the engine is not started yet');
    return handlers[msg.type](msg);
  };
  (msg.type === 'evaluate' ? Promise.resolve().then(run) : enqueue(run)).then(
    (result) => {
      try {
        self.postMessage(reply(id, result), result?.bytes ? [result.bytes.buffer] : []);
      } catch (e) {
        self.postMessage(refusal(id, `the reply could not be sent: ${e.message}`));
      }
    },
    (err) => self.postMessage(refusal(id, err)),
  );
};
