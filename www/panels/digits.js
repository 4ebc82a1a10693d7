// The digits' judgement: the classifier's verdict over the run, and the GAN beside a VAE of
// the same players and budget (the lecture's last claim). Their drawing modules (images.js,
// verdict.js, compare.js) are fetched with the first image snapshot.
import { t, num } from '../i18n.js';
import { PRETRAINED } from '../presets.js';
import { startWorker } from '../session-client.js';
import { pngButton } from './parts.js';

const BASE = new URL('..', import.meta.url);
/** The VAE's σ choices in its panel (0: its maximum-likelihood value at each batch). */
const VAE_SIGMAS = ['1', '0.5', '0.25', '2', '0'];

export const verdictPanel = {
  name: 'verdict',
  slot: 'curves',
  template: () => `<div class="panel curve eval-panel" hidden>${pngButton('verdict')}
          <h2>${t('evalTitle')}</h2>
          <p class="eval-scores" aria-live="polite">${t('evalNone')}</p>
          <canvas class="verdict" role="img" aria-label="${t('verdictLabel')}"></canvas>
          <button type="button" class="evaluate" title="${t('evaluateHelp')}">${t('evaluate')}</button>
        </div>`,
  mount(ctx) {
    ctx.$('.evaluate').addEventListener('click', () => ctx.evaluate().catch(() => {}));
    this.evaluation(ctx);
  },
  update(ctx, s) { ctx.$('.eval-panel').hidden = !s.images; },
  clear(ctx) { this.evaluation(ctx); },
  evaluation(ctx) {
    const e = ctx.latestEvaluation;
    const asked = e && typeof e.conditional_accuracy === 'number' ? t('evalAsked', num(100 * e.conditional_accuracy, 1)) : '';
    ctx.$('.eval-scores').textContent = e
      ? t('evalScores', e.iter, num(e.is, 2), num(e.real.is, 2), num(e.fid, 1), num(e.real.fid, 1), e.classes.filter((c) => c > 0).length, e.n) + asked
      : t('evalNone');
    ctx.dm?.drawVerdict(ctx.$('canvas.verdict'), ctx.evaluations);
  },
  png: (ctx) => import('../export.js').then(({ chartPng }) => chartPng(ctx.$('canvas.verdict'), ctx.$('.eval-panel h2').textContent, [], null, ctx.$('.eval-scores').textContent)),
};

/** The GAN beside a VAE: both grids, the VAE's ELBO, and a table of IS, FID, sharpness and
 * digits seen of the GAN, the VAE and the real digits. Its state (the VAE's worker, its
 * latest snapshot and evaluation) lives in `state` and survives a change of language. */
