// The classifier's verdict on the generator's digits, over time: one column per evaluation, one
// row per digit, each cell as dark as the share of samples the classifier put in that digit
// (a tenth each for a generator that covers the digits evenly; an empty row is a digit it
// has lost). The latest column's shares are written beside it.
import { prepareCanvas } from './canvas.js';
import { FAKE_RGB } from './colors.js';

export function drawVerdict(canvas, evaluations) {
  const { ctx, width: W, height: H } = prepareCanvas(canvas);
  if (!evaluations.length) return;
  const m = { l: 18, r: 34, t: 4, b: 16 };
  const w = W - m.l - m.r, h = H - m.t - m.b;
  const rowH = h / 10;
  const cols = evaluations.length;
  const colW = Math.min(24, w / cols);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (let d = 0; d < 10; d++) {
    ctx.fillStyle = '#444';
    ctx.textAlign = 'right';
    ctx.fillText(String(d), m.l - 5, m.t + (d + 0.5) * rowH);
  }
  evaluations.forEach((e, c) => {
    const total = e.classes.reduce((a, b) => a + b, 0) || 1;
    for (let d = 0; d < 10; d++) {
      // Full colour at twice the even share (a fifth of the samples) and above.
      const share = e.classes[d] / total;
      const a = Math.min(1, share / 0.2);
      const [r, g, b] = FAKE_RGB.map((v) => Math.round(255 + (v - 255) * a));
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(m.l + c * colW, m.t + d * rowH, colW - 1, rowH - 1);
    }
  });
  const last = evaluations[cols - 1];
  const total = last.classes.reduce((a, b) => a + b, 0) || 1;
  ctx.textAlign = 'left';
  ctx.fillStyle = '#333';
  for (let d = 0; d < 10; d++) ctx.fillText(`${Math.round((100 * last.classes[d]) / total)}%`, m.l + cols * colW + 4, m.t + (d + 0.5) * rowH);
  ctx.textAlign = 'left';
  ctx.fillText(`${evaluations[0].iter}`, m.l, H - 7);
  ctx.textAlign = 'right';
  if (cols > 1) ctx.fillText(`${last.iter}`, m.l + cols * colW, H - 7);
}
