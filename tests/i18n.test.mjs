// The page's languages and lessons, checked without a browser: both languages have the same
// keys with the same placeholders; every lesson of the index exists, has its card in both
// languages with the same parts, names only views and panels the element has, and its formulas
// typeset with the KaTeX the page ships.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import katex from 'katex';
import en from '../www/i18n/en.js';
import pl, { help as plHelp } from '../www/i18n/pl.js';
import { VIEWS, HIGHLIGHTS } from '../www/views.js';
import { test } from './helpers.mjs';

const ROOT = path.join(import.meta.dirname, '..');
const placeholders = (s) => [...s.matchAll(/\{(\d)\}/g)].map((m) => m[1]).sort().join(',');

test('English and Polish have the same keys and placeholders', () => {
  assert.deepEqual(Object.keys(pl).sort(), Object.keys(en).sort());
  for (const [k, v] of Object.entries(en)) {
    assert.equal(placeholders(pl[k]), placeholders(v), `placeholders of ${k}`);
    assert.ok(pl[k].trim(), `${k} is empty in Polish`);
  }
  // The Polish tooltips name only options of the schema (the README's table lists them).
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const name of Object.keys(plHelp)) assert.ok(readme.includes(`| \`--${name.replaceAll('_', '-')}\``), `help.${name}: no such option`);
});

test('every lesson exists, in both languages, with views, panels and formulas the page has', () => {
  const dir = path.join(ROOT, 'www/lessons');
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
  const files = fs.readdirSync(dir).filter((f) => f !== 'index.json').map((f) => f.replace(/\.json$/, '')).sort();
  assert.deepEqual([...index].sort(), files, 'index.json lists exactly the lesson files');
  for (const id of ['equilibrium', 'optimal-d', 'jsd', 'vanishing-gradients', 'alternating', 'dirac', 'mode-collapse', 'discrete', 'evaluation', 'gan-vs-vae', 'parallel']) {
    assert.ok(index.includes(id), `the lecture's lesson ${id}`);
  }
  for (const id of index) {
    const lesson = JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8'));
    const parts = [lesson, ...Object.values(lesson.variants ?? {})];
    for (const part of parts) {
      for (const k of Object.keys(part.views ?? {})) assert.ok(Object.hasOwn(VIEWS, k), `${id}: no view ${k}`);
      for (const h of part.highlight ?? []) assert.ok(Object.hasOwn(HIGHLIGHTS, h), `${id}: no panel ${h}`);
      if (part !== lesson) assert.deepEqual(Object.keys(part.label ?? {}).sort(), ['en', 'pl'], `${id}: a variant's label in both languages`);
      const text = part.text ?? {};
      if (part !== lesson && !Object.keys(text).length) continue;
      assert.deepEqual(Object.keys(text).sort(), ['en', 'pl'], `${id}: text in both languages`);
      assert.deepEqual(Object.keys(text.en).sort(), Object.keys(text.pl).sort(), `${id}: the same parts in English and Polish`);
      for (const lang of ['en', 'pl']) {
        for (const k of ['do', 'watch']) if (text[lang][k]) assert.equal(text[lang][k].length, text.en[k].length, `${id}: ${k} has as many items in ${lang}`);
        if (text[lang].formula) katex.renderToString(text[lang].formula, { throwOnError: true, displayMode: true });
        const { formula, ...words } = text[lang];
        assert.doesNotMatch(JSON.stringify(words), /\{[a-z_]+\}/, `${id}: a placeholder left in the text`);
      }
    }
    assert.ok(lesson.text.en.title && lesson.text.pl.title && lesson.text.en.goal && lesson.text.pl.goal, `${id}: title and goal`);
    // The claim of the lecture it shows, in both languages, and in README's table of lessons.
    assert.ok(lesson.text.en.claim && lesson.text.pl.claim, `${id}: the lecture's claim`);
    const row = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').find((l) => l.includes(`\`?lesson=${id}\``));
    assert.ok(row?.includes(lesson.text.en.claim), `${id}: README's row names its claim`);
  }
});

test('numbers in the page\'s language: a decimal comma and no thousands comma in Polish', async () => {
  const { setLanguage, num, count } = await import('../www/i18n.js');
  assert.equal(await setLanguage('pl'), 'pl');
  assert.deepEqual([num(0.25, 2), count(2500), count(12500), count(0)], ['0,25', '2500', '12\u00a0500', '0']);
  assert.equal(await setLanguage('en'), 'en');
  assert.deepEqual([num(0.25, 2), count(2500), count(12500)], ['0.25', '2,500', '12,500']);
});
