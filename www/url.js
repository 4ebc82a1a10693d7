// URL parameters → a <minimax-gan>, for the standalone page (main.js) and the iframe page
// (embed.js). preset, backend, chrome and lang become attributes, autoplay, keep-running and
// pretrained flags; any other name is a config option (e.g. ?dataset=grid&lr_g=0.0002) laid over the
// preset. Values stay text: the engine parses each by its type in the config schema and names
// a bad one. Nothing from the URL reaches HTML: the element takes attributes, and every
// attribute it shows is checked against a closed set.
import './minimax-gan.js';

const ATTRIBUTES = ['preset', 'backend', 'chrome', 'lang'];
const FLAGS = ['autoplay', 'keep-running', 'pretrained'];

/** The element (not yet in the page); parameters named in `own` are left to the caller. */
export function elementFromUrl(params, own = []) {
  const el = document.createElement('minimax-gan');
  const overrides = {};
  for (const [k, v] of params) {
    if (own.includes(k)) continue;
    if (ATTRIBUTES.includes(k)) el.setAttribute(k, v);
    else if (FLAGS.includes(k)) el.setAttribute(k, '');
    else overrides[k] = v;
  }
  if (Object.keys(overrides).length) el.setAttribute('config', JSON.stringify(overrides));
  return el;
}
