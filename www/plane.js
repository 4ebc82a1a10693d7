// The 2-D data plane: D(x) as a heat-map, real and generated points, G's gradient as arrows.
import { REAL, FAKE, REAL_RGB, FAKE_RGB, GENERATOR_PALETTE } from './colors.js';
import { prepareCanvas } from './canvas.js';

/** Heat-map colour of a probability d: the fake colour at 0, white at 1/2, the real colour at 1. */
function heat(d) {
  const [c, a] = d >= 0.5 ? [REAL_RGB, (d - 0.5) * 2] : [FAKE_RGB, (0.5 - d) * 2];
  const w = 0.75 * a;
  return [255 + (c[0] - 255) * w, 255 + (c[1] - 255) * w, 255 + (c[2] - 255) * w];
}

/** The density ratio view: D/(1 − D) on a log scale, white at 1 and full colour from 100 (real)
 * or 1/100 (generated) on; the D map saturates much sooner (D = 0.9 is a ratio of 9). */
const RATIO_DECADES = 2;
function ratioHeat(d) {
  const r = Math.log10(Math.max(1e-12, d) / Math.max(1e-12, 1 - d));
  const a = Math.min(1, Math.abs(r) / RATIO_DECADES);
  return heat(0.5 + Math.sign(r) * a / 2);
}

let scratch = null;

function drawHeat(ctx, grid, res, x0, y0, w, h, colour = heat) {
  const img = new ImageData(res, res);
  for (let iy = 0; iy < res; iy++) {
    for (let ix = 0; ix < res; ix++) {
      const [r, g, b] = colour(grid[iy * res + ix]);
      const o = 4 * ((res - 1 - iy) * res + ix); // rows go up in y
      img.data[o] = r; img.data[o + 1] = g; img.data[o + 2] = b; img.data[o + 3] = 255;
    }
  }
  // One scratch canvas per resolution, kept: a new one each frame is a new GPU texture.
  if (scratch?.width !== res) scratch = new OffscreenCanvas(res, res);
  const tmp = scratch;
  tmp.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, x0, y0, w, h);
}

/** Maps data coordinates to pixels of a panel. */
export function panelTransform(view, x0, y0, w, h) {
  const [xmin, xmax, ymin, ymax] = view;
  return {
    px: (x) => x0 + ((x - xmin) / (xmax - xmin)) * w,
    py: (y) => y0 + h - ((y - ymin) / (ymax - ymin)) * h,
    inv: (px, py) => [xmin + ((px - x0) / w) * (xmax - xmin), ymin + ((y0 + h - py) / h) * (ymax - ymin)],
  };
}

const GAP = 8;

/** The side of each square panel, the width all of them take and their left edge (centred in
 * the canvas), in CSS pixels. */
export function planeExtent(cssW, cssH, panels) {
  const size = Math.max(0, Math.min((cssW - GAP * (panels - 1)) / panels, cssH));
  const width = panels * size + GAP * (panels - 1);
  return { size, width, left: Math.max(0, Math.floor((cssW - width) / 2)) };
}

/** The ratio view's key: the colour bar from 1/100 to 100, with the quantity's name. */
function ratioKey(ctx, x0, y0, size, label, below) {
  // Below the square where the canvas has room for it, else over its lower edge.
  const w = Math.min(150, size - 16), h = 8, x = x0 + 8, y = below ? y0 + size + 18 : y0 + size - 26;
  ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(x - 4, y - 14, w + 8, 36);
  for (let i = 0; i < w; i++) {
    const [r, g, b] = heat(i / (w - 1));
    ctx.fillStyle = `rgb(${r},${g},${b})`; ctx.fillRect(x + i, y, 1, h);
  }
  ctx.strokeStyle = '#999'; ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
  ctx.fillStyle = '#222'; ctx.font = '10px system-ui, sans-serif'; ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left'; ctx.fillText(label, x, y - 3);
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left'; ctx.fillText('≤1/100', x, y + h + 2);
  ctx.textAlign = 'center'; ctx.fillText('1', x + w / 2, y + h + 2);
  ctx.textAlign = 'right'; ctx.fillText('≥100', x + w, y + h + 2);
  ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic';
}

/** The plane's optional layers, each toggled by the view of its name (views.js) and drawn
 * `at` one depth: under the samples, over them, or over the ratio view's key as well:
 * `draw(ctx, plane, transform, panel, options)`, where panel 0 is D's square and 1 D*'s. A
 * new layer is one entry (and its view's strings). */
