// <minimax-gan>: the whole app as one custom element, a thin shell over a session client
// (session-client.js: the training worker, its restarts, pausing out of sight) and a registry
// of panels (panels/index.js: the plane, the samples, the curves, the verdict, the GAN beside a
// VAE), drawn in loops. The main thread only draws; training runs in a Web Worker that posts
// plain snapshots.
//
// Attributes: preset (see presets.js), config (a JSON object of options laid over the preset,
// e.g. config='{"dataset": "grid"}'), chrome ("full" | "minimal" | "none"), backend
// ("auto" | "wgpu" | "flex"), lang ("en" | "pl"; else the browser's language), views (a JSON
// object of VIEWS), autoplay.
// Methods: play(), pause(), stepD(), stepG(), step(), reset(), configure(options),
// setViews(views), switchLanguage(lang), snapshot() → Promise<snapshot>.
// Events: "ready" (the config), "firstdraw", "snapshot" (detail: the snapshot), "configured"
// ({config, live, options}), "viewchange" (the views), "languagechange" (the language),
// "evaluation" (the classifier's scores), "vae-snapshot" and "vae-evaluation" (the VAE beside).
//
// The option controls are built from the engine's config schema (names, types, ranges, enum
// values, which options apply when): no option is written out here.
import { t, has, num, engineMessage, setLanguage, chooseLanguage, language, fieldHelp, LANGUAGES } from './i18n.js';
import { SessionClient } from './session-client.js';
import { PRESETS, PRETRAINED } from './presets.js';
import { VIEWS, HIGHLIGHTS } from './views.js';
import { PANELS } from './panels/index.js';

export { VIEWS };

const BASE = new URL('.', import.meta.url);
/** Options the form leaves out: points are drawn on the plane; the page trains GANs (the
 * classifier experiment is the CLI's); the VAE beside a GAN has its σ in its own panel. */
const NOT_IN_FORM = ['points', 'experiment', 'vae_sigma'];

/** Saves `blob` as a file named `name`. */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url; a.download = name; a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Milliseconds per iteration, to about three significant digits. */
function fmtMs(ms) {
  return ms >= 100 ? Math.round(ms).toString() : ms >= 1 ? num(ms, 1) : num(ms.toPrecision(2));
}

/** The label of an option's value: `dataset.ring`, `optimizer_d.adam` → `opt.adam`, else the value. */
function valueLabel(name, value) {
  for (const key of [`${name}.${value}`, `opt.${value}`]) if (has(key)) return t(key);
  return value;
}

/** The digits' modules (sample grids, the classifier's verdict, the VAE beside the GAN),
 * fetched with the first image snapshot: a page of 2-D data never loads them. */
let digitModules = null;
function loadDigits() {
  digitModules ??= Promise.all([import('./images.js'), import('./verdict.js'), import('./compare.js')])
    .then((modules) => Object.assign({}, ...modules));
  return digitModules;
}

