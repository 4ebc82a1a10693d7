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
            <figure><canvas class="fake-grid" role="img" aria-label="${t('fakeGrid')}"></canvas><figcaption>${t('fakeGrid')}</figcaption></figure>
            <figure><canvas class="real-grid" role="img" aria-label="${t('realGrid')}"></canvas><figcaption>${t('realGrid')}</figcaption></figure>
          </div>
          <figure class="walk-figure"><canvas class="walk" role="img" aria-label="${t('walk')}"></canvas><figcaption>${t('walk')}</figcaption></figure>
          <button type="button" class="save-samples">${t('saveSamples')}</button>
        </section>`,
  mount(ctx) {
    ctx.$('.save-samples').addEventListener('click', () => ctx.saveSamples());
  },
  update(ctx, s) {
    ctx.$('.images-panel').hidden = !s.images;
    if (!s.images) return;
    ctx.digits((dm) => {
      const { drawGrid, decode } = dm;
      const { side } = s.images;
      drawGrid(ctx.$('canvas.fake-grid'), decode(s.images.fake), side, 8);
      drawGrid(ctx.$('canvas.real-grid'), decode(s.images.real), side, 8);
      drawGrid(ctx.$('canvas.walk'), decode(s.images.walk), side, 10);
    });
  },
};

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
