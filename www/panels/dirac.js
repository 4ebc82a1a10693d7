// The Dirac GAN's panel (the view `dirac`): the game of a one-parameter G (x = θ) and a linear
// D (logit ψx) on the data x = 0, drawn in the players' parameters (θ, ψ): the game's vector
// field, and three paths from one start — simultaneous steps, alternating steps (k D steps,
// then G), and alternating steps with the R1 penalty — with each round's eigenvalues in closed
// form and measured. The engine computes everything (experiments/dirac.rs); this draws it.
import { t, num } from '../i18n.js';
import { prepareCanvas } from '../canvas.js';
import { pngButton } from './parts.js';

/** Each path's colour, by the engine's name. */
const COLOURS = { simultaneous: '#c0392b', alternating: '#2e6fd8', penalty: '#1f9e89' };
/** The controls: setting, range, step (the engine checks the ranges again). */
const CONTROLS = [['h', 0.02, 1, 0.01], ['k', 1, 10, 1], ['gamma', 0, 3, 0.1]];

function draw(canvas, picture) {
  const { ctx, width, height } = prepareCanvas(canvas);
  const size = Math.min(width, height);
  const left = (width - size) / 2;
  const e = picture.extent;
  const px = ([x, y]) => [left + ((x + e) / (2 * e)) * size, ((e - y) / (2 * e)) * size];
  ctx.fillStyle = '#fff'; ctx.fillRect(left, 0, size, size);
  // The axes through the equilibrium.
  ctx.strokeStyle = '#ddd'; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(...px([-e, 0])); ctx.lineTo(...px([e, 0])); ctx.moveTo(...px([0, -e])); ctx.lineTo(...px([0, e])); ctx.stroke();
  ctx.fillStyle = '#666'; ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(t('dirac.theta'), left + size - 70, px([0, 0])[1] - 6);
  ctx.fillText(t('dirac.psi'), px([0, 0])[0] + 6, 14);
  // The field: arrows of one length, their direction the game's.
  const cell = size / picture.grid;
  ctx.strokeStyle = '#b8b8b8';
  for (const [x, y, dx, dy] of picture.field) {
    const n = Math.hypot(dx, dy);
    if (!(n > 1e-12)) continue;
    const [cx, cy] = px([x, y]);
    const [ux, uy] = [(dx / n) * cell * 0.38, (-dy / n) * cell * 0.38];
    ctx.beginPath(); ctx.moveTo(cx - ux, cy - uy); ctx.lineTo(cx + ux, cy + uy);
    ctx.lineTo(cx + ux - 0.35 * (ux - 0.6 * uy), cy + uy - 0.35 * (uy + 0.6 * ux));
    ctx.stroke();
  }
  // The paths, clipped to the square.
  ctx.save(); ctx.beginPath(); ctx.rect(left, 0, size, size); ctx.clip();
  ctx.lineWidth = 1.6;
  for (const p of picture.paths) {
    ctx.strokeStyle = COLOURS[p.name];
    ctx.beginPath();
    p.points.forEach((q, i) => (i ? ctx.lineTo(...px(q)) : ctx.moveTo(...px(q))));
    ctx.stroke();
    const end = px(p.points[p.points.length - 1]);
    ctx.fillStyle = COLOURS[p.name];
    ctx.beginPath(); ctx.arc(...end, 3.5, 0, 2 * Math.PI); ctx.fill();
  }
  ctx.restore();
  // The start and the equilibrium.
  const start = px(picture.paths[0].points[0]);
  ctx.fillStyle = '#222'; ctx.beginPath(); ctx.arc(...start, 4, 0, 2 * Math.PI); ctx.fill();
  const [ox, oy] = px([0, 0]);
  ctx.strokeStyle = '#222'; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(ox - 5, oy - 5); ctx.lineTo(ox + 5, oy + 5); ctx.moveTo(ox - 5, oy + 5); ctx.lineTo(ox + 5, oy - 5); ctx.stroke();
  return { left, size, e };
}

/** "0.012 ± 1.000i" (or two real values), in the page's language. */
function eigen([[re, im], [re2]]) {
  return im ? `${num(re, 3)} ± ${num(Math.abs(im), 3)}i` : `${num(re, 3)}, ${num(re2, 3)}`;
}