class MinimaxGan extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.latest = null;
    this.waiters = [];
    this.playing = false;
    this.options = { ...VIEWS };
    this.evaluations = [];
    this.latestEvaluation = null;
    /** Each panel's state, kept across re-renders. */
    this.panelState = Object.fromEntries(PANELS.map((p) => [p.name, { ...p.initialState }]));
    this.session = new SessionClient(this);
  }

  connectedCallback() {
    if (this.connected || this.connecting) return;
    this.connecting = true;
    // setLanguage never rejects: a language that fails to load leaves English.
    setLanguage(chooseLanguage(this.getAttribute('lang'))).then(() => {
      this.connecting = false;
      if (this.isConnected && !this.connected) this.connect();
    });
  }

  connect() {
    this.connected = true;
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
    this.session.watch(this.$('.app'));
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
    this.each('disconnect');
    this.session.stop('the element was removed');
    this.connected = false;
    this.schema = null;         // connected again, the element renders (and builds its form) anew
  }

  // ---- The session client's host ----------------------------------------------------------
  start(init) {
    this.status(t('loading'));
    return this.session.start(init);
  }

  onStarted(r) {
    if (r.schema && !this.schema) this.buildForm(r.schema);
    this.onConfig(r.config);
    if (r.rejected) this.showError(engineMessage(r.rejected));
    this.status(t('paused'));
    this.ready = true;
    this.dispatchEvent(new CustomEvent('ready', { detail: r.config }));
  }

  onStartFailed(error) { this.showError(engineMessage(error)); }

  restartWith() { return { config: this.config, backend: this.backendChoice, current: this.backend }; }

  /** A new worker is on its way: nothing plays until it has started. */
  onRestarting() {
    this.playing = false;
    this.showPlaying();
    this.status(t('loading'));
  }

  onRestarted(message, iter, wasPlaying) {
    this.playing = false;
    this.showProblem(t('crashed', message, iter));
    if (wasPlaying) this.play().catch(() => {});
  }

  onGaveUp(message) {
    this.showError(t('crashGiveUp', message));
    this.status(t('stopped'));
  }

  get keepRunning() { return this.hasAttribute('keep-running'); }

  get kept() { return this.session.kept; }

  // ---- Public API -------------------------------------------------------------------------
  play() { return this.request('play'); }
  pause() { this.session.resumeOnShow = false; return this.request('pause'); }
  stepD() { return this.request('step', { what: 'd' }); }
  stepG() { return this.request('step', { what: 'g' }); }
  step() { return this.request('step', { what: 'iteration' }); }
  reset() { return this.configure({}, { fresh: true }); }

  /** Sends a request; a refusal is shown and rejects the promise. */
  request(type, args, transfer) {
    return this.session.send(type, args, transfer).catch((e) => { this.showError(engineMessage(e)); throw e; });
  }

  /** Lays `options` over the current config (the engine merges them and drops options that no
   * longer apply): live options (the schema's `live`) go into the running game, keeping its
   * weights, unless `fresh`; any other change starts a new run. Resolves with the config in
   * use; rejects with the engine's message, leaving the running session as it was. */
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
      // The running game took the change: its weights, curves and VAE go on; what the panels
      // say of the config (the plane's title: is D a probability?) follows it now.
      this.config = r.config;
      this.syncForm();
      this.each('views');
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
      if (Object.hasOwn(VIEWS, k) && typeof v === 'boolean') this.options[k] = v;
    }
    if (this.shadowRoot.querySelector('form.controls')) {
      const form = this.$('form.controls');
      for (const k of Object.keys(VIEWS)) if (form.elements[k]) form.elements[k].checked = this.options[k];
      this.each('views');
      this.redraw();
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

  /** Speaks `l` from now on: the whole element is drawn again in it, nothing of the run lost
   * (curves, form, evaluations, the VAE beside it: the panels keep their state). */
  async switchLanguage(l) {
    l = await setLanguage(l);
    this.setAttribute('lang', l);
    if (!this.shadowRoot.querySelector('.app')) return l;
    // What the form and the messages show beyond the config: kept across the new DOM.
    const kept = {
      speed: this.$('select[name=speed]').value,
      notice: this.$('.notice').hidden ? null : this.$('.notice').textContent,
      error: this.$('.error').hidden ? null : this.$('.error').textContent, status: this.$('.status').textContent,
    };
    this.render();
    this.session.watch(this.$('.app'));
    this.$('select[name=speed]').value = kept.speed;
    if (kept.notice) this.notice(kept.notice);
    if (kept.error) { this.$('.error').textContent = kept.error; this.$('.error').hidden = false; }
    if (this.schema) this.buildForm(this.schema);
    if (this.backend) this.showBackend({ backend: this.backend, timings: this.backendTimings });
    this.showPlaying();
    this.status(this.ready ? (this.playing ? t('playing') : t('paused')) : kept.status);
    this.redraw();
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
    const mb = (n) => `${num(n / 1e6, 1)} MB`;
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

  /** The user replaced the run (`trained`: by the preset's trained checkpoint). */
  newRun(trained) {
    this.startedTrained = trained;
    this.each('newRun');
  }

  /** The VAE beside the GAN, if one was started (a test hook). */
  get vae() { return this.panelState.compare.vae; }

  /** Starts a VAE beside the GAN (the compare panel); resolves once it runs. */
  startVae() { return this.panel('compare').start(this, this.panelState.compare); }
  removeVae() { this.panel('compare').remove(this, this.panelState.compare); }

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

  /** The classifier's scores of the generator's digits now (a GAN on MNIST only; a VAE beside
   * it is scored too, its result reported by the event `vae-evaluation`). */
  evaluate() {
    this.each('evaluate');
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

  /** Downloads the grid of samples (8×8; a conditional G's 10 rows of 8) as a PNG, one image
   * pixel per digit pixel. */
  async saveSamples() {
    const images = this.latest?.images;
    if (!images) return;
    const { samplesPng, decode } = await this.loadDigits();
    download(await samplesPng(decode(images.fake), images.side), `minimax-samples-${this.latest.iter}.png`);
  }

  /** A chart as a PNG blob, by its panel's name: `plane`, `histogram`, `loss`, `gradients`,
   * `jsd`, `mode` or `verdict` (export.js is fetched with the first). */
  chartPng(name) {
    const panel = PANELS.find((p) => p.name === name && p.png);
    if (!panel) return Promise.reject(new Error(`no chart named ${name}`));
    return panel.png(this, this.panelState[name]);
  }

  async saveChart(name) {
    download(await this.chartPng(name), `minimax-${name}-${this.latest?.iter ?? 0}.png`);
  }

  // ---- Panels ---------------------------------------------------------------------------------
  panel(name) { return PANELS.find((p) => p.name === name); }

  /** Calls the hook `hook` of every panel that has it. */
  each(hook, ...args) {
    for (const p of PANELS) p[hook]?.(this, ...args, this.panelState[p.name]);
  }

  /** The digits' modules, loaded once. */
  async loadDigits() {
    this.dm ??= await loadDigits();
    return this.dm;
  }

  /** Draws with the digits' modules: now if they are loaded, else once they are (a redraw). */
  digits(draw) {
    if (this.dm) return draw(this.dm);
    this.loadDigits().then(() => this.redraw());
  }

  redraw() { if (this.latest) this.draw(this.latest); }

  // ---- Worker events ------------------------------------------------------------------------
  onConfig(config) {
    this.config = config;
    if (Array.isArray(config.points)) this.points = config.points.map((p) => [...p]);
    this.syncForm();
    this.clearRun();
  }

  onEvent(msg) {
    switch (msg.event) {
      case 'snapshot': this.onSnapshot(msg.snapshot); break;
      case 'backend': this.showBackend(msg); break;
      case 'notice': this.showNotice(msg.notice); break;
      case 'problem': this.showProblem(this.problemText(msg)); break;
      case 'evaluation': this.onEvaluation(msg.evaluation); break;
      case 'state':
        this.playing = msg.playing;
        this.showPlaying();
        this.status(this.playing ? t('playing') : t('paused'));
        break;
    }
  }

  showPlaying() {
    this.$('.play').textContent = this.playing ? t('pause') : t('play');
    this.$('.play').setAttribute('aria-pressed', String(this.playing));
  }

  problemText({ kind, message, iter, code, params }) {
    if (kind === 'diverged') return t('diverged', engineMessage({ message, code, params }), iter ?? 0);
    if (kind === 'device-lost' || kind === 'readback-timeout') return t('deviceLost', message, iter ?? 0);
    return message;
  }

  onSnapshot(s) {
    this.latest = s;
    // What must follow every snapshot (the VAE's budget): here, not in the drawing (which a
    // hidden page skips).
    this.each('snapshot', s);
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
    this.drawStats(s);
    this.each('update', s);
  }

  /** The header's numbers of the moment. */
  drawStats(s) {
    const parts = [`${t('iteration')} ${s.iter}`];
    if (s.iters_per_sec) parts.push(`${s.iters_per_sec >= 10 ? Math.round(s.iters_per_sec) : s.iters_per_sec >= 1 ? num(s.iters_per_sec, 1) : num(s.iters_per_sec.toPrecision(2))} ${t('itersPerSec')}`);
    if (s.modes != null) parts.push(`${t('modes')} ${s.modes}/${s.modes_total}`, `${t('hq')} ${Math.round(s.hq * 100)}%`);
    if (s.jsd != null) parts.push(t('jsdStat', num(s.jsd, 3), num(s.jsd / Math.LN2, 2), s.jsd_bandwidth != null ? num(s.jsd_bandwidth.toPrecision(2)) : '?'));
    // V(D, G), reported by the engine where D plays it (the minimax and non-saturating losses).
    const fix3 = (x) => num(Math.abs(x) < 5e-4 ? 0 : x, 3);
    if (s.value != null) parts.push(s.value_star != null ? t('valueStat', fix3(s.value), fix3(s.value_star)) : t('valueOnlyStat', fix3(s.value)));
    if (s.dominant_mode != null && s.dominant_mode >= 0) parts.push(t('dominantStat', s.dominant_mode + 1, Math.round(s.dominant_share * 100)));
    this.$('.stats').textContent = parts.join(' · ');
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

  /** Digits: the classifier's scores of G's samples, kept for the verdict and the table. */
  onEvaluation(e) {
    if (!e) return;
    const run = this.run;
    this.loadDigits().then(() => {
      if (run !== this.run) return;
      // The history keeps the scores; the samples beside their nearest real digits, the latest's only.
      const { nearest, ...scores } = e;
      this.evaluations = this.evaluations.filter((x) => x.iter < e.iter).concat([scores]).slice(-60);
      this.latestEvaluation = e;
      this.each('evaluation');
      this.dispatchEvent(new CustomEvent('evaluation', { detail: e }));
    });
  }

  showNotice(notice) {
    if (!notice) {
      // The end of a notice that lasts only while something loads.
      if (this.noticeKey === 'loading-mnist' || this.noticeKey === 'finding-groups') this.notice('');
      return;
    }
    const [key, ...rest] = notice.split(': ');
    this.noticeKey = key;
    this.notice(t(`notice.${key}`, rest.join(': ')));
    // The engine's own words (a wgpu error, say), for whoever wants them: on hover, not in the
    // notice, where a paragraph of adapter names would tell a student nothing.
    this.$('.notice').title = rest.join(': ');
  }

  /** A new run: its curves and its verdicts start empty. */
  clearRun() {
    this.run = (this.run ?? 0) + 1;
    this.evaluations = [];
    this.latestEvaluation = null;
    this.each('clear');
  }

  // ---- DOM -------------------------------------------------------------------------------------
  $(sel) { return this.shadowRoot.querySelector(sel); }
  status(text) { this.$('.status').textContent = text; }
  notice(text) { const n = this.$('.notice'); n.textContent = text; n.hidden = !text; n.title = ''; }
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
    const slot = (name) => PANELS.filter((p) => p.slot === name).map((p) => p.template(this)).join('\n        ');
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
        ${slot('main')}
        <section class="curves">
        ${slot('curves')}
        </section>
        <footer>${t('credits')}</footer>
      </div>`;
    // Until its stylesheets have loaded, the app is laid out unstyled: it stays unseen (the
    // first styled frame is its first frame, so nothing shifts), and is shown once they have.
    // A style set through the CSSOM, which the page's CSP allows (an attribute it would refuse).
    const app = this.$('.app');
    const links = [...this.shadowRoot.querySelectorAll('link[rel=stylesheet]')];
    app.style.visibility = 'hidden';
    Promise.all(links.map((l) => (l.sheet ? null : new Promise((done) => { l.onload = l.onerror = done; }))))
      .then(() => { app.style.visibility = ''; });
    this.each('mount');
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
    on('.clear-points', 'click', () => { this.points = []; this.redraw(); });
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
