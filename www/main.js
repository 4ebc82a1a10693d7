// The standalone page (index.html): <minimax-gan> from the URL's parameters (url.js).
//
// The page also registers the service worker (sw.js, written by Workbox at build time), which
// makes it installable and usable offline; a new version waits until the user reloads.
import { elementFromUrl } from './url.js';
import { t, setLanguage } from './i18n.js';

const params = new URLSearchParams(location.search);
// no-sw: the page without its service worker (a parameter of this page, not an option).
const el = elementFromUrl(params, ['no-sw']);
document.body.append(el);
window.minimax = el;
setLanguage(params.get('lang') || 'en');

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
