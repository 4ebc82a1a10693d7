// <minimax-gan>: the whole app as one custom element. The main thread only draws; training
// runs in a Web Worker (worker.js) that posts plain snapshots.
//
// Attributes: preset (see presets.js), config (a JSON object of options laid over the preset,
// e.g. config='{"dataset": "grid"}'), chrome ("full" | "minimal" | "none"), backend
// ("auto" | "wgpu" | "flex"), lang ("en" | "pl"; else the browser's language), views (a JSON
// object of VIEWS), autoplay.
// Methods: play(), pause(), stepD(), stepG(), step(), reset(), configure(options),
// setViews(views), switchLanguage(lang), snapshot() → Promise<snapshot>.
// Events: "snapshot" (detail: the snapshot), "configured" ({config, live}), "viewchange"
// (the views), "languagechange" (the language).
//
// The option controls are built from the engine's config schema (names, types, ranges, enum
// values, which options apply when): no option is written out here.
import { t, has, setLanguage, chooseLanguage, language, fieldHelp, LANGUAGES } from './i18n.js';
import { Client } from './protocol.js';
import { PRESETS, PRETRAINED } from './presets.js';
import { drawPlane, planeExtent } from './plane.js';
import { drawHistogram } from './histogram.js';
import { Curves, COLORS } from './charts.js';
import { VIEWS, HIGHLIGHTS } from './views.js';

export { VIEWS };

const BASE = new URL('.', import.meta.url);
/** Options the form leaves out: points are drawn on the plane; the page trains GANs (the
 * classifier experiment is the CLI's); the VAE beside a GAN has its σ in its own panel. */
const NOT_IN_FORM = ['points', 'experiment', 'vae_sigma'];
/** The VAE's σ choices in its panel (0: its maximum-likelihood value at each batch). */
const VAE_SIGMAS = ['1', '0.5', '0.25', '2', '0'];

/** The label of an option's value: `dataset.ring`, `optimizer_d.adam` → `opt.adam`, else the value. */
/** Saves `blob` as a file named `name`. */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url; a.download = name; a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Milliseconds per iteration, to about three significant digits. */
function fmtMs(ms) {
  return ms >= 100 ? Math.round(ms).toString() : ms >= 1 ? ms.toFixed(1) : ms.toPrecision(2);
}

function valueLabel(name, value) {
  for (const key of [`${name}.${value}`, `opt.${value}`]) if (has(key)) return t(key);
  return value;
}
/** The worker, also when this module comes from another origin (a page embedding Minimax from
 * elsewhere): a module worker must be same-origin, so a blob-URL shim imports the real one. */
function startWorker() {
  const url = new URL('./worker/main.js', import.meta.url);
  if (url.origin === location.origin) return new Worker(url, { type: 'module' });
  const shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
  return new Worker(shim, { type: 'module' });
}

/** The digits' modules (sample grids, the classifier's verdict, the VAE beside the GAN),
 * fetched with the first image snapshot: a page of 2-D data never loads them. */
let digitModules = null;
function loadDigits() {
  digitModules ??= Promise.all([import('./images.js'), import('./verdict.js'), import('./compare.js')])
    .then((modules) => Object.assign({}, ...modules));
  return digitModules;
}

