// `cargo xtask dist` runs this on dist/ before the service worker is written: the page's own
// modules and wasm-bindgen's glue, minified in place by terser (ES modules: names inside each
// module are shortened, imports and exports kept). The sources in www/ stay as they are.
import fs from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';

const dist = process.argv[2];
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
const files = [
  ...walk(path.join(dist, 'www')).filter((f) => f.endsWith('.js') && !f.includes(`${path.sep}vendor${path.sep}`)),
  path.join(dist, 'pkg', 'minimax_web.js'),
];
let before = 0;
let after = 0;
for (const file of files) {
  const code = fs.readFileSync(file, 'utf8');
  const out = await minify(code, { module: true, ecma: 2022, compress: { passes: 2 }, mangle: true, format: { comments: false } });
  if (!out.code) throw new Error(`${file}: terser returned nothing`);
  fs.writeFileSync(file, out.code);
  before += code.length;
  after += out.code.length;
}
console.error(`minified ${files.length} modules: ${(before / 1e3).toFixed(0)} kB → ${(after / 1e3).toFixed(0)} kB`);

// The page's own style sheets: comments and runs of white space dropped, and the white space
// around { } ; , > and after : (the rules themselves unchanged; a quoted string with one of those in it is
// refused, since its spaces would matter).
const sheets = walk(path.join(dist, 'www')).filter((f) => f.endsWith('.css') && !f.includes(`${path.sep}vendor${path.sep}`));
for (const file of sheets) {
  const css = fs.readFileSync(file, 'utf8');
  for (const [quoted] of css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/"[^"]*"|'[^']*'/g)) {
    if (/[{};,>:]|\s\s/.test(quoted)) throw new Error(`${file}: the string ${quoted} would change`);
  }
  const out = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{};,>])\s*/g, '$1').replace(/:\s+/g, ':').replace(/;}/g, '}').trim();
  fs.writeFileSync(file, out);
}
