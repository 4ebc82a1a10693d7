// A VAE trained beside the page's GAN on the digits, for the lecture's comparison: the same
// players (the VAE's decoder is G, its encoder D's convolutions), the same batch size and seed
// (the engine's rule: vaeBeside),
// and the same budget: the VAE plays all along, but trains no further than the GAN's iteration
// (the worker's `limit`): it catches up and waits there. It runs in a worker of its own with the
// same protocol; the element draws what it reports (its grid, its ELBO, its scores).
import { Client } from './protocol.js';
import { PRESETS } from './presets.js';

export const VAE_PRESET = 'mnist-vae';
/** The GAN preset whose trained checkpoint the VAE's was trained beside (the same players,
 * batch, seed and iterations): a GAN started trained from it has a VAE started trained. */
export const GAN_PRESET = 'mnist-dcgan';
export class VaeBeside {
  /**
   * @param {() => Worker} startWorker
   * @param {{snapshot: Function, evaluation: Function, problem: Function, stopped: Function}} on
   */
  constructor(startWorker, on) {
    this.startWorker = startWorker;
    this.on = on;
    this.worker = null;
    this.client = null;
    this.latest = null;
    this.limit = 0;
  }

  get running() { return Boolean(this.client); }

  /** Starts the VAE of decoder σ `sigma` beside a GAN of `ganConfig` (the engine gives it the
   * GAN's players, batch and seed, or refuses), on `backend`, fresh or from `checkpoint` bytes,
   * and sets it playing up to the budget; resolves with its config. */
  async start(ganConfig, sigma, backend, checkpoint) {
    this.stop();
    this.worker = this.startWorker();
    const client = new Client(this.worker, (msg) => this.onEvent(msg));
    this.client = client;
    this.worker.onerror = (e) => { e.preventDefault?.(); this.fail(e.message || 'the VAE\'s worker stopped'); };
    const r = await client.send('init', {
      config: { ...PRESETS[VAE_PRESET], vae_sigma: sigma }, beside: ganConfig, options: {},
      backend: backend === 'wgpu' ? 'wgpu' : 'flex', checkpoint,
    }, checkpoint ? [checkpoint.buffer] : []);
    if (this.client !== client) throw new Error('the VAE was removed');
    await client.send('limit', { iter: this.limit });
    await client.send('play');
    return r.config;
  }

  stop() {
    this.worker?.terminate();
    this.client?.fail('the VAE was removed');
    this.worker = this.client = null;
    this.latest = null;
  }

  fail(message) {
    this.stop();
    this.on.stopped(message);
  }

  onEvent(msg) {
    switch (msg.event) {
      case 'snapshot': this.latest = msg.snapshot; this.on.snapshot(msg.snapshot); break;
      case 'evaluation': this.on.evaluation(msg.evaluation); break;
      case 'problem': this.on.problem(msg.message); break;
      case 'fatal': this.fail(msg.message); break;
    }
  }

  send(type, args) {
    const client = this.client;
    if (!client) return Promise.resolve(null);
    // A request the removal of the VAE cut short is no problem to report.
    return client.send(type, args).catch((e) => { if (this.client === client) this.on.problem(e.message); });
  }

  /** The GAN's budget: its iteration. Sent only when it changes. */
  follow(iter) {
    if (iter === this.limit) return;
    this.limit = iter;
    this.send('limit', { iter });
  }

  evaluate() { return this.send('evaluate'); }
}
