// The data plane's panel: D's heat-map, the samples and the layers the views turn on (2-D data).
import { t } from '../i18n.js';
import { drawPlane, planeExtent } from '../plane.js';
import { pngButton } from './parts.js';

/** D/(1 − D) is a density ratio only where D is a probability (the engine's schema says
 * for which losses); for a hinge or Wasserstein critic the view shows D. */
export function ratioShown(ctx) {
  return ctx.options.ratio && Boolean(ctx.schema?.losses?.[ctx.config?.loss]?.d_is_probability);
}

function title(ctx, state) {
  let text;
  if (ratioShown(ctx)) text = ctx.options.showDStar ? t('planeTitleRatioStar') : t('planeTitleRatio');
  else {
    text = ctx.options.showDStar ? t('planeTitleStar') : t('planeTitle');
    if (ctx.options.ratio) text += ` · ${t('ratioNotHere')}`;
  }
  const m = ctx.latest?.plane?.manifold;
  if (ctx.options.manifold && m?.fixed) text += ` · ${t('manifoldNote', m.span, m.fixed)}`;
  if (ctx.options.fixedArrows && state.arrowScale != null) text += ` · ${t('arrowsFixedAt', state.arrowScaleIter)}`;
  return text;
}

export const planePanel = {
  name: 'plane',
  slot: 'main',
  template: (ctx) => `<section class="panel plane-panel">${pngButton('plane')}<h2>${title(ctx, {})}</h2><canvas class="plane" role="img" aria-label="${t('planeTitle')}"></canvas></section>`,
  mount(ctx, state) {
    // Pointer events: mouse, touch and pen add points alike.
    ctx.$('canvas.plane').addEventListener('pointerdown', (e) => {
      if (ctx.config.dataset !== 'points' || !state.transform) return;
      const r = e.target.getBoundingClientRect();
      const [x, y] = state.transform.inv(e.clientX - r.left, e.clientY - r.top);
      // Only in D's square (the canvas runs on beside it).
      const [xmin, xmax, ymin, ymax] = ctx.latest?.plane?.view ?? [-Infinity, Infinity, -Infinity, Infinity];
      if (x < xmin || x > xmax || y < ymin || y > ymax) return;
      ctx.points.push([Number(x.toFixed(3)), Number(y.toFixed(3))]);
      ctx.redraw();
    });
  },
  update(ctx, s, state) {
    ctx.$('.plane-panel').hidden = !s.plane;
    if (!s.plane) return;
    if (!ctx.options.fixedArrows) state.arrowScale = null;
    else if (state.arrowScale == null) {
      state.arrowScale = Math.max(1e-12, ...s.plane.g_grad.map(([gx, gy]) => Math.hypot(gx, gy)));
      state.arrowScaleIter = s.iter;
    }
    state.transform = drawPlane(ctx.$('canvas.plane'), s.plane, {
      ...ctx.options, ratio: ratioShown(ctx), arrowScale: ctx.options.fixedArrows ? state.arrowScale : null,
      userPoints: ctx.config.dataset === 'points' ? ctx.points : [],
    });
    ctx.$('.plane-panel h2').textContent = title(ctx, state);
  },
  /** A new run, or a new config: the fixed arrow scale is measured again. */
  clear(ctx, state) { state.arrowScale = null; },
  views(ctx, state) { ctx.$('.plane-panel h2').textContent = title(ctx, state); },
  png(ctx) {
    const canvas = ctx.$('canvas.plane');
    const { size, width, left } = planeExtent(canvas.clientWidth, canvas.clientHeight, ctx.options.showDStar ? 2 : 1);
    return import('../export.js').then(({ chartPng }) => chartPng(canvas, ctx.$('.plane-panel h2').textContent, [], { left, width, height: size }));
  },
};
