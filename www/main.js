// The standalone page (index.html): <minimax-gan> from the URL's parameters (url.js).
//
// The page also registers the service worker (sw.js, written by Workbox at build time), which
// makes it installable and usable offline; a new version waits until the user reloads.
import { elementFromUrl, optionsFromUrl, stateParams } from './url.js';
import { t, setLanguage, chooseLanguage, language } from './i18n.js';

const params = new URLSearchParams(location.search);
// Parameters of this page, not options: no-sw (the page without its service worker) and
// lesson (ID or ID/variant, see lessons.js).
const OWN = ['no-sw', 'lesson'];

async function start() {
  await setLanguage(chooseLanguage(params.get('lang')));
  let lesson = null;
  let problem = null;
  // The lessons' module (and KaTeX, with the first formula) only for a lesson.
  const { loadLessons, lessonOf, drawCard, titleOf, loadStyle } = params.has('lesson') ? await import('./lessons.js') : {};
  let lessons = null;
  if (params.has('lesson')) {
    try {
      lessons = await loadLessons();
      lesson = lessonOf(params.get('lesson'), lessons);
    } catch (e) {
      problem = e.message;
    }
  }
  const showCard = async () => {
    await drawCard(card, lesson, lessons);
    document.title = `${titleOf(lesson)} — Minimax`;
  };
  // A lesson that starts trained takes the checkpoint's own config (its file says which).
  const base = lesson ? { config: lesson.pretrained ? {} : lesson.config, views: lesson.views } : {};
  const el = elementFromUrl(params, OWN, base);
  if (lesson?.preset && !params.has('preset')) el.setAttribute('preset', lesson.preset);
  if (lesson?.pretrained) el.setAttribute('pretrained', '');
  if (lesson?.highlight.length) el.setAttribute('highlight', lesson.highlight.join(' '));
  el.setAttribute('lang', language());
  let card = null;
  if (lesson) {
    await loadStyle();
    document.body.classList.add('with-lesson');
    card = document.createElement('aside');
    card.className = 'lesson-card';
    document.body.append(card);
    await showCard();
  }
  document.body.append(el);
  window.minimax = el;
  document.documentElement.lang = language();
  if (problem) el.addEventListener('ready', () => el.showError(problem), { once: true });
  if (lesson?.vae) el.addEventListener('ready', () => el.startVae().catch(() => {}), { once: true });
  // The panel the lesson is about, in view (the GAN-and-VAE panel lies below the fold), where
  // the card stands beside the page; in a narrow window the card above it comes first.
  const besideCard = matchMedia('(min-width: 901px)').matches;
  if (lesson?.highlight.length && besideCard) el.addEventListener('firstdraw', () => requestAnimationFrame(() => el.revealHighlight()), { once: true });

  // The state goes back into the URL as it changes (replaceState: no history entry each time).
  const keep = {};
  for (const k of ['lesson', 'preset', 'backend', 'chrome', 'autoplay', 'keep-running', 'pretrained', 'no-sw']) {
    if (params.has(k)) keep[k] = params.get(k);
  }
  if (lesson) keep.lesson = lesson.spec;
  const options = optionsFromUrl(params, OWN);
  const write = () => {
    // A page that starts trained takes the checkpoint's config: options would not apply.
    const trained = lesson?.pretrained || params.has('pretrained');
    const next = stateParams({ keep, lang: language(), options: trained ? {} : options, views: el.views(), baseViews: lesson?.views ?? {} });
    history.replaceState(history.state, '', `${location.pathname}?${next}`);
  };
  el.addEventListener('configured', (e) => { Object.assign(options, e.detail.options); write(); });
  el.addEventListener('viewchange', write);
  el.addEventListener('languagechange', () => {
    document.documentElement.lang = language();
    if (lesson) showCard();
    write();
  });
}

start().catch((e) => {
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = `${t('errorPrefix')}: ${e.message}`;
  document.body.append(p);
});

/** "A new version is ready — reload": the waiting service worker takes over on the click. */
function offerUpdate(registration) {
  const waiting = registration.waiting;
  if (!waiting || document.querySelector('.update')) return;
  const bar = document.createElement('div');
  bar.className = 'update';
  bar.setAttribute('role', 'status');
  const text = document.createElement('span');
  text.textContent = t('updateReady');
  const button = document.createElement('button');
  button.textContent = t('reload');
  button.addEventListener('click', () => waiting.postMessage({ type: 'SKIP_WAITING' }));
  bar.append(text, button);
  document.body.append(bar);
}

if ('serviceWorker' in navigator && !params.has('no-sw')) {
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    // Only after the user asked for the new version (a first install also takes control).
    if (reloading || !document.querySelector('.update')) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker.register('sw.js').then((registration) => {
    offerUpdate(registration);
    registration.addEventListener('updatefound', () => {
      const installing = registration.installing;
      installing?.addEventListener('statechange', () => {
        if (installing.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(registration);
      });
    });
    window.minimaxServiceWorker = registration;
  }).catch((e) => console.warn(`the service worker did not register: ${e.message}`));
}
