// URL parameters → a <minimax-gan>, for the standalone page (main.js) and the iframe page
// (embed.js), and back: the page writes its state into its URL (stateParams), so that a link
// reproduces what its sender saw (the same seed and backend give the same run).
//
// preset, backend, chrome and lang become attributes; views (a comma list of the views on,
// e.g. views=showDStar,ratio) the views attribute; autoplay, keep-running and pretrained
// flags; any other name is a config option (e.g. ?dataset=grid&lr_g=0.0002) laid over the
// preset (and over a lesson's config). Values stay text: the engine parses each by its type in
// the config schema and names a bad one. Nothing from the URL reaches HTML: the element takes
// attributes, and every attribute it shows is checked against a closed set.
import './minimax-gan.js';
import { VIEWS } from './views.js';

const ATTRIBUTES = ['preset', 'backend', 'chrome', 'lang'];
const FLAGS = ['autoplay', 'keep-running', 'pretrained'];

/** `showDStar,ratio` → every view, these on and the others off (unknown names are ignored). */
export function parseViews(text) {
  const on = new Set(String(text).split(','));
  return Object.fromEntries(Object.keys(VIEWS).map((k) => [k, on.has(k)]));
}

/** The config options a URL sets (every parameter that is not an attribute, a flag, `views`
 * or one of `own`), as text. */
export function optionsFromUrl(params, own = []) {
  const options = {};
  for (const [k, v] of params) {
    if (!own.includes(k) && !ATTRIBUTES.includes(k) && !FLAGS.includes(k) && k !== 'views') options[k] = v;
  }
  return options;
}

/** The element (not yet in the page); parameters named in `own` are left to the caller.
 * `base` (a lesson): config options and views under the URL's own. */
export function elementFromUrl(params, own = [], base = {}) {
  const el = document.createElement('minimax-gan');
  for (const [k] of params) {
    if (own.includes(k)) continue;
    if (ATTRIBUTES.includes(k)) el.setAttribute(k, params.get(k));
    else if (FLAGS.includes(k)) el.setAttribute(k, '');
  }
  const overrides = { ...(base.config ?? {}), ...optionsFromUrl(params, own) };
  if (Object.keys(overrides).length) el.setAttribute('config', JSON.stringify(overrides));
  const views = { ...(base.views ?? {}), ...(params.has('views') ? parseViews(params.get('views')) : {}) };
  if (Object.keys(views).length) el.setAttribute('views', JSON.stringify(views));
  return el;
}

/** The page's state as URL parameters: `keep` (lesson, preset, backend, …: as they are), the
 * language, the options changed from the start (`options`) and the views when they differ
 * from `baseViews`. */
export function stateParams({ keep, lang, options, views, baseViews }) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(keep)) if (v != null) params.set(k, v);
  if (lang) params.set('lang', lang);
  for (const [k, v] of Object.entries(options)) {
    if (k === 'points') continue; // drawn points stay in the checkpoint, not the URL
    params.set(k, String(v));
  }
  const base = { ...VIEWS, ...baseViews };
  if (Object.keys(VIEWS).some((k) => Boolean(views[k]) !== Boolean(base[k]))) {
    params.set('views', Object.keys(VIEWS).filter((k) => views[k]).join(','));
  }
  return params;
}