export const comparePanel = {
  name: 'compare',
  slot: 'main',
  /** `generation`: bumped by every start and removal of the VAE. */
  initialState: { generation: 0 },
  template: () => `<section class="panel compare-panel" hidden>
          <h2>${t('compareTitle')}</h2>
          <div class="cmp-body">
          <div class="grids">
            <figure><canvas class="gan-grid" role="img" aria-label="${t('ganGridLabel')}"></canvas><figcaption class="gan-caption"></figcaption>
              <div class="nearest gan-nearest" hidden><canvas role="img" aria-label="${t('nearestLabel')}"></canvas><p></p></div></figure>
            <figure class="vae-figure" hidden><canvas class="vae-grid" role="img" aria-label="${t('vaeGridLabel')}"></canvas><figcaption class="vae-caption"></figcaption>
              <div class="nearest vae-nearest" hidden><canvas role="img" aria-label="${t('nearestLabel')}"></canvas><p></p></div></figure>
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
          <p class="vae-refused cmp-note" hidden></p>
          <button type="button" class="vae-start" title="${t('vaeStartHelp')}">${t('vaeStart')}</button>
          <button type="button" class="vae-stop" hidden>${t('vaeStop')}</button>
          </div>
          </div>
        </section>`,
  mount(ctx, state) {
    state.refusalOf = null; // a new language's elements: asked again at the next snapshot
    if (state.sigma) ctx.$('select.vae-sigma').value = state.sigma;
    ctx.$('.vae-start').addEventListener('click', () => this.start(ctx, state).catch(() => {}));
    ctx.$('.vae-stop').addEventListener('click', () => this.remove(ctx, state));
    // A new σ is a new VAE (beside the same GAN, from scratch unless σ is the trained one's).
    ctx.$('select.vae-sigma').addEventListener('change', (e) => {
      state.sigma = e.target.value;
      if (state.vae?.running) this.start(ctx, state).catch(() => {});
    });
    if (state.shown) {
      // Running, or still starting (its checkpoint on the way).
      this.show(ctx, true);
      if (state.latest) this.drawVae(ctx, state, state.latest);
      else ctx.$('.vae-caption').textContent = t('loading');
    }
    this.table(ctx, state);
  },
  update(ctx, s, state) {
    ctx.$('.compare-panel').hidden = !s.images;
    // Digits: the page grows below the viewport for the GAN-and-VAE panel (page.css).
    ctx.toggleAttribute('data-compare', Boolean(s.images));
    if (!s.images) return;
    this.refusal(ctx, state);
    ctx.$('.gan-caption').textContent = t('ganGrid', s.iter);
    ctx.digits((dm) => dm.drawGrid(ctx.$('canvas.gan-grid'), dm.decode(s.images.fake), s.images.side, 8));
  },
  /** The GAN's budget, from every snapshot (also of a hidden page, which skips drawing). */
  snapshot(ctx, s, state) { if (s.images) state.vae?.follow(s.iter); },
  clear(ctx, state) { this.table(ctx, state); },
  evaluation(ctx, state) { this.table(ctx, state); },
  /** Scores the VAE beside the GAN too (its result is the event `vae-evaluation`). */
  evaluate(ctx, state) { state.vae?.evaluate(); },
  /** The run was replaced (`trained`: by the preset's trained checkpoint): a VAE beside the old
   * one starts again beside the new one, if it makes digits. */
  newRun(ctx, state) {
    const had = state.vae?.running;
    this.remove(ctx, state);
    if (had && ctx.config.dataset === 'mnist') this.start(ctx, state).catch(() => {});
  },
  disconnect(ctx, state) { this.remove(ctx, state); },

  /** Whether the engine refuses a VAE beside this config (a conditional G, a G that is no
   * DCGAN of gaussian codes), asked once per config: the start button is off and the reason
   * shown before anyone presses it. Asked quietly: if the engine cannot answer (restarting),
   * the button stays on and a press asks again. */
  refusal(ctx, state) {
    const config = ctx.config;
    if (state.refusalOf === config) return;
    state.refusalOf = config;
    const show = (refusal) => {
      if (state.refusalOf !== config) return;
      ctx.$('.vae-start').disabled = Boolean(refusal);
      ctx.$('select.vae-sigma').disabled = Boolean(refusal);
      const why = ctx.$('.vae-refused');
      why.hidden = !refusal;
      why.textContent = refusal ? t(`vaeRefusal.${refusal}`) : '';
    };
    ctx.session.send('vaeRefusal').then(({ refusal }) => show(refusal), () => show(null));
  },

  /** Starts a VAE beside the GAN: the engine gives it the GAN's players, batch, seed and
   * budget, or refuses; trained too if the GAN started from the trained checkpoint. */
  async start(ctx, state) {
    // Each start (and each removal) is a generation: an older start that finishes, or fails,
    // after a newer one began touches nothing.
    const generation = state.generation = (state.generation ?? 0) + 1;
    // The engine's rule, said in the page's language, before a worker is started for nothing.
    const { refusal } = await ctx.request('vaeRefusal');
    if (refusal) {
      const message = t(`vaeRefusal.${refusal}`);
      ctx.showError(message);
      throw new Error(message);
    }
    const { VaeBeside, GAN_PRESET, VAE_PRESET } = await ctx.loadDigits();
    state.vae ??= new VaeBeside(startWorker, {
      snapshot: (s) => { this.drawVae(ctx, state, s); ctx.dispatchEvent(new CustomEvent('vae-snapshot', { detail: s })); },
      evaluation: (e) => {
        state.evaluation = e;
        this.table(ctx, state);
        ctx.dispatchEvent(new CustomEvent('vae-evaluation', { detail: e }));
      },
      problem: (m) => ctx.showError(`VAE: ${m}`),
      stopped: (m) => {
        state.generation++;
        ctx.showError(t('vaeStopped', m));
        state.evaluation = null;
        this.show(ctx, false, state);
        this.table(ctx, state);
      },
    });
    state.vae.follow(ctx.latest?.iter ?? 0);
    state.evaluation = null;
    this.show(ctx, true, state);
    ctx.$('.vae-caption').textContent = t('loading');
    try {
      let checkpoint;
      const sigma = Number(ctx.$('select.vae-sigma').value);
      // The trained VAE was made with the preset's σ (1).
      if (ctx.startedTrained && sigma === 1 && ctx.presetName === GAN_PRESET && Object.hasOwn(PRETRAINED, VAE_PRESET)) {
        try {
          const response = await fetch(new URL(`../pretrained/${VAE_PRESET}.ckpt`, BASE));
          if (!response.ok) throw new Error(`${VAE_PRESET}.ckpt: HTTP ${response.status}`);
          checkpoint = new Uint8Array(await response.arrayBuffer());
        } catch (e) {
          // Without its trained checkpoint, the VAE starts fresh and catches up.
          if (generation === state.generation) ctx.showError(t('vaeNoTrained', e.message));
        }
      }
      if (generation !== state.generation) return;
      await state.vae.start(ctx.config, sigma, ctx.backend, checkpoint);
    } catch (e) {
      if (generation !== state.generation) return; // superseded: the newer start reports
      this.remove(ctx, state);
      ctx.showError(`VAE: ${e.message}`);
      throw e;
    }
  },

  remove(ctx, state) {
    state.generation = (state.generation ?? 0) + 1;
    state.vae?.stop();
    state.evaluation = null;
    if (ctx.shadowRoot?.querySelector('.compare-panel')) {
      this.show(ctx, false, state);
      this.table(ctx, state);
    }
  },

  show(ctx, on, state) {
    if (state) state.shown = on;
    if (state && !on) state.latest = null;
    ctx.$('.vae-start').hidden = on;
    ctx.$('.vae-stop').hidden = !on;
    ctx.$('.vae-figure').hidden = !on;
    ctx.$('.vae-elbo').textContent = '';
  },

  drawVae(ctx, state, s) {
    if (!s.images) return;
    state.latest = s;
    const { drawGrid, decode } = ctx.dm;
    drawGrid(ctx.$('canvas.vae-grid'), decode(s.images.fake), s.images.side, 8);
    ctx.$('.vae-caption').textContent = t('vaeGrid', s.iter);
    ctx.$('.vae-elbo').textContent = t('vaeElbo', num(s.elbo, 1), num(s.reconstruction, 1), num(s.kl, 1), num(s.sigma, 3), s.iter);
  },

  /** The table: IS, FID, sharpness and digits seen of the GAN, the VAE and the real digits. */
  table(ctx, state) {
    const gan = ctx.latestEvaluation, vae = state.evaluation;
    const cols = [gan, vae, gan?.real ?? vae?.real];
    const rows = {
      iter: (e) => (e.iter == null ? '' : String(e.iter)),
      is: (e) => num(e.is, 2),
      fid: (e) => num(e.fid, 1),
      sharpness: (e) => num(e.sharpness, 4),
      digits: (e) => `${e.classes.filter((c) => c > 0).length}/10`,
    };
    for (const [name, f] of Object.entries(rows)) {
      const tds = ctx.shadowRoot.querySelectorAll(`tr.cmp-${name} td`);
      cols.forEach((e, i) => { tds[i].textContent = e ? f(e) : '–'; });
    }
    ctx.$('.cmp-note').textContent = t('compareNote', (gan ?? vae)?.n ?? 1000);
    this.nearest(ctx, '.gan-nearest', gan, 'nearestCaption');
    this.nearest(ctx, '.vae-nearest', vae, 'nearestShort');
  },

  /** A few samples of the evaluation (top row) above the real digit nearest to each, and
   * their distances: a model that copied its training set would show distances near 0. */
  nearest(ctx, selector, e, caption) {
    const box = ctx.$(selector);
    const pairs = e?.nearest ?? [];
    box.hidden = !pairs.length || !ctx.dm;
    if (box.hidden) return;
    const n = pairs.length;
    const bytes = new Uint8Array(2 * n * 784);
    const put = (k, pixels) => pixels.forEach((v, j) => { bytes[k * 784 + j] = Math.round((Math.max(-1, Math.min(1, v)) + 1) * 127.5); });
    pairs.forEach((p, k) => { put(k, p.sample); put(n + k, p.real); });
    ctx.dm.drawGrid(box.querySelector('canvas'), bytes, 28, n);
    box.querySelector('p').textContent = t(caption, pairs.map((p) => num(p.distance, 1)).join('; '));
  },
};
