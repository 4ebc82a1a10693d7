// embed.html, for an <iframe> in a course page. URL parameters: preset, lang, chrome, backend,
// autoplay, keep-running, config options as on the standalone page, and `origin`: the one
// origin (e.g. https://course.example.org) whose page may drive the embed with postMessage.
//
// Messages from that origin: {minimax: 1, id, action, args} with action play, pause, step,
// stepD, stepG, reset, configure (args: options), snapshot, history. Each gets one reply,
// {minimax: 1, id, ok, result | error}, sent to that origin only. The embed also announces
// {minimax: 1, event: 'ready'} and, about once a second while training, {minimax: 1, event:
// 'progress', iter, d_real, d_fake}. Messages from any other origin are ignored.
import './minimax-gan.js';

const params = new URLSearchParams(location.search);
const el = document.createElement('minimax-gan');
const overrides = {};
let allowed = null;
for (const [k, v] of params) {
  if (['preset', 'backend', 'chrome', 'lang'].includes(k)) el.setAttribute(k, v);
  else if (k === 'autoplay' || k === 'keep-running') el.setAttribute(k, '');
  else if (k === 'origin') {
    try { allowed = new URL(v).origin; } catch { allowed = null; }
    if (allowed === 'null') allowed = null;   // file:, data: and other opaque origins: no one
  } else overrides[k] = v;
}
if (!el.hasAttribute('chrome')) el.setAttribute('chrome', 'minimal');
if (Object.keys(overrides).length) el.setAttribute('config', JSON.stringify(overrides));
document.body.append(el);
window.minimax = el;

const ACTIONS = {
  play: () => el.play(), pause: () => el.pause(), step: () => el.step(), stepD: () => el.stepD(),
  stepG: () => el.stepG(), reset: () => el.reset(), configure: (args) => el.configure(args ?? {}),
  snapshot: () => el.snapshot(), history: () => el.history(),
};

function send(message) {
  if (allowed && window.parent !== window) window.parent.postMessage({ minimax: 1, ...message }, allowed);
}

window.addEventListener('message', async (e) => {
  if (!allowed || e.origin !== allowed || e.source !== window.parent) return;
  const { minimax, id, action, args } = e.data || {};
  if (minimax !== 1) return;
  const f = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : null;
  if (!f) return send({ id, ok: false, error: `unknown action ${JSON.stringify(action)}` });
  try {
    const result = await f(args);
    // Plain data only: structured clone of the snapshot's numbers and arrays.
    send({ id, ok: true, result: result ?? null });
  } catch (err) {
    send({ id, ok: false, error: String(err?.message || err) });
  }
});

el.addEventListener('ready', () => send({ event: 'ready' }), { once: true });
let lastProgress = 0;
el.addEventListener('snapshot', (e) => {
  const now = performance.now();
  if (now - lastProgress < 1000) return;
  lastProgress = now;
  const s = e.detail;
  send({ event: 'progress', iter: s.iter, d_real: s.d_real, d_fake: s.d_fake });
});