export const LAYERS = [
  {
    // GAN Lab's generator manifold: G's image of a regular latent grid, a warped mesh.
    view: 'manifold', at: 'under',
    draw(ctx, plane, tr) {
      const m = plane.manifold;
      if (!m) return;
      ctx.lineWidth = 0.9;
      m.points.forEach((points, g) => {
        // Several generators: each its colour; one: a dark line that shows on either side's colour.
        ctx.strokeStyle = m.points.length > 1 ? GENERATOR_PALETTE[g % GENERATOR_PALETTE.length] : '#2b2b2b';
        ctx.globalAlpha = 0.65;
        const at = (r, c) => points[r * m.side + c];
        const line = (n, pick) => {
          ctx.beginPath();
          for (let i = 0; i < n; i++) { const [x, y] = pick(i); if (i) ctx.lineTo(tr.px(x), tr.py(y)); else ctx.moveTo(tr.px(x), tr.py(y)); }
          ctx.stroke();
        };
        for (let r = 0; r < m.rows; r++) line(m.side, (c) => at(r, c));
        if (m.rows > 1) for (let c = 0; c < m.side; c++) line(m.rows, (r) => at(r, c));
        ctx.globalAlpha = 1;
      });
      ctx.lineWidth = 1;
    },
  },
  {
    // G moves its samples along −∇ₓ loss_G; arrows are scaled to the largest one, or to a
    // fixed norm (then an arrow 3 times the reference length is cut there).
    view: 'arrows', at: 'over',
    draw(ctx, plane, tr, panel, { arrowScale = null }) {
      if (panel !== 0) return;
      const norms = plane.g_grad.map(([gx, gy]) => Math.hypot(gx, gy));
      const max = arrowScale ?? Math.max(1e-12, ...norms);
      ctx.strokeStyle = 'rgba(30,30,30,0.45)'; ctx.lineWidth = 0.8;
      plane.fake.forEach(([x, y], i) => {
        if (i % 4) return;
        const [gx, gy] = plane.g_grad[i];
        const s = 0.3 / max * Math.min(1, 3 * max / Math.max(1e-12, norms[i]));
        const ax = tr.px(x), ay = tr.py(y), bx = tr.px(x - gx * s), by = tr.py(y - gy * s);
        ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(bx, by); ctx.stroke();
      });
      ctx.lineWidth = 1;
    },
  },
  {
    // The modes' numbers, as the mode chart and the status line count them.
    view: 'modeChart', at: 'top',
    draw(ctx, plane, tr) {
      if (!plane.modes) return;
      ctx.fillStyle = '#222'; ctx.font = 'bold 11px system-ui, sans-serif'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      const [cx, cy] = [(plane.view[0] + plane.view[1]) / 2, (plane.view[2] + plane.view[3]) / 2];
      plane.modes.forEach(([x, y], k) => {
        const r = Math.hypot(x - cx, y - cy) || 1;
        const d = 0.06 * (plane.view[1] - plane.view[0]);
        ctx.fillText(String(k + 1), tr.px(x + (x - cx) / r * d), tr.py(y + (y - cy) / r * d));
      });
      ctx.textAlign = 'left'; ctx.textBaseline = 'alphabetic';
    },
  },
];

/** `ratio`: the heat-maps show D/(1 − D) and p_data/p_g (from D*) instead of D and D*.
 * `arrowScale`: arrows scaled by this gradient norm (fixed across frames) instead of by the
 * longest arrow of the frame. */
export function drawPlane(canvas, plane, options = {}) {
  const { showDStar = false, ratio = false, userPoints = [] } = options;
  const { ctx, width: cssW, height: cssH } = prepareCanvas(canvas);
  if (!plane) return null;
  const panels = showDStar ? 2 : 1;
  const gap = GAP;
  const { size, left } = planeExtent(cssW, cssH, panels);
  const transforms = [];
  for (let p = 0; p < panels; p++) {
    const x0 = left + p * (size + gap), y0 = 0;
    drawHeat(ctx, p === 0 ? plane.d_grid : plane.d_star_grid, plane.resolution, x0, y0, size, size, ratio ? ratioHeat : heat);
    const tr = panelTransform(plane.view, x0, y0, size, size);
    transforms.push(tr);
    ctx.strokeStyle = '#999'; ctx.lineWidth = 1; ctx.strokeRect(x0 + 0.5, y0 + 0.5, size - 1, size - 1);
    // Everything drawn from here on stays inside the square.
    const clip = () => { ctx.save(); ctx.beginPath(); ctx.rect(x0, y0, size, size); ctx.clip(); };
    const layers = (at) => { for (const l of LAYERS) if (l.at === at && options[l.view]) l.draw(ctx, plane, tr, p, options); };
    clip();
    layers('under');
    ctx.fillStyle = REAL;
    for (const [x, y] of plane.real) { ctx.beginPath(); ctx.arc(tr.px(x), tr.py(y), 2, 0, 7); ctx.fill(); }
    const multi = plane.fake_generator.some((g) => g > 0);
    // Generated samples are crosses, real ones dots: told apart by shape as well as colour.
    ctx.lineWidth = 1.4;
    plane.fake.forEach(([x, y], i) => {
      ctx.strokeStyle = multi ? GENERATOR_PALETTE[plane.fake_generator[i] % GENERATOR_PALETTE.length] : FAKE;
      const px = tr.px(x);
      const py = tr.py(y);
      ctx.beginPath();
      ctx.moveTo(px - 2.5, py - 2.5); ctx.lineTo(px + 2.5, py + 2.5);
      ctx.moveTo(px + 2.5, py - 2.5); ctx.lineTo(px - 2.5, py + 2.5);
      ctx.stroke();
    });
    ctx.lineWidth = 1;
    layers('over');
    ctx.restore();
    // The key may sit below the square; what follows is drawn over it, in the square again.
    if (ratio) ratioKey(ctx, x0, y0, size, p === 0 ? 'D/(1 − D)' : 'p_data/p_g = D*/(1 − D*)', cssH - size >= 44);
    clip();
    layers('top');
    ctx.strokeStyle = '#000'; ctx.fillStyle = '#ffd166';
    for (const [x, y] of userPoints) { ctx.beginPath(); ctx.arc(tr.px(x), tr.py(y), 3.5, 0, 7); ctx.fill(); ctx.stroke(); }
    ctx.restore();
  }
  return transforms[0];
}
