// The curves over iterations, as data: each chart names its scalars (the core's catalogue,
// labelled `scalar.NAME`), and one factory makes a panel of each. A new chart is one entry here
// (and its title's strings).
import { Curves, COLORS } from '../charts.js';
import { t } from '../i18n.js';
import { pngButton } from './parts.js';

const dash = [5, 4];

/**
 * A chart: `name` (its PNG and highlight name), `css` (its panel's class stem), `title` (an
 * i18n key), `series` ({scalar, color, dash?, floor?, pick?(s)} — or {label, value} for a
 * constant line), `log`/`yRange` for its y axis, `shown(s, ctx)` (default: always) and
 * `records(s)` (default: always) per snapshot.
 */
export const CHARTS = [
  {
    name: 'loss', css: 'loss', title: 'lossTitle',
    series: [
      { scalar: 'd_loss', color: COLORS.d }, { scalar: 'g_loss', color: COLORS.g },
      { scalar: 'd_loss_eq', color: COLORS.d, dash }, { scalar: 'g_loss_eq', color: COLORS.g, dash },
    ],
  },
  {
    name: 'gradients', css: 'grad', title: 'gradTitle', log: true,
    series: [{ scalar: 'grad_d', color: COLORS.d, floor: 1e-8 }, { scalar: 'grad_g', color: COLORS.g, floor: 1e-8 }],
  },
  {
    // D's value bounds the JSD from below (the engine's jsd_lower_bound); ln 2 its maximum.
    name: 'jsd', css: 'jsd', title: 'jsdTitle', yRange: [0, 0.75],
    series: [
      { scalar: 'jsd', color: '#333' }, { scalar: 'jsd_lower_bound', color: COLORS.d },
      { label: 'ln2', value: Math.LN2, color: '#999', dash },
    ],
    shown: (s) => s.jsd != null,
  },
  {
    name: 'mode', css: 'mode', title: 'modeTitle',
    series: [{ scalar: 'dominant_mode', color: COLORS.g, pick: (s) => (s.dominant_mode >= 0 ? s.dominant_mode + 1 : null) }],
    shown: (s, ctx) => s.dominant_mode != null && ctx.options.modeChart,
    records: (s) => s.dominant_mode != null,
    hiddenAtFirst: true,
  },
];

/** A series' value in a snapshot. */
function value(series, s) {
  if ('value' in series) return series.value;
  const v = series.pick ? series.pick(s) : s[series.scalar] ?? null;
  return v != null && series.floor != null ? Math.max(v, series.floor) : v;
}

/** The panel of a chart. Its points are kept across a change of language (state.data). */
export function chartPanel(chart) {
  return {
    name: chart.name,
    slot: 'curves',
    template: () => `<div class="panel curve ${chart.css}-panel"${chart.hiddenAtFirst ? ' hidden' : ''}>${pngButton(chart.name)}<div class="${chart.css}-chart"></div></div>`,
    mount(ctx, state) {
      const series = chart.series.map((s) => ({ label: t(s.scalar ? `scalar.${s.scalar}` : s.label), color: s.color, dash: s.dash }));
      state.curves = new Curves(ctx.$(`.${chart.css}-chart`), { title: t(chart.title), log: chart.log, yRange: chart.yRange, series });
      if (state.data) { state.curves.data = state.data; state.curves.plot.setData(state.data); }
    },
    update(ctx, s, state) {
      if (chart.shown) ctx.$(`.${chart.css}-panel`).hidden = !chart.shown(s, ctx);
      if (!chart.records || chart.records(s)) state.curves.push(s.iter, chart.series.map((x) => value(x, s)));
      state.data = state.curves.data;
    },
    clear(ctx, state) { state.curves.clear(); state.data = state.curves.data; },
    png: (ctx, state) => state.curves.png(),
  };
}
