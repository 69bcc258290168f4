// Hash router and shell: #/ (claims), #/claims/<id>, #/discrepancies, #/sources, #/sources/<id>.
import { forgetSourceTitles } from './api.js';
import { h, replace } from './dom.js';
import { connectLive } from './live.js';
import { parseHash } from './router.js';
import { claimsView } from './claims.js';
import { claimView } from './claim.js';
import { discrepanciesView } from './discrepancies.js';
import { sourcesView, sourceView } from './source.js';
import { workbenchView } from './workbench.js';
import { forgetKey, isEditor, onEditorChange } from './editor.js';

const main = document.getElementById('main');
const liveEl = document.getElementById('live');
const announcer = document.getElementById('announcer');

/** Says something to screen readers without moving focus. */
export function announce(text) {
  announcer.textContent = '';
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

const routes = [
  { match: (p) => p.length === 0 || (p.length === 1 && p[0] === 'claims'), view: claimsView, nav: 'claims' },
  { match: (p) => p.length === 2 && p[0] === 'claims', view: claimView, nav: 'claims' },
  { match: (p) => p.length === 1 && p[0] === 'discrepancies', view: discrepanciesView, nav: 'discrepancies' },
  { match: (p) => p.length === 1 && p[0] === 'sources', view: sourcesView, nav: 'sources' },
  { match: (p) => p.length === 2 && p[0] === 'sources', view: sourceView, nav: 'sources' },
  { match: (p) => p[0] === 'workbench' && p.length <= 2, view: workbenchView, nav: 'workbench' },
];

/** With an editor key the header links the workbench and offers to forget the key; readers see the header unchanged. */
function editorChrome() {
  const nav = document.querySelector('nav ul');
  nav.querySelector('[data-editor]')?.remove();
  if (!isEditor()) return;
  nav.append(
    h(
      'li',
      { 'data-editor': '' },
      h('a', { href: '#/workbench', 'data-nav': 'workbench' }, 'Workbench'),
      h('button', { type: 'button', class: 'secondary sign-out', onclick: () => forgetKey() }, 'Forget key'),
    ),
  );
}
onEditorChange(() => {
  editorChrome();
  route();
});
editorChrome();

let current = null;
let renderSeq = 0;

function notFound() {
  return {
    title: 'Not found',
    async render(el) {
      replace(el, h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, 'There is nothing at this address. ', h('a', { href: '#/' }, 'Go to all claims'), '.'));
    },
  };
}

async function route() {
  if (location.hash && !location.hash.startsWith('#/')) return; // an in-page anchor, not a route
  const seq = ++renderSeq;
  current?.dispose?.();
  const { parts, params } = parseHash();
  const r = routes.find((x) => x.match(parts));
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (r && a.dataset.nav === r.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const view = r ? r.view({ parts, params, announce }) : notFound();
  current = view;
  main.setAttribute('aria-busy', 'true');
  try {
    await view.render(main);
  } catch (err) {
    if (seq !== renderSeq) return;
    showError(main, err);
  } finally {
    if (seq === renderSeq) main.removeAttribute('aria-busy');
  }
  if (seq !== renderSeq) return;
  document.title = `${view.title ?? 'claimline'} — claimline`;
  const heading = main.querySelector('h1');
  if (heading && !view.keepFocus) {
    heading.setAttribute('tabindex', '-1');
    // Move focus to the new page's heading after a navigation (not on first load: Tab then reaches the skip link).
    if (navigated) heading.focus({ preventScroll: true });
  }
  navigated = true;
  view.afterRender?.();
}
let navigated = false;

export function showError(el, err) {
  const status = err?.status;
  replace(
    el,
    h('h1', { tabindex: '-1' }, status === 404 ? 'Not found' : 'Something went wrong'),
    h('p', { class: 'error', role: 'alert' }, err?.message ?? String(err)),
    h('p', {}, h('button', { type: 'button', onclick: () => route() }, 'Try again'), ' ', h('a', { href: '#/' }, 'All claims')),
  );
}

document.querySelector('[data-skip]').addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
  main.scrollIntoView();
});

window.addEventListener('hashchange', () => {
  window.scrollTo(0, 0);
  route();
});

let flashTimer;
connectLive({
  onState(state) {
    liveEl.dataset.state = state;
    liveEl.querySelector('.live-text').textContent = state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'offline';
    liveEl.title = state === 'live' ? 'Receiving changes as they are recorded' : 'Not receiving live changes';
  },
  onEvent(event) {
    if (event.type?.startsWith('claimline.source-')) forgetSourceTitles();
    liveEl.classList.add('flash');
    clearTimeout(flashTimer);
    flashTimer = setTimeout(() => liveEl.classList.remove('flash'), 600);
    current?.onEvent?.(event);
  },
});

route();
