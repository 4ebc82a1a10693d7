// embed.html, for an <iframe> in a course page. URL parameters as on the standalone page
// (url.js), and `origin`: the one
// origin (e.g. https://course.example.org) whose page may drive the embed with postMessage.
//
// Messages from that origin: {minimax: 1, id, action, args} with action play, pause, step,
// stepD, stepG, reset, configure (args: options; the schema's live options go into the running
// game, others start a new run), snapshot, history. Each gets one reply,
// {minimax: 1, id, ok, result | error}, sent to that origin only. The embed also announces
// {minimax: 1, event: 'ready'} and, about once a second while training, {minimax: 1, event:
// 'progress', iter, d_real, d_fake}. Messages from any other origin are ignored.
import { elementFromUrl } from './url.js';

const params = new URLSearchParams(location.search);
const el = elementFromUrl(params, ['origin']);
let allowed = null;
if (params.has('origin')) {
  try { allowed = new URL(params.get('origin')).origin; } catch { allowed = null; }
  if (allowed === 'null') allowed = null;   // file:, data: and other opaque origins: no one
}
if (!el.hasAttribute('chrome')) el.setAttribute('chrome', 'minimal');
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