function table(ctx, picture) {
  const body = ctx.$('.dirac-panel tbody');
  body.replaceChildren(...picture.paths.map((p) => {
    const tr = document.createElement('tr');
    const cells = [
      t(`dirac.path.${p.name}`, p.game.k, num(p.game.gamma, 1)),
      eigen(p.eigenvalues), num(p.radius, 4), num(p.radius_measured, 4),
      `${num(p.distance_start, 2)} → ${p.distance_end < 1e-3 ? num(p.distance_end.toExponential(1)) : num(p.distance_end, 2)}`,
    ];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i === 0) td.style.color = COLOURS[p.name];
      tr.append(td);
    });
    tr.dataset.path = p.name;
    return tr;
  }));
}

async function refresh(ctx, state) {
  if (!ctx.options.dirac) return;
  const ticket = ++state.ticket;
  state.asking = true;
  let picture;
  try {
    picture = await ctx.request('dirac', { settings: state.settings });
  } catch {
    return; // shown by request(); the next snapshot asks again while there is no picture
  } finally {
    if (ticket === state.ticket) state.asking = false;
  }
  if (ticket !== state.ticket || !ctx.$('.dirac-panel')) return;
  state.picture = picture;
  show(ctx, state);
}

function show(ctx, state) {
  const panel = ctx.$('.dirac-panel');
  if (!panel || !state.picture) return;
  state.frame = draw(ctx.$('canvas.dirac'), state.picture);
  table(ctx, state.picture);
  panel.dataset.ready = String(state.ticket);
}

export const diracPanel = {
  name: 'dirac',
  slot: 'main',
  // Settings are replaced, never changed in place (the state is a shallow copy of this).
  initialState: { settings: { h: 0.2, k: 1, gamma: 1, start: [1, 1], rounds: 400 }, ticket: 0, asking: false, picture: null, frame: null },
  template: (ctx) => `<section class="panel dirac-panel"${ctx.options.dirac ? '' : ' hidden'}>${pngButton('dirac')}<h2>${t('dirac.title')}</h2>
    <div class="dirac-body">
      <canvas class="dirac" role="img" aria-label="${t('dirac.title')}"></canvas>
      <div class="dirac-side">
        ${CONTROLS.map(([name, min, max, step]) => `<label>${t(`dirac.${name}`)} <input type="range" name="dirac-${name}" min="${min}" max="${max}" step="${step}"><output></output></label>`).join('')}
        <p class="dirac-hint">${t('dirac.hint')}</p>
        <table class="dirac-table"><thead><tr><th>${t('dirac.col.path')}</th><th>${t('dirac.col.eigen')}</th><th>|λ|</th><th>${t('dirac.col.measured')}</th><th>${t('dirac.col.distance')}</th></tr></thead><tbody></tbody></table>
      </div>
    </div></section>`,
  mount(ctx, state) {
    for (const [name] of CONTROLS) {
      const input = ctx.$(`input[name=dirac-${name}]`);
      input.value = state.settings[name];
      input.nextElementSibling.textContent = num(String(state.settings[name]));
      input.addEventListener('input', () => {
        state.settings = { ...state.settings, [name]: Number(input.value) };
        input.nextElementSibling.textContent = num(input.value);
        refresh(ctx, state);
      });
    }
    ctx.$('canvas.dirac').addEventListener('pointerdown', (ev) => {
      const f = state.frame;
      if (!f) return;
      const r = ev.target.getBoundingClientRect();
      const x = ((ev.clientX - r.left - f.left) / f.size) * 2 * f.e - f.e;
      const y = f.e - ((ev.clientY - r.top) / f.size) * 2 * f.e;
      if (Math.abs(x) > f.e || Math.abs(y) > f.e) return;
      state.settings = { ...state.settings, start: [Number(x.toFixed(3)), Number(y.toFixed(3))] };
      refresh(ctx, state);
    });
    ctx.$('.app').classList.toggle('with-dirac', Boolean(ctx.options.dirac));
    if (state.picture) show(ctx, state);
  },
  /** Until a picture has come (the first request, or one that failed), each snapshot asks. */
  update(ctx, s, state) { if (ctx.options.dirac && !state.picture && !state.asking) refresh(ctx, state); },
  views(ctx, state) {
    ctx.$('.dirac-panel').hidden = !ctx.options.dirac;
    ctx.$('.app').classList.toggle('with-dirac', Boolean(ctx.options.dirac));
    if (!ctx.options.dirac) return;
    if (state.picture) show(ctx, state);
    else refresh(ctx, state);
  },
  png(ctx, state) {
    const legend = (state.picture?.paths ?? []).map((p) => ({ label: t(`dirac.path.${p.name}`, p.game.k, num(p.game.gamma, 1)), color: COLOURS[p.name] }));
    return import('../export.js').then(({ chartPng }) => chartPng(ctx.$('canvas.dirac'), ctx.$('.dirac-panel h2').textContent, legend));
  },
};
