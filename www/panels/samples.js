// The panels of what the data looks like beside D's opinion: the digits' sample grids, the
// histogram of D(x) (the headline chart) and the overview of the game.
import { t, num } from '../i18n.js';
import { drawHistogram } from '../histogram.js';
import { pngButton } from './parts.js';

export const imagesPanel = {
  name: 'images',
  slot: 'main',
  template: () => `<section class="panel images-panel" hidden>
          <h2>${t('imagesTitle')}</h2>
          <div class="grids">
            <figure><canvas class="fake-grid" role="img" aria-label="${t('fakeGrid')}"></canvas><figcaption class="fake-caption">${t('fakeGrid')}</figcaption></figure>
            <figure><canvas class="real-grid" role="img" aria-label="${t('realGrid')}"></canvas><figcaption>${t('realGrid')}</figcaption></figure>
          </div>
          <div class="digit-picker" role="group" aria-label="${t('pickDigit')}" hidden><span>${t('pickDigit')}</span>
            <button type="button" data-digit="" aria-pressed="true" title="${t('allDigitsHelp')}">${t('allDigits')}</button>
            ${[...Array(10).keys()].map((d) => `<button type="button" data-digit="${d}" aria-pressed="false">${d}</button>`).join('')}</div>
          <figure class="walk-figure"><canvas class="walk" role="img" aria-label="${t('walk')}"></canvas><figcaption>${t('walk')}</figcaption></figure>
          <div class="images-buttons"><button type="button" class="save-samples">${t('saveSamples')}</button>
          <button type="button" class="time-generation" title="${t('timeGenerationHelp')}">${t('timeGeneration')}</button></div>
          <p class="generation-timing" role="status"></p>
        </section>`,
  mount(ctx, state) {
    ctx.$('.save-samples').addEventListener('click', () => ctx.saveSamples());
    ctx.$('.time-generation').addEventListener('click', () => timeGeneration(ctx, state).catch(() => {}));
    ctx.$('.digit-picker').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-digit]');
      if (!b) return;
      const digit = b.dataset.digit === '' ? null : Number(b.dataset.digit);
      ctx.request('digit', { digit }).catch(() => {});
    });
    if (state.timing) ctx.$('.generation-timing').textContent = timingText(state.timing);
  },
  update(ctx, s) {
    ctx.$('.images-panel').hidden = !s.images;
    if (!s.images) return;
    // A conditional G (`conditional`): digit buttons, and the grid's rows say what was asked.
    const conditional = Boolean(ctx.config?.conditional) && (ctx.config?.experiment ?? 'gan') === 'gan';
    const picker = ctx.$('.digit-picker');
    picker.hidden = !conditional;
    const digit = s.images.digit ?? null;
    for (const b of picker.querySelectorAll('button')) b.setAttribute('aria-pressed', String((b.dataset.digit === '' ? null : Number(b.dataset.digit)) === digit));
    // A G given groups found without labels (`clusters`): the groups in reading order, no buttons.
    const groups = Boolean(ctx.config?.clusters) && (ctx.config?.experiment ?? 'gan') === 'gan';
    const caption = groups ? t('fakeGridGroups') : !conditional ? t('fakeGrid') : digit === null ? t('fakeGridRows') : t('fakeGridDigit', String(digit));
    ctx.$('.fake-caption').textContent = caption;
    ctx.$('canvas.fake-grid').setAttribute('aria-label', caption);
    ctx.digits((dm) => {
      const { drawGrid, decode } = dm;
      const { side } = s.images;
      drawGrid(ctx.$('canvas.fake-grid'), decode(s.images.fake), side, 8);
      drawGrid(ctx.$('canvas.real-grid'), decode(s.images.real), side, 8);
      drawGrid(ctx.$('canvas.walk'), decode(s.images.walk), side, 10);
    });
  },
};

/** What the timing of parallel generation says, in the page's language. */
function timingText(r) {
  const ms = (x) => (x >= 100 ? String(Math.round(x)) : num(x, 1));
  return t('generationTiming', r.n, ms(r.one_pass_ms), r.passes, ms(r.sequential_ms), String(Math.round(r.ratio)), t(`backend.${r.backend}`));
}

/** Times G's one pass against 784 sequential ones (the worker's `timeGeneration`). */
async function timeGeneration(ctx, state) {
  const button = ctx.$('.time-generation');
  button.disabled = true;
  ctx.$('.generation-timing').textContent = t('timingRunning');
  try {
    state.timing = await ctx.request('timeGeneration', {});
    if (ctx.$('.generation-timing')) ctx.$('.generation-timing').textContent = timingText(state.timing);
    ctx.dispatchEvent(new CustomEvent('generationtiming', { detail: state.timing }));
  } catch (e) {
    if (ctx.$('.generation-timing')) ctx.$('.generation-timing').textContent = '';
    throw e;
  } finally {
    if (ctx.$('.time-generation')) ctx.$('.time-generation').disabled = false;
  }
}

export const histogramPanel = {
  name: 'histogram',
  slot: 'main',
  template: () => `<section class="panel hist-panel">${pngButton('histogram')}<h2>${t('histTitle')}</h2><canvas class="hist" role="img" aria-label="${t('histTitle')}"></canvas></section>`,
  update(ctx, s) {
    drawHistogram(ctx.$('canvas.hist'), s, { half: t('histHalf'), real: t('real'), fake: t('fake') });
  },
  png: (ctx) => import('../export.js').then(({ chartPng }) => chartPng(ctx.$('canvas.hist'), ctx.$('.hist-panel h2').textContent)),
};

export const overviewPanel = {
  name: 'overview',
  slot: 'curves',
  template: () => `<div class="panel overview" aria-label="${t('overview')}">
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
        </div>`,
  update(ctx, s) {
    ctx.$('.ov-dreal').textContent = num(s.d_real, 2);
    ctx.$('.ov-dfake').textContent = num(s.d_fake, 2);
  },
};
