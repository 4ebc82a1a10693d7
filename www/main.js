// The standalone page (index.html): URL parameters pick attributes of <minimax-gan>: preset,
// backend, chrome, lang, autoplay; any other name is a config option (e.g.
// ?dataset=grid&lr_g=0.0002) laid over the preset. Values stay text: the engine parses each by
// its type in the config schema and names a bad one. Nothing from the URL reaches HTML: the
// element takes attributes, and every attribute it shows is checked against a closed set.
import './minimax-gan.js';

const ATTRIBUTES = ['preset', 'backend', 'chrome', 'lang'];
const params = new URLSearchParams(location.search);
const el = document.createElement('minimax-gan');
const overrides = {};
for (const [k, v] of params) {
  if (ATTRIBUTES.includes(k)) el.setAttribute(k, v);
  else if (k === 'autoplay' || k === 'keep-running') el.setAttribute(k, '');
  else overrides[k] = v;
}
if (Object.keys(overrides).length) el.setAttribute('config', JSON.stringify(overrides));
document.body.append(el);
window.minimax = el;
