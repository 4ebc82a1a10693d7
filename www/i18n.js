// The page's languages: one file of strings per language (i18n/en.js, i18n/pl.js), the same
// keys in each. English is part of the page; another language is fetched when first chosen.
import en from './i18n/en.js';

/** The languages there are strings for, with each one's name in itself (for the switch). */
export const LANGUAGES = { en: 'English', pl: 'Polski' };

const loaded = { en };
const tooltips = { en: {} };
/** Each language's templates of the engine's messages by code (English: the engine's own). */
const engineTemplates = { en: {} };
let lang = 'en';

/** The language to start in: `wanted` (a `lang` attribute or URL parameter) where there are
 * strings for it, else the first of the browser's languages that there are, else English. */
export function chooseLanguage(wanted, browser = globalThis.navigator?.languages ?? []) {
  for (const l of [wanted, ...browser]) {
    const base = String(l ?? '').toLowerCase().split('-')[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return 'en';
}

let asked = 0;
/** Loads the strings of `l` (one of LANGUAGES) and makes it the language of t(), unless another
 * language was asked for meanwhile (the last choice wins). Resolves with the language in use;
 * a language that fails to load leaves the current one. */
export async function setLanguage(l) {
  if (!Object.hasOwn(LANGUAGES, l)) l = 'en';
  const ticket = ++asked;
  if (!loaded[l]) {
    try {
      const m = await import(`./i18n/${l}.js`);
      loaded[l] = m.default;
      tooltips[l] = m.help ?? {};
      engineTemplates[l] = m.engine ?? {};
    } catch (e) {
      console.warn(`the ${l} strings did not load: ${e.message}`);
      return lang;
    }
  }
  if (ticket === asked) lang = l;
  return lang;
}

export function language() { return lang; }

/** The decimal separator of each language (Polish writes 0,5). */
const DECIMAL = { en: '.', pl: ',' };

/** `x` written with `digits` decimals (toFixed) in the page's language: a decimal comma in
 * Polish. A string passes through with its point replaced the same way. */
export function num(x, digits) {
  const s = typeof x === 'string' ? x : Number(x).toFixed(digits);
  return DECIMAL[lang] === '.' ? s : s.replace('.', DECIMAL[lang]);
}

/** A whole number (an iteration count) in the page's language: 2,500 in English; 2500 and
 * 12 500 (a no-break space) in Polish, where a comma would read as a decimal one. */
export function count(n) {
  return COUNT[lang].format(n);
}
/** count()'s formatters, one per language, made once: the chart's ticks ask at every redraw. */
const COUNT = Object.fromEntries(Object.keys(LANGUAGES).map((l) => [l, new Intl.NumberFormat(l, { maximumFractionDigits: 0 })]));

/** What the engine said (an Error or {message, code, params} from the worker, or a string) in
 * the page's language: its code's template with its parameters filled in (`{name}`), else its
 * own English message. */
export function engineMessage(error) {
  if (typeof error === 'string') return error;
  const template = error?.code ? engineTemplates[lang][error.code] : null;
  const params = error?.params ?? {};
  // A template whose parameters did not all come says the engine's own words instead.
  if (!template || [...template.matchAll(/\{(\w+)\}/g)].some(([, name]) => !Object.hasOwn(params, name))) return String(error?.message ?? error);
  return template.replace(/\{(\w+)\}/g, (_, name) => String(params[name]));
}

/** Whether a string exists for `key`. */
export function has(key) {
  return key in loaded[lang] || key in en;
}

export function t(key, ...args) {
  const s = loaded[lang][key] ?? en[key] ?? key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)]));
}

/** An option's tooltip: the language's own, else the schema's help (English). */
export function fieldHelp(name, schemaHelp) {
  return tooltips[lang][name] ?? schemaHelp;
}
