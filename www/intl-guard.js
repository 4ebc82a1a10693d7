// uPlot (the charts) formats numbers in the browser's language, and does so as it loads: a
// language tag that Intl refuses (a Chromium started under LANG=C reports "en-US@posix") would
// stop that module, and with it the whole page. Imported before uPlot, this gives such a browser
// the tag's plain part ("en-US") in its place, or English where Intl refuses that too.
const language = globalThis.navigator?.language;

function accepted(tag) {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (language !== undefined && !accepted(language)) {
  const plain = String(language).split(/[@.]/)[0].replaceAll('_', '-');
  Object.defineProperty(navigator, 'language', { value: accepted(plain) ? plain : 'en-US', configurable: true });
}
