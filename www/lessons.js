// Lessons: one JSON file each in lessons/ (listed in lessons/index.json), played through the
// element's public API, so that a teacher writes a lesson without touching code. A lesson
// holds the config to train (the CLI trains the same one: `minimax train --lesson ID`), the
// views to show, the panels to point at, and its card's text in every language: a title, the
// claim of the lecture it shows, the goal, what to do, what to watch and a formula (TeX, typeset by KaTeX shipped with the page).
// A variant ("mode-collapse/unrolled") lays its own config, views and text over the lesson's.
//
// Every text goes into the page as text (textContent), and the formula through KaTeX's DOM
// builder; nothing of a lesson or of the URL reaches innerHTML.
import { t, language } from './i18n.js';

const BASE = new URL('lessons/', import.meta.url);
const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

async function fetchJson(name) {
  const response = await fetch(new URL(name, BASE));
  if (!response.ok) throw new Error(`lessons/${name}: HTTP ${response.status}`);
  return response.json();
}

/** Every lesson, fetched once: {ids (the lecture's order), files (each lesson's JSON by ID)}.
 * The menu needs all their titles, and the lesson shown is one of them. */
export async function loadLessons() {
  const ids = await fetchJson('index.json');
  const files = await Promise.all(ids.map((id) => fetchJson(`${id}.json`)));
  return { ids, files: Object.fromEntries(ids.map((id, i) => [id, files[i]])) };
}

/** The lesson `spec` ("ID" or "ID/variant") of `lessons` (loadLessons) with its variant laid
 * over it; throws an Error that says what is wrong (an unknown lesson, an unknown variant). */
export function lessonOf(spec, { ids, files }) {
  const [id, variant, ...rest] = String(spec).split('/');
  if (rest.length || !ID.test(id) || (variant !== undefined && !ID.test(variant)) || !ids.includes(id)) {
    throw new Error(t('lessonUnknown', String(spec).slice(0, 60), ids.join(', ')));
  }
  const lesson = files[id];
  const variants = lesson.variants ?? {};
  if (variant !== undefined && !Object.hasOwn(variants, variant)) {
    throw new Error(t('variantUnknown', variant, id, Object.keys(variants).join(', ') || '–'));
  }
  const v = variant === undefined ? {} : variants[variant];
  const text = {};
  for (const lang of Object.keys(lesson.text)) text[lang] = { ...lesson.text[lang], ...(v.text?.[lang] ?? {}) };
  return {
    id, variant: variant ?? null, spec: variant === undefined ? id : `${id}/${variant}`,
    config: { ...lesson.config, ...(v.config ?? {}) },
    views: { ...(lesson.views ?? {}), ...(v.views ?? {}) },
    highlight: v.highlight ?? lesson.highlight ?? [],
    preset: v.preset ?? lesson.preset ?? null,
    pretrained: Boolean(v.pretrained ?? lesson.pretrained),
    vae: Boolean(v.vae ?? lesson.vae),
    variants: Object.keys(variants),
    variantLabels: Object.fromEntries(Object.entries(variants).map(([name, x]) => [name, x.label ?? {}])),
    text,
  };
}

/** Adds the style sheet `path` (next to this module) to the page; resolves once it has loaded
 * (or failed to). */
function addStyleSheet(path) {
  return new Promise((resolve) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL(path, import.meta.url).href;
    css.onload = css.onerror = resolve;
    document.head.append(css);
  });
}

/** The card's style sheet, added to the page once. */
let style = null;
export function loadStyle() {
  style ??= addStyleSheet('lessons.css');
  return style;
}

let katex = null;
/** KaTeX, fetched with the first formula (it is not part of the page without lessons). */
function loadKatex() {
  if (!katex) {
    addStyleSheet('vendor/katex/katex.min.css');
    katex = import('./vendor/katex/katex.js').then((m) => m.default);
  }
  return katex;
}

/** A link to another lesson: the page's language, backend and chrome go along, but not the
 * options and views changed in this one (they would override the next lesson's own). */
function href({ lesson }) {
  const here = new URLSearchParams(location.search);
  const next = new URLSearchParams({ lesson });
  for (const k of ['lang', 'backend', 'chrome', 'no-sw']) if (here.has(k)) next.set(k, here.get(k));
  next.set('lang', language());
  return `?${next}`;
}

/** The lesson's title in the page's language (English where it has none). */
export function titleOf(file) {
  return file.text[language()]?.title ?? file.text.en.title;
}

/** Draws the lesson's card into `box`, in the page's language, with a menu of `lessons`
 * (loadLessons). */
export async function drawCard(box, lesson, { ids, files }) {
  const lang = language();
  const text = lesson.text[lang] ?? lesson.text.en;
  const el = (tag, cls, content) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (content != null) e.textContent = content;
    return e;
  };
  const list = (tag, items) => {
    const l = el(tag);
    for (const item of items ?? []) l.append(el('li', null, item));
    return l;
  };
  box.replaceChildren();
  box.setAttribute('aria-label', t('lessonLabel'));
  const nav = el('nav', 'lesson-nav');
  const pick = el('select', 'lesson-pick');
  pick.setAttribute('aria-label', t('lessonPick'));
  ids.forEach((id, i) => {
    const o = new Option(`${i + 1}. ${titleOf(files[id])}`, id);
    o.selected = id === lesson.id;
    pick.append(o);
  });
  pick.addEventListener('change', () => { location.search = href({ lesson: pick.value }); });
  nav.append(el('span', 'lesson-kicker', t('lessonKicker')), pick);
  box.append(nav, el('h2', 'lesson-title', text.title));
  // The claim of the lecture the lesson shows happening.
  if (text.claim) {
    const claim = el('p', 'lesson-claim');
    claim.append(el('strong', null, `${t('lessonClaim')}: `), text.claim);
    box.append(claim);
  }
  box.append(el('p', 'lesson-goal', text.goal));
  const formula = el('div', 'lesson-formula');
  box.append(formula);
  box.append(el('h3', null, t('lessonDo')), list('ol', text.do), el('h3', null, t('lessonWatch')), list('ul', text.watch));
  if (text.note) box.append(el('p', 'lesson-note', text.note));
  if (lesson.variants.length) {
    const v = el('p', 'lesson-variants', `${t('lessonVariants')} `);
    const label = (name) => lesson.variantLabels[name][lang] ?? lesson.variantLabels[name].en ?? name;
    const links = [[lesson.id, t('lessonMain')], ...lesson.variants.map((name) => [`${lesson.id}/${name}`, label(name)])];
    links.forEach(([spec, label], i) => {
      if (i) v.append(' · ');
      if (spec === lesson.spec) v.append(el('strong', null, label));
      else {
        const a = el('a', null, label);
        a.href = href({ lesson: spec });
        v.append(a);
      }
    });
    box.append(v);
  }
  if (text.formula) {
    try {
      (await loadKatex()).render(text.formula, formula, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' });
    } catch (e) {
      formula.textContent = text.formula;
      console.warn(`the formula was not typeset: ${e.message}`);
    }
  }
}
