// The session client of <minimax-gan>: the training worker, its requests (by id, protocol.js),
// its restarts after a crash from the last kept checkpoint, and pausing while out of sight.
// It draws nothing: what it learns goes to its host (the element) through a few calls.
import { Client } from './protocol.js';
import { t } from './i18n.js';

/** The worker, also when this module comes from another origin (a page embedding Minimax from
 * elsewhere): a module worker must be same-origin, so a blob-URL shim imports the real one. */
export function startWorker() {
  const url = new URL('./worker/main.js', import.meta.url);
  if (url.origin === location.origin) return new Worker(url, { type: 'module' });
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
  return new Worker(shim, { type: 'module' });
}

/** Restarts after crashes: at most this many within RESTART_WINDOW_MS, then the page gives up. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export class SessionClient {
  /**
   * @param {{onEvent(msg), onStarted(reply), onStartFailed(error), onRestarting(),
   *   onRestarted(message, iter, wasPlaying), onGaveUp(message),
   *   restartWith(): {config, backend, current}, playing: boolean, play(): Promise,
   *   keepRunning: boolean}} host
   */
  constructor(host) {
    this.host = host;
    this.worker = null;
    this.client = null;
    this.kept = null;          // {bytes, iter, backend}: the worker's last kept checkpoint
    this.restarts = [];
    this.restarting = false;
    this.crashedAgain = null;
  }

  /** A fresh worker and session. Resolves once the engine answered (or its refusal was handed
   * to the host). */
  async start(init) {
    this.worker?.terminate();
    this.worker = startWorker();
    this.client = new Client(this.worker, (msg) => {
      if (msg.event === 'saved') this.kept = msg;
      else if (msg.event === 'fatal') this.crashed(msg.message, msg.backend);
      else this.host.onEvent(msg);
    });
    this.worker.onerror = (e) => { e.preventDefault?.(); this.crashed(e.message || t('workerStopped')); };
    try {
      const r = await this.client.send('init', init, init.checkpoint ? [init.checkpoint.buffer] : []);
      this.host.onStarted(r);
    } catch (e) {
      this.host.onStartFailed(e);
    }
  }

  /** Sends a request; rejects with the engine's message, or at once when no worker runs. */
  send(type, args, transfer) {
    if (!this.client) return Promise.reject(new Error(t('workerStopped')));
    return this.client.send(type, args, transfer);
  }

  /** The engine died (a panic, a crashed worker): a new worker goes on from the last kept
   * checkpoint, on the CPU if the GPU was involved. Nothing the user had is lost beyond the
   * seconds since that checkpoint, and the host says so. */
  async crashed(message, backend) {
    if (this.restarting) {
      this.crashedAgain = { message, backend }; // handled once the restart in progress ends
      return;
    }
    const now = performance.now();
    this.restarts = this.restarts.filter((t0) => now - t0 < RESTART_WINDOW_MS);
    this.client?.fail(message);
    this.worker?.terminate();
    this.worker = null;
    if (this.restarts.length >= MAX_RESTARTS) {
      this.client = null;       // every later request is refused at once, not posted to a dead worker
      this.host.onGaveUp(message);
      return;
    }
    this.restarts.push(now);
    this.restarting = true;
    const wasPlaying = this.host.playing;
    this.host.onRestarting();
    const kept = this.kept;
    const { config, backend: choice, current } = this.host.restartWith();
    const onGpu = backend === 'wgpu' || current === 'wgpu';
    try {
      await this.start({
        config, options: {}, backend: onGpu ? 'flex' : choice,
        checkpoint: kept ? kept.bytes.slice() : undefined,
      });
      this.host.onRestarted(message, kept ? kept.iter : 0, wasPlaying);
    } finally {
      this.restarting = false;
    }
    const again = this.crashedAgain;
    this.crashedAgain = null;
    if (again) this.crashed(again.message, again.backend);
  }

  /** Pauses while the page is hidden or `target` is scrolled out of view (an embed among
   * several), and resumes when it shows again; the host's keepRunning turns this off. */
  watch(target) {
    this.unwatch();
    let inView = true;
    const update = () => {
      const hidden = document.hidden || !inView;
      if (this.host.keepRunning) return;
      if (hidden && this.host.playing) { this.resumeOnShow = true; this.send('pause').catch(() => {}); }
      else if (!hidden && this.resumeOnShow) { this.resumeOnShow = false; this.host.play().catch(() => {}); }
    };
    this.onVisibility = update;
    document.addEventListener('visibilitychange', update);
    this.visibility = new IntersectionObserver((entries) => { inView = entries[entries.length - 1].isIntersecting; update(); });
    this.visibility.observe(target);
  }

  unwatch() {
    this.visibility?.disconnect();
    if (this.onVisibility) document.removeEventListener('visibilitychange', this.onVisibility);
  }

  /** Ends the session (the element was removed). */
  stop(reason) {
    this.unwatch();
    this.worker?.terminate();
    this.client?.fail(reason);
    this.worker = this.client = null;
  }
}
