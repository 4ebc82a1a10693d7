// Curves over iterations, drawn with uPlot (axes, legends, resizing).
import './intl-guard.js'; // before uPlot, which reads the browser's language as it loads
import uPlot from './vendor/uPlot.esm.js';
import { REAL, FAKE } from './colors.js';
import { num, count } from './i18n.js';

const MAX_POINTS = 1500;

/** The plot's width for a host this wide: the host's, down to 120 px (a lesson's narrow panels
 * are about 180 px wide); 200 px for a host not laid out yet (hidden: width 0). */
const plotWidth = (hostWidth) => (hostWidth > 0 ? Math.max(120, hostWidth) : 200);

/** A log axis's tick: plain where that is short (0.01 to 9 999), else a power of ten (uPlot's
 * default prints 10⁻⁵ as "0"). */
const logTicks = (u, splits) => splits.map((v) => (v == null ? '' : num(v >= 0.01 && v < 1e4 ? String(+v.toPrecision(3)) : v.toExponential(0))));
/** A linear axis's tick, in the page's language (a decimal comma in Polish). */
const linearTicks = (u, splits) => splits.map((v) => (v == null ? '' : num(String(+v.toPrecision(6)))));

/** The iteration axis's tick, in the page's language (uPlot's default writes 2,500, which a
 * Polish reader takes for two and a half). */
const iterTicks = (u, splits) => splits.map((v) => (v == null ? '' : count(v)));

/** A line chart of named series over the iteration count. */
export class Curves {
  constructor(host, { title, series, yRange, log = false }) {
    this.host = host;
    this.data = [[], ...series.map(() => [])];
    this.series = series;
    const opts = {
      title,
      width: plotWidth(host.clientWidth),
      height: Math.max(120, host.clientHeight - 34),
      scales: { x: { time: false }, y: log ? { distr: 3 } : (yRange ? { range: yRange } : {}) },
      axes: [{ stroke: '#444', size: 30, values: iterTicks }, { stroke: '#444', size: 48, values: log ? logTicks : linearTicks }],
      legend: { live: false },
      series: [{ label: 'iter' }, ...series.map((s) => ({ label: s.label, stroke: s.color, width: s.dash ? 1 : 1.5, dash: s.dash, points: { show: false } }))],
    };
    this.title = title;
    this.plot = new uPlot(opts, this.data, host);
    new ResizeObserver(() => this.fit()).observe(host);
  }

  /** Sizes the plot so that it, its title and its legend fill the host. */
  fit() {
    // A plot wider than its panel (120 px at least) reaches past the panel's PNG button: the
    // title keeps clear of the button by that much more on the right.
    const width = plotWidth(this.host.clientWidth);
    const title = this.plot.root.querySelector('.u-title');
    if (title) {
      title.style.paddingRight = `${44 + Math.max(0, width - this.host.clientWidth)}px`;
      // Centred between equal paddings where there is room; in a narrow panel the title keeps
      // the left edge's space for its words (fewer lines: the plot keeps its height).
      title.style.paddingLeft = width < 300 ? '4px' : '';
    }
    // The width first: the legend wraps by it, and the title and legend's height is measured
    // after.
    if (width !== this.plot.width) this.plot.setSize({ width, height: this.plot.height });
    const extra = this.plot.root.offsetHeight - this.plot.height;
    this.plot.setSize({ width, height: Math.max(60, this.host.clientHeight - extra - 4) });
  }

  /** The chart as a PNG: its canvas with the title and legend that uPlot keeps in HTML. */
  png() {
    return import('./export.js').then(({ chartPng }) => chartPng(this.plot.ctx.canvas, this.title, this.series.map(({ label, color, dash }) => ({ label, color, dash }))));
  }

  clear() {
    this.data = [[], ...this.series.map(() => [])];
    this.plot.setData(this.data);
  }

  push(iter, values) {
    const xs = this.data[0];
    if (xs.length && iter <= xs[xs.length - 1]) {
      // A D step leaves the iteration count unchanged: update the last point instead.
      values.forEach((v, i) => { this.data[i + 1][xs.length - 1] = v; });
    } else {
      xs.push(iter);
      values.forEach((v, i) => this.data[i + 1].push(v));
      if (xs.length > MAX_POINTS) this.data = this.data.map((col) => col.filter((_, i) => i % 2 === 0));
    }
    this.plot.setData(this.data);
    if (!this.fitted) { this.fitted = true; this.fit(); } // the stylesheets have loaded by now
  }
}

export const COLORS = { d: REAL, g: FAKE };
