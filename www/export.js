// A chart as a PNG file: its canvas on white, with its title above and, for curves, the legend
// below (uPlot draws those in HTML, outside the canvas), at the canvas's own resolution.

/** `canvas` (drawn at devicePixelRatio) framed with `title` and `legend` ([{label, color, dash}]);
 * `crop` ({width, height} in CSS pixels) keeps only the top-left part that was drawn on;
 * `subtitle`, a line of small text under the title, wrapped to the width. */
export function chartPng(canvas, title, legend = [], crop = null, subtitle = '') {
  const scale = canvas.width / Math.max(1, canvas.clientWidth) || 1;
  if (crop) {
    const part = new OffscreenCanvas(Math.max(1, Math.round(crop.width * scale)), Math.max(1, Math.round(crop.height * scale)));
    part.getContext('2d').drawImage(canvas, -Math.round((crop.left ?? 0) * scale), 0);
    return framed(part, scale, title, legend, subtitle);
  }
  return framed(canvas, scale, title, legend, subtitle);
}

/** `text` broken into lines no wider than `width` by `ctx`'s font. */
function wrap(ctx, text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > width) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

function framed(canvas, scale, title, legend, subtitle) {
  const pad = Math.round(8 * scale);
  const measureSub = new OffscreenCanvas(1, 1).getContext('2d');
  measureSub.font = `${Math.round(11 * scale)}px system-ui, sans-serif`;
  const subLines = subtitle ? wrap(measureSub, subtitle, canvas.width) : [];
  const titleH = Math.round(22 * scale) + Math.round(15 * scale) * subLines.length;
  const rowH = Math.round(20 * scale);
  const font = `${Math.round(12 * scale)}px system-ui, sans-serif`;
  // The legend's entries, laid out left to right and wrapped to the canvas's width.
  const measure = new OffscreenCanvas(1, 1).getContext('2d');
  measure.font = font;
  const entries = [];
  let x = 0, row = 0;
  for (const item of legend) {
    const w = 22 * scale + measure.measureText(item.label).width;
    if (x > 0 && x + w > canvas.width) { x = 0; row++; }
    entries.push({ ...item, x, row });
    x += w + 14 * scale;
  }
  const legendH = legend.length ? (row + 1) * rowH + Math.round(4 * scale) : 0;
  const out = new OffscreenCanvas(canvas.width + 2 * pad, canvas.height + titleH + legendH + 2 * pad);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#111';
  ctx.textBaseline = 'top';
  ctx.font = `600 ${Math.round(13 * scale)}px system-ui, sans-serif`;
  ctx.fillText(title, pad, pad, out.width - 2 * pad);
  ctx.font = measureSub.font;
  ctx.fillStyle = '#333';
  subLines.forEach((l, i) => ctx.fillText(l, pad, pad + Math.round(20 * scale) + i * Math.round(15 * scale)));
  ctx.drawImage(canvas, pad, pad + titleH);
  ctx.font = font;
  ctx.textBaseline = 'middle';
  const top = pad + titleH + canvas.height + Math.round(4 * scale) + rowH / 2;
  for (const { label, color, dash, x, row } of entries) {
    const y = top + row * rowH;
    ctx.strokeStyle = color;
    ctx.lineWidth = 2 * scale;
    ctx.setLineDash(dash ? dash.map((d) => d * scale) : []);
    ctx.beginPath(); ctx.moveTo(pad + x, y); ctx.lineTo(pad + x + 18 * scale, y); ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#222';
    ctx.fillText(label, pad + x + 22 * scale, y);
  }
  return out.convertToBlob({ type: 'image/png' });
}
