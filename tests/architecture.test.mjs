// ARCHITECTURE.md's map of the shell, checked against the tree without a browser: every file and
// folder its `www/` section names exists, and every module of www/ (its panels and its worker
// included) is named there. The core's map is checked by crates/minimax-core/tests/layers.rs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from './helpers.mjs';

const ROOT = path.join(import.meta.dirname, '..');

test('ARCHITECTURE.md names every module of www/, and only modules it has', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const start = doc.indexOf('### `www/`');
  assert.ok(start >= 0, 'a section on www/');
  const section = doc.slice(start, doc.indexOf('\n### ', start + 1));
  const named = [...section.matchAll(/`([\w./-]+\.js|[\w-]+\/)`/g)].map((m) => m[1]);
  const modules = [];
  for (const dir of ['', 'panels', 'worker', 'i18n']) {
    for (const f of fs.readdirSync(path.join(ROOT, 'www', dir))) if (f.endsWith('.js')) modules.push(path.posix.join(dir, f));
  }
  // A module of a folder is named with its folder (`panels/plane.js`), one at the top by itself.
  const names = new Set(modules);
  for (const n of named) {
    const exists = n.endsWith('/') ? fs.existsSync(path.join(ROOT, 'www', n)) || fs.existsSync(path.join(ROOT, n)) : names.has(n);
    assert.ok(exists, `ARCHITECTURE.md names ${n}, which www/ does not have`);
  }
  for (const m of modules) assert.ok(named.includes(m), `ARCHITECTURE.md does not name www/${m}`);
});
