// The headline chart: histograms of D(x) on real and on generated samples, with a line at 1/2.
import { REAL, FAKE } from './colors.js';
import { num } from './i18n.js';

/** Generated data's fill: diagonal stripes of its colour, so that real (solid) and generated
 * bars differ in pattern as well as in colour. */
const patterns = new WeakMap();
function hatch(ctx) {
  if (patterns.has(ctx)) return patterns.get(ctx);
  const tile = new OffscreenCanvas(6, 6);
  const t = tile.getContext('2d');
  t.fillStyle = FAKE; t.globalAlpha = 0.45; t.fillRect(0, 0, 6, 6);
  t.globalAlpha = 1; t.strokeStyle = FAKE; t.lineWidth = 2;
  t.beginPath(); t.moveTo(-1, 7); t.lineTo(7, -1); t.moveTo(5, 7); t.lineTo(7, 5); t.moveTo(-1, 1); t.lineTo(1, -1); t.stroke();
  const pattern = ctx.createPattern(tile, 'repeat');
  patterns.set(ctx, pattern);
  return pattern;
}
import { prepareCanvas } from './canvas.js';

export function drawHistogram(canvas, snapshot, labels) {
  const { ctx, width: W, height: H } = prepareCanvas(canvas);
  if (!snapshot) return;
  ctx.font = '11px system-ui, sans-serif';
  // The legend: the real data's entry on the left, D = 1/2 over its line (left out where the
  // real entry would reach it), the generated data's entry to the right of that if it fits there
  // (it ends inside the canvas), else on a second row under the first (a narrow panel, a longer
  // label: "wygenerowane"). The rows are chosen by the labels with a placeholder value, so that
  // the plot does not jump as the means change.
  const m = { l: 40, r: 10, t: 22, b: 30 };
  const centre = m.l + (W - m.l - m.r) / 2;
  const realText = `${labels.real}: ${num(snapshot.d_real, 3)}`;
  const fakeText = `${labels.fake}: ${num(snapshot.d_fake, 3)}`;
  const width = (label) => ctx.measureText(`${label}: ${num('0.000')}`).width;
  const realEnd = m.l + 18 + width(labels.real);
  const showHalf = realEnd + 6 <= centre + 4;
  const halfEnd = showHalf ? centre + 4 + ctx.measureText(labels.half).width + 10 : realEnd + 16;
  const fakeX = Math.min(centre + 70, W - 2 - 14 - width(labels.fake));
  const oneRow = fakeX >= halfEnd;
  if (!oneRow) m.t = 36;
  const w = W - m.l - m.r, h = H - m.t - m.b;
  if (w <= 0 || h <= 0) return; // a hidden or tiny canvas
  const { real, fake } = snapshot.histograms;
  const bins = real.length;
  const total = Math.max(1, real.reduce((a, b) => a + b, 0));
  const frac = (c) => c / total;
  // A round top for the y axis: the next multiple of 5 % (of 1 % below 5 %).
  const peak = Math.max(0.01, ...real.map(frac), ...fake.map(frac));
  const step = peak > 0.05 ? 0.05 : 0.01;
  const ymax = Math.ceil(peak / step - 1e-9) * step;
  const bw = w / bins;
  // Axes and ticks.
  ctx.strokeStyle = '#444'; ctx.fillStyle = '#444'; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(m.l, m.t); ctx.lineTo(m.l, m.t + h); ctx.lineTo(m.l + w, m.t + h); ctx.stroke();
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (const v of [0, 0.25, 0.5, 0.75, 1]) ctx.fillText(num(String(v)), m.l + v * w, m.t + h + 4);
  ctx.fillText('D(x)', centre, m.t + h + 16);
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  const tick = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25].find((s) => ymax / s <= 5) || 0.25;
  for (let v = 0; v <= ymax + 1e-9; v += tick) {
    ctx.fillText(`${Math.round(v * 100)}%`, m.l - 4, m.t + h - (v / ymax) * h);
  }
  // Bars, side by side in each bin.
  for (let i = 0; i < bins; i++) {
    for (const [counts, color, off] of [[real, REAL, 0], [fake, FAKE, 0.5]]) {
      const bh = (frac(counts[i]) / ymax) * h;
      ctx.fillStyle = color === FAKE ? hatch(ctx) : color;
      ctx.fillRect(m.l + i * bw + off * bw + 0.5, m.t + h - bh, bw / 2 - 1, bh);
    }
  }
  // The equilibrium D = 1/2.
  ctx.strokeStyle = '#111'; ctx.setLineDash([4, 3]);
  ctx.beginPath(); ctx.moveTo(centre, m.t); ctx.lineTo(centre, m.t + h); ctx.stroke();
  ctx.setLineDash([]);
  ctx.textAlign = 'left'; ctx.textBaseline = 'top'; ctx.fillStyle = '#111';
  if (showHalf) ctx.fillText(labels.half, centre + 4, 6);
  // Legend with the means.
  ctx.fillStyle = REAL; ctx.fillRect(m.l + 4, 6, 10, 10);
  ctx.fillStyle = '#222'; ctx.fillText(realText, m.l + 18, 5);
  const [x2, y2] = oneRow ? [fakeX, 6] : [m.l + 4, 20];
  ctx.fillStyle = hatch(ctx); ctx.fillRect(x2, y2, 10, 10);
  ctx.fillStyle = '#222'; ctx.fillText(fakeText, x2 + 14, y2 - 1);
}