/** Restarts after crashes: at most this many within RESTART_WINDOW_MS, then the page gives up. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

class MinimaxGan extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.latest = null;
    this.waiters = [];
    this.playing = false;
    this.kept = null;          // {bytes, iter, backend}: the worker's last kept checkpoint
    this.restarts = [];
    this.options = { ...VIEWS };
    this.arrowScale = null;    // fixedArrows: the scale, fixed at the first frame drawn with it
    this.vae = null;           // a VAE beside the GAN (compare.js), once asked for
    this.vaeGeneration = 0;    // bumped by every start and removal of the VAE
  }

  connectedCallback() {
    if (this.client || this.connecting) return;
    this.connecting = true;
    // setLanguage never rejects: a language that fails to load leaves English.
    setLanguage(chooseLanguage(this.getAttribute('lang'))).then(() => {
      this.connecting = false;
      if (this.isConnected && !this.client) this.connect();
    });
  }

  connect() {
    if (this.hasAttribute('views')) {
      try { this.setViews(JSON.parse(this.getAttribute('views')), { quiet: true }); } catch { /* the defaults */ }
    }
    // A GAN's presets only (the VAE's runs beside a GAN, see compare.js).
    const named = this.getAttribute('preset');
    this.presetName = Object.hasOwn(PRESETS, named) && !PRESETS[named].experiment ? named : 'ring';
    const preset = PRESETS[this.presetName];
    let options = {};
    let badOptions = null;
    if (this.hasAttribute('config')) {
      try {
        options = JSON.parse(this.getAttribute('config'));
        if (!options || typeof options !== 'object' || Array.isArray(options)) throw new Error('not a JSON object');
      } catch (e) {
        options = {};
        badOptions = e.message;
      }
    }
    if (options.experiment === 'vae') {
      // The element trains GANs; a VAE runs beside one ("Train a VAE beside it").
      badOptions = t('experimentOption', 'vae');
      delete options.experiment;
    }
    this.config = { ...preset, ...options };
    this.points = Array.isArray(this.config.points) ? this.config.points.map((p) => (Array.isArray(p) ? [...p] : p)) : [];
    this.backendChoice = ['auto', 'flex', 'wgpu'].includes(this.getAttribute('backend')) ? this.getAttribute('backend') : 'auto';
    this.render();
    this.watchVisibility();
    // The worker starts the preset and lays the options over it; if they are rejected, the
    // session runs the preset and the page says why.
    const init = { config: { ...preset }, options, backend: this.backendChoice };
    // Starting trained: the session starts from the checkpoint itself (so `auto` measures the
    // trained model), with the checkpoint's own config; other options are not applied.
    const starting = this.hasAttribute('pretrained') && this.pretrainedUrl()
      ? this.fetchPretrained().then((bytes) => {
        if (Object.keys(options).length) this.showError(t('pretrainedOptions', Object.keys(options).join(', ')));
        this.startedTrained = true;
        return this.start({ ...init, options: {}, checkpoint: bytes });
      }, () => this.start(init))
      : this.start(init);
    starting.then(() => {
      if (this.hasAttribute('autoplay')) this.play().catch(() => {});
    });
    if (badOptions) this.showError(t('badConfigAttr', badOptions));
  }

  disconnectedCallback() {
    this.removeVae();
    this.worker?.terminate();
    this.client?.fail('the element was removed');
    this.worker = this.client = null;
    this.visibility?.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.schema = null;         // connected again, the element renders (and builds its form) anew
  }

  /** A fresh worker and session. Resolves once the first snapshot is drawn (or the error shown). */
  async start(init) {
    this.worker?.terminate();
    this.worker = startWorker();
    this.client = new Client(this.worker, (msg) => this.onEvent(msg));
    this.worker.onerror = (e) => { e.preventDefault?.(); this.crashed(e.message || t('workerStopped')); };
    this.status(t('loading'));
    try {
      const r = await this.client.send('init', init, init.checkpoint ? [init.checkpoint.buffer] : []);
      if (r.schema && !this.schema) this.buildForm(r.schema);
      this.onConfig(r.config);
      if (r.rejected) this.showError(r.rejected);
      this.status(t('paused'));
      this.ready = true;
      this.dispatchEvent(new CustomEvent('ready', { detail: r.config }));
    } catch (e) {
      this.showError(e.message);
    }
  }

  /** The engine died (a panic, a crashed worker): a new worker goes on from the last kept
   * checkpoint, on the CPU if the GPU was involved. Nothing the user had is lost beyond the
   * seconds since that checkpoint, and the page says so. */
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
      this.showError(t('crashGiveUp', message));
      this.status(t('stopped'));
      return;
    }
    this.restarts.push(now);
    this.restarting = true;
    const wasPlaying = this.playing;
    this.playing = false;
    const kept = this.kept;
    const onGpu = backend === 'wgpu' || this.backend === 'wgpu';
    try {
      await this.start({
        config: this.config, options: {}, backend: onGpu ? 'flex' : this.backendChoice,
        checkpoint: kept ? kept.bytes.slice() : undefined,
      });
      this.showProblem(t('crashed', message, kept ? kept.iter : 0));
      if (wasPlaying) this.play().catch(() => {});
    } finally {
      this.restarting = false;
    }
    const again = this.crashedAgain;
    this.crashedAgain = null;
    if (again) this.crashed(again.message, again.backend);
  }

  /** Pauses while the page is hidden or the element is scrolled out of view (an embed among
   * several), and resumes when it shows again; the attribute keep-running turns this off. */
  watchVisibility() {
    let inView = true;
    const update = () => {
      const hidden = document.hidden || !inView;
      if (this.hasAttribute('keep-running')) return;
      if (hidden && this.playing) { this.resumeOnShow = true; this.request('pause').catch(() => {}); }
      else if (!hidden && this.resumeOnShow) { this.resumeOnShow = false; this.play().catch(() => {}); }
    };
    this.onVisibility = update;
    document.addEventListener('visibilitychange', update);
    this.visibility = new IntersectionObserver((entries) => { inView = entries[entries.length - 1].isIntersecting; update(); });
    // What is drawn, not the host: in one column the panels run on below the host's box
    // (100vh in the page), and the host scrolled out of view is no reason to pause.
    this.visibility.observe(this.$('.app'));
  }

  // ---- Public API -------------------------------------------------------------------------
  play() { return this.request('play'); }
  pause() { this.resumeOnShow = false; return this.request('pause'); }
  stepD() { return this.request('step', { what: 'd' }); }
  stepG() { return this.request('step', { what: 'g' }); }
  step() { return this.request('step', { what: 'iteration' }); }
  reset() { return this.configure({}, { fresh: true }); }

  /** Sends a request; a refusal is shown and rejects the promise. */
  request(type, args, transfer) {
    if (!this.client) return Promise.reject(new Error(t('workerStopped')));
    return this.client.send(type, args, transfer).catch((e) => { this.showError(e.message); throw e; });
  }

  /** Lays `options` over the current config (the engine merges them and drops options that no
   * longer apply): live options (the schema's `live`) go into the running game, keeping its
   * weights, unless `fresh`; any other change starts a new run. Resolves with the config in use; rejects with the
   * engine's message, leaving the running session as it was. */
  async configure(options = {}, { fresh = false } = {}) {
    if (options.experiment === 'vae') {
      const message = t('experimentOption', 'vae');
      this.showError(message);
      throw new Error(message);
    }
    const overrides = { ...options };
    const dataset = overrides.dataset ?? this.config.dataset;
    if (dataset === 'points' && !('points' in overrides)) overrides.points = this.points;
    const r = await this.request('configure', { options: overrides, fresh });
    if (r.live) {
      // The running game took the change: its weights, curves and VAE go on.
      this.config = r.config;
      this.syncForm();
    } else {
      this.onConfig(r.config);
      this.newRun(false);
    }
    this.showChange(r.live, Object.keys(options));
    this.dispatchEvent(new CustomEvent('configured', { detail: { config: r.config, live: r.live, options } }));
    return r.config;
  }

  /** Says whether a change of the form went into the running game or started a new run. */
  showChange(live, names) {
    if (!names.length) return;
    this.notice(t(live ? 'changeLive' : 'changeNewRun', names.map((n) => (has(`field.${n}`) ? t(`field.${n}`) : n)).join(', ')));
    this.noticeKey = 'change';
  }

  /** Turns views on or off (keys of VIEWS; others are ignored) and redraws. */
  setViews(views, { quiet = false } = {}) {
    if (!views || typeof views !== 'object') return;
    for (const [k, v] of Object.entries(views)) {
      if (!Object.hasOwn(VIEWS, k) || typeof v !== 'boolean') continue;
      if (k === 'fixedArrows' && v && !this.options.fixedArrows) this.arrowScale = null;
      this.options[k] = v;
    }
    if (this.shadowRoot.querySelector('form.controls')) {
      const form = this.$('form.controls');
      for (const k of Object.keys(VIEWS)) if (form.elements[k]) form.elements[k].checked = this.options[k];
      this.$('.plane-panel h2').textContent = this.planeTitle();
      if (this.latest) this.draw(this.latest);
    }
    if (!quiet) this.dispatchEvent(new CustomEvent('viewchange', { detail: this.views() }));
  }

  views() { return { ...this.options }; }

  /** Scrolls the first panel a lesson points at into view, if it is out of it. */
  revealHighlight() {
    const panel = [...this.shadowRoot.querySelectorAll('.highlight')].find((p) => !p.hidden && p.offsetParent);
    const r = panel?.getBoundingClientRect();
    if (r && (r.top < 0 || r.bottom > innerHeight)) panel.scrollIntoView({ block: 'start' });
  }

  /** D/(1 − D) is a density ratio only where D is a probability (the engine's schema says
   * for which losses); for a hinge or Wasserstein critic the view shows D. */
  ratioShown() {
    return this.options.ratio && Boolean(this.schema?.losses?.[this.config?.loss]?.d_is_probability);
  }

  planeTitle() {
    if (this.ratioShown()) return this.options.showDStar ? t('planeTitleRatioStar') : t('planeTitleRatio');
    const title = this.options.showDStar ? t('planeTitleStar') : t('planeTitle');
    return this.options.ratio ? `${title} · ${t('ratioNotHere')}` : title;
  }

  /** Speaks `l` from now on: the whole element is drawn again in it, nothing of the run lost
   * (curves, form, evaluations, the VAE beside it). */
  async switchLanguage(l) {
    l = await setLanguage(l);
    this.setAttribute('lang', l);
    if (!this.curves) return l;
    const curves = this.curves;
    // What the form and the panels show beyond the config: kept across the new DOM.
    const kept = {
      sigma: this.$('select.vae-sigma').value, speed: this.$('select[name=speed]').value,
      vaeShown: !this.$('.vae-figure').hidden, notice: this.$('.notice').hidden ? null : this.$('.notice').textContent,
      error: this.$('.error').hidden ? null : this.$('.error').textContent, status: this.$('.status').textContent,
    };
    this.render();
    this.visibility?.disconnect();
    this.visibility?.observe(this.$('.app'));
    this.$('select.vae-sigma').value = kept.sigma;
    this.$('select[name=speed]').value = kept.speed;
    if (kept.notice) this.notice(kept.notice);
    if (kept.error) { this.$('.error').textContent = kept.error; this.$('.error').hidden = false; }
    for (const [k, c] of Object.entries(curves)) {
      this.curves[k].data = c.data;
      this.curves[k].plot.setData(c.data);
    }
    if (this.schema) this.buildForm(this.schema);
    if (this.backend) this.showBackend({ backend: this.backend, timings: this.backendTimings });
    this.$('.play').textContent = this.playing ? t('pause') : t('play');
    this.$('.play').setAttribute('aria-pressed', String(this.playing));
    this.status(this.ready ? (this.playing ? t('playing') : t('paused')) : kept.status);
    if (this.latestEvaluation) this.onEvaluation(this.latestEvaluation, { again: true });
    if (kept.vaeShown) {
      // Running, or still starting (its checkpoint on the way).
      this.showVaeState(true);
      if (this.vaeLatest) this.drawVae(this.vaeLatest);
      else this.$('.vae-caption').textContent = t('loading');
    }
    this.drawComparison();
    if (this.latest) this.draw(this.latest);
    this.dispatchEvent(new CustomEvent('languagechange', { detail: l }));
    return l;
  }

  /** Moves the session to a backend ("flex", "wgpu") through a checkpoint, or "auto": measure
   * both and keep the faster. Resolves with {backend, timings?}. */
  setBackend(backend) {
    this.backendChoice = backend;
    return this.request('backend', { backend });
  }

  /** A checkpoint of the session: {bytes, iter}. */
  checkpoint() { return this.request('checkpoint'); }

  /** The refusal of a checkpoint of `size` bytes, larger than any a config within the engine's
   * budget writes; null if it may be one. */
  oversized(size) {
    const max = this.schema?.budget?.checkpoint_bytes;
    if (!max || size <= max) return null;
    // In MB, or in bytes where MB would round the two sizes to one figure.
    const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
    const [a, b] = mb(size) === mb(max) ? [`${size} B`, `${max} B`] : [mb(size), mb(max)];
    return t('checkpointTooLarge', a, b);
  }

  /** Replaces the session with a checkpoint's (validated whole first; a bad one is refused
   * with a message and the session goes on). */
  async restore(bytes, { trained = false } = {}) {
    const refusal = this.oversized(bytes.byteLength);
    if (refusal) {
      this.showError(refusal);
      throw new Error(refusal);
    }
    const copy = new Uint8Array(bytes).slice();
    const r = await this.request('restore', { bytes: copy }, [copy.buffer]);
    this.onConfig(r.config);
    this.newRun(trained);
    return r.config;
  }

  /** The user replaced the run (`trained`: by the preset's trained checkpoint): a VAE beside
   * the old one starts again beside the new one, if it makes digits. */
  newRun(trained) {
    this.startedTrained = trained;
    const had = this.vae?.running;
    this.removeVae();
    if (had && this.config.dataset === 'mnist') this.startVae().catch(() => {});
  }

  /** Why a VAE cannot run beside this GAN as its like (the same players and codes), or null. */
  vaeRefusal() {
    if (this.config.dataset !== 'mnist') return t('vaeNeedsDigits');
    if (this.config.model !== 'dcgan' || this.config.latent !== 'gaussian') return t('vaeNeedsDcgan');
    return null;
  }

  // ---- A VAE beside the GAN (digits) ----------------------------------------------------------

  /** Starts a VAE beside the GAN: the same players, batch, seed and budget (compare.js); trained
   * too if the GAN started from the trained checkpoint. Resolves once it runs. */
  async startVae() {
    const refusal = this.vaeRefusal();
    if (refusal) {
      this.showError(refusal);
      throw new Error(refusal);
    }
    // Each start (and each removal) is a generation: an older start that finishes, or fails,
    // after a newer one began touches nothing.
    const generation = ++this.vaeGeneration;
    const { VaeBeside, GAN_PRESET, VAE_PRESET } = this.dm ??= await loadDigits();
    this.vae ??= new VaeBeside(startWorker, {
      snapshot: (s) => { this.drawVae(s); this.dispatchEvent(new CustomEvent('vae-snapshot', { detail: s })); },
      evaluation: (e) => {
        this.vaeEvaluation = e;
        this.drawComparison();
        this.dispatchEvent(new CustomEvent('vae-evaluation', { detail: e }));
      },
      problem: (m) => this.showError(`VAE: ${m}`),
      stopped: (m) => {
        this.vaeGeneration++;
        this.showError(t('vaeStopped', m));
        this.vaeEvaluation = null;
        this.showVaeState(false);
        this.drawComparison();
      },
    });
    this.vae.follow(this.latest?.iter ?? 0);
    this.vaeEvaluation = null;
    this.showVaeState(true);
    this.$('.vae-caption').textContent = t('loading');
    try {
      let checkpoint;
      const sigma = Number(this.$('select.vae-sigma').value);
      // The trained VAE was made with the preset's σ (1).
      if (this.startedTrained && sigma === 1 && this.presetName === GAN_PRESET && Object.hasOwn(PRETRAINED, VAE_PRESET)) {
        try {
          const response = await fetch(new URL(`../pretrained/${VAE_PRESET}.ckpt`, BASE));
          if (!response.ok) throw new Error(`${VAE_PRESET}.ckpt: HTTP ${response.status}`);
          checkpoint = new Uint8Array(await response.arrayBuffer());
        } catch (e) {
          // Without its trained checkpoint, the VAE starts fresh and catches up.
          if (generation === this.vaeGeneration) this.showError(t('vaeNoTrained', e.message));
        }
      }
      if (generation !== this.vaeGeneration) return;
      await this.vae.start({ ...this.config, vae_sigma: sigma }, this.backend, checkpoint);
    } catch (e) {
      if (generation !== this.vaeGeneration) return; // superseded: the newer start reports
      this.removeVae();
      this.showError(`VAE: ${e.message}`);
      throw e;
    }
  }

  removeVae() {
    this.vaeGeneration = (this.vaeGeneration ?? 0) + 1;
    this.vae?.stop();
    this.vaeEvaluation = null;
    if (this.shadowRoot?.querySelector('.compare-panel')) {
      this.showVaeState(false);
      this.drawComparison();
    }
  }

  showVaeState(on) {
    this.$('.vae-start').hidden = on;
    this.$('.vae-stop').hidden = !on;
    this.$('.vae-figure').hidden = !on;
    this.$('.vae-elbo').textContent = '';
  }

  drawVae(s) {
    if (!s.images) return;
    this.vaeLatest = s;
    const { drawGrid, decode } = this.dm;
    drawGrid(this.$('canvas.vae-grid'), decode(s.images.fake), s.images.side, 8);
    this.$('.vae-caption').textContent = t('vaeGrid', s.iter);
    this.$('.vae-elbo').textContent = t('vaeElbo', s.elbo.toFixed(1), s.reconstruction.toFixed(1), s.kl.toFixed(1), s.sigma.toFixed(3), s.iter);
  }

  /** The table: IS, FID, sharpness and digits seen of the GAN, the VAE and the real digits. */
  drawComparison() {
    const cols = [this.latestEvaluation, this.vaeEvaluation, this.latestEvaluation?.real ?? this.vaeEvaluation?.real];
    const cell = (e, f) => (e ? f(e) : '–');
    const rows = {
      iter: (e) => (e.iter == null ? '' : String(e.iter)),
      is: (e) => e.is.toFixed(2),
      fid: (e) => e.fid.toFixed(1),
      sharpness: (e) => e.sharpness.toFixed(4),
      digits: (e) => `${e.classes.filter((c) => c > 0).length}/10`,
    };
    for (const [name, f] of Object.entries(rows)) {
      const tds = this.shadowRoot.querySelectorAll(`tr.cmp-${name} td`);
      cols.forEach((e, i) => { tds[i].textContent = cell(e, f); });
    }
    const n = (this.latestEvaluation ?? this.vaeEvaluation)?.n;
    this.$('.cmp-note').textContent = t('compareNote', n ?? 1000);
  }

  /** The metric history, kept in the worker: {columns, rows}. */
  history() { return this.request('history'); }

  /** Times `iters` training iterations in the worker, after training for `warmupMs`, in
   * `chunks` consecutive parts; resolves with {backend, iters, ms_per_iter, chunk_ms}. */
  benchmark(iters, { warmupMs = 0, chunks = 10 } = {}) {
    return this.request('bench', { iters, warmupMs, chunks });
  }

  /** Test hook: "panic" (a Rust panic in the engine) or "device-lost" (the GPU session fails
   * as a lost device would). The page must recover from each with nothing lost. */
  fault(kind) { return this.request('fault', { kind }); }

  /** The latest snapshot (waits for the first one). */
  snapshot() {
    if (this.latest) return Promise.resolve(this.latest);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  // ---- Worker events ------------------------------------------------------------------------
  onConfig(config) {
    this.config = config;
    this.arrowScale = null;
    if (Array.isArray(config.points)) this.points = config.points.map((p) => [...p]);
    this.syncForm();
    this.clearCurves();
  }

  onEvent(msg) {
    switch (msg.event) {
      case 'snapshot': this.onSnapshot(msg.snapshot); break;
      case 'backend': this.showBackend(msg); break;
      case 'notice': this.showNotice(msg.notice); break;
      case 'saved': this.kept = msg; break;
      case 'problem': this.showProblem(this.problemText(msg)); break;
      case 'fatal': this.crashed(msg.message, msg.backend); break;
      case 'evaluation': this.onEvaluation(msg.evaluation); break;
      case 'state':
        this.playing = msg.playing;
        this.$('.play').textContent = this.playing ? t('pause') : t('play');
        this.$('.play').setAttribute('aria-pressed', String(this.playing));
        this.status(this.playing ? t('playing') : t('paused'));
        break;
    }
  }

  problemText({ kind, message, iter }) {
    if (kind === 'diverged') return t('diverged', message, iter ?? 0);
    if (kind === 'device-lost' || kind === 'readback-timeout') return t('deviceLost', message, iter ?? 0);
    return message;
  }

  onSnapshot(s) {
    this.latest = s;
    // The VAE's budget: here, not in the drawing (which a hidden page skips).
    if (s.images) this.vae?.follow(s.iter);
    this.waiters.splice(0).forEach((w) => w(s));
    this.dispatchEvent(new CustomEvent('snapshot', { detail: s }));
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = null; this.draw(this.latest); });
  }

  draw(s) {
    if (!s) return;
    if (this.firstDrawAt === undefined && (s.plane || s.images)) {
      this.firstDrawAt = performance.now();
      this.dispatchEvent(new CustomEvent('firstdraw'));
    }
    const stats = this.$('.stats');
    const parts = [`${t('iteration')} ${s.iter}`];
    if (s.iters_per_sec) parts.push(`${s.iters_per_sec >= 10 ? Math.round(s.iters_per_sec) : s.iters_per_sec >= 1 ? s.iters_per_sec.toFixed(1) : s.iters_per_sec.toPrecision(2)} ${t('itersPerSec')}`);
    if (s.modes != null) parts.push(`${t('modes')} ${s.modes}/${s.modes_total}`, `${t('hq')} ${Math.round(s.hq * 100)}%`);
    if (s.jsd != null) parts.push(t('jsdStat', s.jsd.toFixed(3), (s.jsd / Math.LN2).toFixed(2), s.jsd_bandwidth?.toPrecision(2) ?? '?'));
    // V(D, G), reported by the engine where D plays it (the minimax and non-saturating losses).
    const fix3 = (x) => (Math.abs(x) < 5e-4 ? 0 : x).toFixed(3);
    if (s.value != null) parts.push(s.value_star != null ? t('valueStat', fix3(s.value), fix3(s.value_star)) : t('valueOnlyStat', fix3(s.value)));
    if (s.dominant_mode != null && s.dominant_mode >= 0) parts.push(t('dominantStat', s.dominant_mode + 1, Math.round(s.dominant_share * 100)));
    stats.textContent = parts.join(' · ');
    this.$('.plane-panel').hidden = !s.plane;
    this.$('.images-panel').hidden = !s.images;
    this.$('.jsd-panel').hidden = s.jsd == null;
    this.$('.eval-panel').hidden = !s.images;
    this.$('.compare-panel').hidden = !s.images;
    // Digits: the page grows below the viewport for the GAN-and-VAE panel (page.css).
    this.toggleAttribute('data-compare', Boolean(s.images));
    if (s.images) this.$('.gan-caption').textContent = t('ganGrid', s.iter);
    if (s.plane) {
      if (this.options.fixedArrows && this.arrowScale == null) {
        this.arrowScale = Math.max(1e-12, ...s.plane.g_grad.map(([gx, gy]) => Math.hypot(gx, gy)));
        this.arrowScaleIter = s.iter;
      }
      const arrowScale = this.options.fixedArrows ? this.arrowScale : null;
      this.planeTransform = drawPlane(this.$('canvas.plane'), s.plane, { ...this.options, ratio: this.ratioShown(), arrowScale, userPoints: this.config.dataset === 'points' ? this.points : [] });
      this.$('.plane-panel h2').textContent = this.planeTitle() + (arrowScale ? ` · ${t('arrowsFixedAt', this.arrowScaleIter)}` : '');
    }
    if (s.images) {
      if (this.dm) this.drawImages(s.images);
      else loadDigits().then((dm) => { this.dm = dm; this.draw(this.latest); });
    }
    drawHistogram(this.$('canvas.hist'), s, { half: t('histHalf'), real: t('real'), fake: t('fake') });
    this.curves.loss.push(s.iter, [s.d_loss, s.g_loss, s.d_loss_eq ?? null, s.g_loss_eq ?? null]);
    this.curves.grad.push(s.iter, [Math.max(s.grad_d, 1e-8), Math.max(s.grad_g, 1e-8)]);
    // D's value bounds the JSD from below (the engine's jsd_lower_bound); ln 2 its maximum.
    this.curves.jsd.push(s.iter, [s.jsd ?? null, s.jsd_lower_bound ?? null, Math.LN2]);
    this.$('.mode-panel').hidden = s.dominant_mode == null || !this.options.modeChart;
    if (s.dominant_mode != null) this.curves.mode.push(s.iter, [s.dominant_mode >= 0 ? s.dominant_mode + 1 : null]);
    this.$('.ov-dreal').textContent = s.d_real.toFixed(2);
    this.$('.ov-dfake').textContent = s.d_fake.toFixed(2);
  }

  /** The badge names the backend training now; after `auto` measured both, their figures. */
  showBackend({ backend, reason, timings, message }) {
    this.backend = backend;
    if (timings) this.backendTimings = timings;
    const badge = this.$('.backend');
    let text = `${t('backendInUse')}: ${t(`backend.${backend}`)}`;
    if (timings) text += ` · ${t('measured', fmtMs(timings.flex), fmtMs(timings.wgpu))}`;
    badge.textContent = text;
    badge.dataset.backend = backend;
    if (reason === 'webgpu-failed') this.showNotice(`webgpu-failed: ${message}`);
    if (reason === 'webgpu-missing') this.showNotice('webgpu-missing');
    this.$('select[name=backend]').value = this.backendChoice;
  }

  drawImages(images) {
    const side = images.side;
    const { drawGrid, decode } = this.dm;
    drawGrid(this.$('canvas.fake-grid'), decode(images.fake), side, 8);
    drawGrid(this.$('canvas.real-grid'), decode(images.real), side, 8);
    drawGrid(this.$('canvas.walk'), decode(images.walk), side, 10);
    drawGrid(this.$('canvas.gan-grid'), decode(images.fake), side, 8);
  }

  /** Digits: the classifier's scores of G's samples, with the real digits' beside them. */
  onEvaluation(e, { again = false } = {}) {
    if (!e) return;
    if (!this.dm) {
      const run = this.run;
      loadDigits().then((dm) => { this.dm = dm; if (run === this.run) this.onEvaluation(e, { again }); });
      return;
    }
    if (!again) this.evaluations = (this.evaluations ?? []).filter((x) => x.iter < e.iter).concat([e]).slice(-60);
    this.latestEvaluation = e;
    const present = e.classes.filter((c) => c > 0).length;
    this.$('.eval-scores').textContent = t('evalScores', e.iter, e.is.toFixed(2), e.real.is.toFixed(2), e.fid.toFixed(1), e.real.fid.toFixed(1), present, e.n);
    this.dm.drawVerdict(this.$('canvas.verdict'), this.evaluations);
    this.drawComparison();
    if (!again) this.dispatchEvent(new CustomEvent('evaluation', { detail: e }));
  }

  /** The classifier's scores of the generator's digits now (a GAN on MNIST only; a VAE beside
   * it is scored too, its result reported by the event `vae-evaluation`). */
  evaluate() {
    this.vae?.evaluate();
    return this.request('evaluate');
  }

  /** Where the preset's pretrained checkpoint is, or null when it has none. */
  pretrainedUrl() {
    return Object.hasOwn(PRETRAINED, this.presetName) ? new URL(`../pretrained/${this.presetName}.ckpt`, BASE) : null;
  }

  /** The preset's pretrained checkpoint, fetched (a failure is shown and rejects). */
  async fetchPretrained() {
    const url = this.pretrainedUrl();
    if (!url) throw new Error(t('noPretrained', this.presetName));
    this.notice(t('loadingPretrained'));
    this.noticeKey = 'loading-pretrained';
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    } catch (e) {
      this.showError(e.message);
      throw e;
    } finally {
      if (this.noticeKey === 'loading-pretrained') this.notice('');
    }
  }

  /** Replaces the session with the preset's pretrained checkpoint (checked as an uploaded one
   * is). Resolves with the config in use. */
  async loadPretrained() {
    return this.restore(await this.fetchPretrained(), { trained: true });
  }

  /** Downloads a checkpoint of the session (also of a WebGPU one: read asynchronously). */
  async downloadCheckpoint() {
    const { bytes, iter } = await this.checkpoint();
    download(new Blob([bytes], { type: 'application/octet-stream' }), `minimax-${iter}.ckpt`);
  }

  /** Downloads the metric history as CSV or JSON. */
  async exportHistory(format) {
    const { columns, rows } = await this.history();
    const body = format === 'csv'
      ? [columns.join(','), ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))).join(','))].join('\n') + '\n'
      : JSON.stringify({ config: this.config, columns, rows });
    download(new Blob([body], { type: format === 'csv' ? 'text/csv' : 'application/json' }), `minimax-history-${this.latest?.iter ?? 0}.${format}`);
  }

  /** Downloads the 8×8 grid of samples as a PNG, one image pixel per digit pixel. */
  async saveSamples() {
    const images = this.latest?.images;
    if (!images) return;
    const { samplesPng, decode } = this.dm ??= await loadDigits();
    download(await samplesPng(decode(images.fake), images.side), `minimax-samples-${this.latest.iter}.png`);
  }

  /** A chart as a PNG blob: `plane`, `histogram`, `loss`, `gradients`, `jsd`, `mode` or
   * `verdict` (export.js is fetched with the first). */
  async chartPng(name) {
    const { chartPng } = await import('./export.js');
    if (name === 'plane') {
      const canvas = this.$('canvas.plane');
      const { size, width } = planeExtent(canvas.clientWidth, canvas.clientHeight, this.options.showDStar ? 2 : 1);
      return chartPng(canvas, this.$('.plane-panel h2').textContent, [], { width, height: size });
    }
    if (name === 'histogram') return chartPng(this.$('canvas.hist'), this.$('.hist-panel h2').textContent);
    if (name === 'verdict') return chartPng(this.$('canvas.verdict'), this.$('.eval-panel h2').textContent, [], null, this.$('.eval-scores').textContent);
    const curves = { loss: this.curves.loss, gradients: this.curves.grad, jsd: this.curves.jsd, mode: this.curves.mode }[name];
    if (!curves) throw new Error(`no chart named ${name}`);
    return curves.png();
  }

  async saveChart(name) {
    download(await this.chartPng(name), `minimax-${name}-${this.latest?.iter ?? 0}.png`);
  }

  showNotice(notice) {
    if (!notice) {
      // The end of a notice that lasts only while something loads.
      if (this.noticeKey === 'loading-mnist') this.notice('');
      return;
    }
    const [key, ...rest] = notice.split(': ');
    this.noticeKey = key;
    this.notice(t(`notice.${key}`, rest.join(': ')));
  }

  /** A new run: its curves and its verdicts start empty. */
  clearCurves() {
    this.run = (this.run ?? 0) + 1;
    Object.values(this.curves).forEach((c) => c.clear());
    this.evaluations = [];
    this.latestEvaluation = null;
    this.$('.eval-scores').textContent = t('evalNone');
    this.dm?.drawVerdict(this.$('canvas.verdict'), []);
    this.drawComparison();
  }

  // ---- DOM -------------------------------------------------------------------------------------
  $(sel) { return this.shadowRoot.querySelector(sel); }
  status(text) { this.$('.status').textContent = text; }
  notice(text) { const n = this.$('.notice'); n.textContent = text; n.hidden = !text; }
  /** Something went wrong and was handled (a roll-back, a restart, a move to the CPU). */
  showProblem(text) {
    const el = this.$('.notice');
    el.textContent = text;
    el.hidden = false;
    this.noticeKey = 'problem';
  }

  showError(message) {
    const el = this.$('.error');
    el.textContent = `${t('errorPrefix')}: ${message}`;
    el.hidden = false;
    clearTimeout(this.errorTimer);
    this.errorTimer = setTimeout(() => { el.hidden = true; }, 12000);
  }

  render() {
    // A closed set: the attribute (which a URL parameter may set) never reaches the HTML.
    const chrome = ['full', 'minimal', 'none'].includes(this.getAttribute('chrome')) ? this.getAttribute('chrome') : 'full';
    const opt = (name, v) => `<option value="${v}">${t(`${name}.${v}`)}</option>`;
    const png = (chart) => `<button type="button" class="png" data-chart="${chart}" title="${t('savePng')}" aria-label="${t('savePngOf', t(`chart.${chart}`))}">PNG</button>`;
    this.shadowRoot.innerHTML = `
      <link rel="stylesheet" href="${new URL('minimax-gan.css', BASE)}">
      <link rel="stylesheet" href="${new URL('vendor/uPlot.min.css', BASE)}">
      <div class="app" data-chrome="${chrome}">
        <header>
          <h1>${t('title')}</h1>
          <label class="lang-switch">${t('language')} <select class="lang">${Object.entries(LANGUAGES).map(([code, name]) => `<option value="${code}"${code === language() ? ' selected' : ''}>${name}</option>`).join('')}</select></label>
          <span class="backend" aria-live="polite"></span>
          <span class="stats" aria-live="off"></span>
          <span class="status" aria-live="polite"></span>
        </header>
        <div class="messages">
          <p class="notice" role="status" hidden></p>
          <p class="error" role="alert" hidden></p>
        </div>
        <nav class="buttons" aria-label="${t('title')}">
          <button class="play" aria-pressed="false">${t('play')}</button>
          <button class="stepD" title="${t('stepDHelp')}">${t('stepD')}</button>
          <button class="stepG" title="${t('stepGHelp')}">${t('stepG')}</button>
          <button class="step" title="${t('stepHelp')}">${t('step')}</button>
          <button class="reset">${t('reset')}</button>
          <span class="files">
            <button class="pretrained" title="${t('pretrainedHelp')}" hidden>${t('pretrainedButton')}</button>
            <button class="save-checkpoint" title="${t('saveCheckpointHelp')}">${t('saveCheckpoint')}</button>
            <label class="file-button" title="${t('loadCheckpointHelp')}">${t('loadCheckpoint')}<input type="file" class="load-checkpoint" accept=".ckpt,application/octet-stream"></label>
            <button class="export-csv">${t('exportCsv')}</button>
            <button class="export-json">${t('exportJson')}</button>
          </span>
        </nav>
        <form class="controls">
          <div class="options"></div>
          <p class="draw-hint" hidden>${t('drawHint')} <button type="button" class="clear-points">${t('clearPoints')}</button></p>
          <label>${t('speed')}<select name="speed">${['max', '20', '5', '1'].map((v) => opt('speed', v)).join('')}</select></label>
          <label>${t('backend')}<select name="backend">${opt('backend', 'auto')}${opt('backend', 'wgpu')}${opt('backend', 'flex')}</select></label>
          ${Object.keys(VIEWS).map((v) => `<label class="check view"><input type="checkbox" name="${v}"${this.options[v] ? ' checked' : ''}> ${t(`view.${v}`)}</label>`).join('')}
        </form>
        <section class="panel plane-panel">${png('plane')}<h2>${this.planeTitle()}</h2><canvas class="plane" role="img" aria-label="${t('planeTitle')}"></canvas></section>
        <section class="panel images-panel" hidden>
          <h2>${t('imagesTitle')}</h2>
          <div class="grids">
            <figure><canvas class="fake-grid" role="img" aria-label="${t('fakeGrid')}"></canvas><figcaption>${t('fakeGrid')}</figcaption></figure>
            <figure><canvas class="real-grid" role="img" aria-label="${t('realGrid')}"></canvas><figcaption>${t('realGrid')}</figcaption></figure>
          </div>
          <figure class="walk-figure"><canvas class="walk" role="img" aria-label="${t('walk')}"></canvas><figcaption>${t('walk')}</figcaption></figure>
          <button type="button" class="save-samples">${t('saveSamples')}</button>
        </section>
        <section class="panel compare-panel" hidden>
          <h2>${t('compareTitle')}</h2>
          <div class="cmp-body">
          <div class="grids">
            <figure><canvas class="gan-grid" role="img" aria-label="${t('ganGridLabel')}"></canvas><figcaption class="gan-caption"></figcaption></figure>
            <figure class="vae-figure" hidden><canvas class="vae-grid" role="img" aria-label="${t('vaeGridLabel')}"></canvas><figcaption class="vae-caption"></figcaption></figure>
          </div>
          <div class="cmp-side">
          <p class="compare-help">${t('compareHelp')}</p>
          <p class="vae-elbo" aria-live="off"></p>
          <table class="cmp">
            <thead><tr><th></th><th scope="col">GAN</th><th scope="col">VAE</th><th scope="col">${t('realDigits')}</th></tr></thead>
            <tbody>
              <tr class="cmp-iter"><th scope="row">${t('iteration')}</th><td></td><td></td><td></td></tr>
              <tr class="cmp-is"><th scope="row">${t('cmpIs')}</th><td></td><td></td><td></td></tr>
              <tr class="cmp-fid"><th scope="row">${t('cmpFid')}</th><td></td><td></td><td></td></tr>
              <tr class="cmp-sharpness"><th scope="row">${t('cmpSharpness')}</th><td></td><td></td><td></td></tr>
              <tr class="cmp-digits"><th scope="row">${t('cmpDigits')}</th><td></td><td></td><td></td></tr>
            </tbody>
          </table>
          <p class="cmp-note"></p>
          <label class="vae-sigma-label" title="${t('vaeSigmaHelp')}">${t('vaeSigma')} <select class="vae-sigma">${VAE_SIGMAS.map((v) => `<option value="${v}">${v === '0' ? t('vaeSigmaLearned') : v}</option>`).join('')}</select></label>
          <button type="button" class="vae-start" title="${t('vaeStartHelp')}">${t('vaeStart')}</button>
          <button type="button" class="vae-stop" hidden>${t('vaeStop')}</button>
          </div>
          </div>
        </section>
        <section class="panel hist-panel">${png('histogram')}<h2>${t('histTitle')}</h2><canvas class="hist" role="img" aria-label="${t('histTitle')}"></canvas></section>
        <section class="curves">
        <div class="panel overview" aria-label="${t('overview')}">
          <h2>${t('overview')}</h2>
          <div class="flow">
            <span class="node">${t('noise')}</span><span class="arrow">→</span>
            <span class="node g">${t('generator')}</span><span class="arrow">→</span>
            <span class="node fake">${t('sample')}</span><span class="arrow">→</span>
            <span class="node d">${t('discriminator')}</span><span class="arrow">→</span>
            <span class="node">${t('decision')} <b class="ov-dfake"></b></span>
          </div>
          <div class="flow">
            <span class="node real">${t('data')}</span><span class="arrow">→</span>
            <span class="node d">${t('discriminator')}</span><span class="arrow">→</span>
            <span class="node">${t('decision')} <b class="ov-dreal"></b></span>
          </div>
        </div>
        <div class="panel curve loss-panel">${png('loss')}<div class="loss-chart"></div></div>
        <div class="panel curve grad-panel">${png('gradients')}<div class="grad-chart"></div></div>
        <div class="panel curve jsd-panel">${png('jsd')}<div class="jsd-chart"></div></div>
        <div class="panel curve mode-panel" hidden>${png('mode')}<div class="mode-chart"></div></div>
        <div class="panel curve eval-panel" hidden>${png('verdict')}
          <h2>${t('evalTitle')}</h2>
          <p class="eval-scores" aria-live="polite">${t('evalNone')}</p>
          <canvas class="verdict" role="img" aria-label="${t('verdictLabel')}"></canvas>
          <button type="button" class="evaluate" title="${t('evaluateHelp')}">${t('evaluate')}</button>
        </div>
        </section>
        <footer>${t('credits')}</footer>
      </div>`;
    // Charts need their CSS laid out first.
    requestAnimationFrame(() => {});
    const dash = [5, 4];
    this.curves = {
      loss: new Curves(this.$('.loss-chart'), { title: t('lossTitle'), series: [
        { label: t('dLoss'), color: COLORS.d }, { label: t('gLoss'), color: COLORS.g },
        { label: t('dEq'), color: COLORS.d, dash }, { label: t('gEq'), color: COLORS.g, dash }] }),
      grad: new Curves(this.$('.grad-chart'), { title: t('gradTitle'), log: true, series: [
        { label: t('gradD'), color: COLORS.d }, { label: t('gradG'), color: COLORS.g }] }),
      jsd: new Curves(this.$('.jsd-chart'), { title: t('jsdTitle'), yRange: [0, 0.75], series: [
        { label: t('jsd'), color: '#333' }, { label: t('jsdFromD'), color: COLORS.d }, { label: t('ln2'), color: '#999', dash }] }),
      mode: new Curves(this.$('.mode-chart'), { title: t('modeTitle'), series: [{ label: t('modeSeries'), color: COLORS.g }] }),
    };
    this.wire();
    // Only names of the closed set reach a selector.
    for (const name of (this.getAttribute('highlight') ?? '').split(/\s+/)) {
      if (Object.hasOwn(HIGHLIGHTS, name)) this.$(HIGHLIGHTS[name]).classList.add('highlight');
    }
  }

  wire() {
    const on = (sel, ev, f) => this.$(sel).addEventListener(ev, f);
    // Refusals are shown by request(); the buttons need nothing more.
    const quiet = (f) => () => f().catch(() => {});
    on('.play', 'click', quiet(() => (this.playing ? this.pause() : this.play())));
    on('.stepD', 'click', quiet(() => this.stepD()));
    on('.stepG', 'click', quiet(() => this.stepG()));
    on('.step', 'click', quiet(() => this.step()));
    on('.reset', 'click', quiet(() => this.reset()));
    on('select.lang', 'change', (e) => { this.switchLanguage(e.target.value).catch((err) => this.showError(err.message)); });
    on('.save-checkpoint', 'click', quiet(() => this.downloadCheckpoint()));
    on('.pretrained', 'click', quiet(() => this.loadPretrained()));
    this.$('.pretrained').hidden = !this.pretrainedUrl();
    on('.load-checkpoint', 'change', (e) => {
      const file = e.target.files[0];
      e.target.value = '';
      if (!file) return;
      // The size is known before anything is read: a file larger than any checkpoint the
      // budget allows is not read at all.
      const refusal = this.oversized(file.size);
      if (refusal) return this.showError(refusal);
      file.arrayBuffer().then((b) => this.restore(b)).catch(() => {});
    });
    on('.export-csv', 'click', quiet(() => this.exportHistory('csv')));
    on('.export-json', 'click', quiet(() => this.exportHistory('json')));
    on('.clear-points', 'click', () => { this.points = []; this.draw(this.latest); });
    on('.save-samples', 'click', () => this.saveSamples());
    on('.evaluate', 'click', quiet(() => this.evaluate()));
    on('.vae-start', 'click', quiet(() => this.startVae()));
    on('.vae-stop', 'click', () => this.removeVae());
    // A new σ is a new VAE (beside the same GAN, from scratch unless σ is the trained one's).
    on('select.vae-sigma', 'change', () => { if (this.vae?.running) this.startVae().catch(() => {}); });
    for (const b of this.shadowRoot.querySelectorAll('button.png')) b.addEventListener('click', () => this.saveChart(b.dataset.chart).catch((e) => this.showError(e.message)));
    const form = this.$('form.controls');
    // Enter in a field would submit the form (a navigation the CSP's form-action refuses): the
    // change event applies the value; the submission itself is dropped here, not by an inline
    // handler, which the CSP refuses as well.
    form.addEventListener('submit', (e) => e.preventDefault());
    form.addEventListener('change', (e) => {
      const el = e.target;
      if (el.name === 'speed') return this.request('speed', { level: el.value === 'max' ? 'max' : Number(el.value) }).catch(() => {});
      // The run moves to the other backend through a checkpoint; it does not start over.
      if (el.name === 'backend') return this.setBackend(el.value).catch(() => { el.value = this.backendChoice; });
      if (Object.hasOwn(VIEWS, el.name)) return this.setViews({ [el.name]: el.checked });
      const value = el.type === 'number' ? Number(el.value) : el.type === 'checkbox' ? el.checked : el.value;
      this.configure({ [el.name]: value }).catch(() => this.syncForm());
    });
    // Pointer events: mouse, touch and pen add points alike.
    this.$('canvas.plane').addEventListener('pointerdown', (e) => {
      if (this.config.dataset !== 'points' || !this.planeTransform) return;
      const r = e.target.getBoundingClientRect();
      const [x, y] = this.planeTransform.inv(e.clientX - r.left, e.clientY - r.top);
      this.points.push([Number(x.toFixed(3)), Number(y.toFixed(3))]);
      this.draw(this.latest);
    });
  }

  /** The option controls, one per schema field, grouped by section; labels from i18n. */
  buildForm(schema) {
    this.schema = schema;
    const box = this.$('.options');
    let group = null;
    for (const f of schema.fields) {
      if (NOT_IN_FORM.includes(f.name)) continue;
      if (!group || group.dataset.section !== f.section) {
        group = document.createElement('fieldset');
        group.dataset.section = f.section;
        const legend = document.createElement('legend');
        legend.textContent = t(`section.${f.section || 'run'}`);
        group.append(legend);
        box.append(group);
      }
      const label = document.createElement('label');
      label.dataset.field = f.name;
      label.title = fieldHelp(f.name, f.help);
      let control;
      if (f.type === 'enum') {
        control = document.createElement('select');
        for (const v of f.values) control.append(new Option(valueLabel(f.name, v), v));
      } else if (f.type === 'bool') {
        control = document.createElement('input');
        control.type = 'checkbox';
        label.classList.add('check');
      } else {
        control = document.createElement('input');
        control.type = 'number';
        control.step = f.type === 'int' ? '1' : 'any';
        if (!f.min_open) control.min = String(f.min);
        if (!f.max_open) control.max = String(f.max);
      }
      control.name = f.name;
      const text = document.createElement('span');
      text.textContent = has(`field.${f.name}`) ? t(`field.${f.name}`) : f.name;
      label.append(text, control);
      group.append(label);
    }
    this.syncForm();
  }

  /** Shows the config in the form; hides the options that do not apply to it. */
  syncForm() {
    if (!this.schema) return;
    const form = this.$('form.controls');
    for (const f of this.schema.fields) {
      const el = form.elements[f.name];
      if (!el) continue;
      const applies = !f.when || f.when.values.includes(String(this.config[f.when.field]));
      el.closest('label').hidden = !applies;
      if (!(f.name in this.config)) continue;
      if (el.type === 'checkbox') el.checked = Boolean(this.config[f.name]);
      else el.value = this.config[f.name];
    }
    this.$('.draw-hint').hidden = this.config.dataset !== 'points';
  }
}

customElements.define('minimax-gan', MinimaxGan);
