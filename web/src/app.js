// The dashboard: a hash router over the views. Every view's state is in its link
// (#/companies/3?attribution=split), so a reload or a shared link shows the same figures.
import { allowKeyPrompt, get } from './api.js';
import { compareView } from './compare_view.js';
import { dataView } from './data_view.js';
import { h, hashOf, link } from './dom.js';
import { clearNotice, showError } from './notice.js';
import { ownerIndex, ownerMovies, ownerView } from './owner_view.js';
import { popularView } from './popular_view.js';
import { yearView } from './year_view.js';

const main = document.getElementById('main');
let shown = 0;  // the newest render

function navigate(path, query = {}, { replace = false, quiet = false } = {}) {
  const hash = hashOf(path, query);
  if (hash === location.hash) return;
  if (replace) {
    history.replaceState(null, '', hash);
    if (!quiet) render();
  } else {
    location.hash = hash;  // hashchange renders
  }
}

function home(view) {
  view.replaceChildren(
    h('h1', {}, 'Movie figures, year by year'),
    h('p', { class: 'lead' }, 'Budgets, revenue, profit and popularity of every production company and genre in The Movies Dataset.'),
    h('ul', { class: 'starts' },
      h('li', {}, link('Find a company', '/companies'), ' — for example ', link('Pixar Animation Studios', '/companies/3')),
      h('li', {}, link('Genres', '/genres'), ' — every genre, year by year'),
      h('li', {}, link('A year', '/years'), ' — the genres and companies that led it'),
      h('li', {}, link('The most popular genre of each year', '/most-popular')),
      h('li', {}, link('Compare companies', '/compare', { companies: '3,6194' }), ' or ', link('genres', '/compare', { genres: '16,35' }), ' — up to five on one chart'),
      h('li', {}, link('The data behind the figures', '/data'), ' — the snapshot and its ingest counts')));
}

async function route(view, path, query) {
  const s = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (s.length === 0) return home(view);
  if ((s[0] === 'companies' || s[0] === 'genres') && s.length === 1) return ownerIndex(view, s[0], query, navigate);
  if ((s[0] === 'companies' || s[0] === 'genres') && s.length === 2) return ownerView(view, s[0], s[1], query, navigate);
  if ((s[0] === 'companies' || s[0] === 'genres') && s.length === 4 && s[2] === 'years')
    return ownerMovies(view, s[0], s[1], s[3]);
  if (s[0] === 'years' && s.length <= 2) return yearView(view, s[1], query, navigate);
  if (s[0] === 'most-popular' && s.length === 1) return popularView(view, query, navigate);
  if (s[0] === 'data' && s.length === 1) return dataView(view);
  if (s[0] === 'compare' && s.length === 1) return compareView(view, query, navigate);
  view.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, 'No view at this link. ', link('Start again', '/')));
}

async function render() {
  const mine = ++shown;
  const hash = location.hash.replace(/^#/, '') || '/';
  const question = hash.indexOf('?');
  const path = question < 0 ? hash : hash.slice(0, question);
  const query = new URLSearchParams(question < 0 ? '' : hash.slice(question + 1));
  clearNotice();
  for (const a of document.querySelectorAll('header nav a')) {
    const current = path.startsWith(a.getAttribute('href').slice(1));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // Each render draws into a container of its own: one that finishes after the reader moved on
  // draws into a container no longer on the page.
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  try {
    await route(view, path, query);
  } catch (e) {
    if (mine !== shown) return;
    showError(e);
    view.replaceChildren(h('h1', {}, 'No figures'), h('p', {}, 'The figures could not be loaded: see the message above. ',
      h('button', { type: 'button', onclick: () => { allowKeyPrompt(); render(); } }, 'Try again')));
  }
}

async function showRun() {
  try {
    const d = await get('/v1/dataset');
    document.getElementById('run').textContent = `Run ${d.run_id} · ${d.ingested_at.slice(0, 10)}`;
  } catch { /* the view shows the error */ }
}

// Where focus goes after a navigation, decided at once (not after the figures arrive, so it never
// jumps away from what the reader is typing into): a view that focuses a control of its own (the
// search box) keeps it; after a link, or when the focused element was redrawn, the new view gets
// it; and a changed control (attribution, measure, year) gets it back once the view is redrawn,
// so the keyboard stays where it was.
window.addEventListener('hashchange', async () => {
  allowKeyPrompt();  // a reader who cancelled the key prompt is asked again on their next step
  const before = document.activeElement;
  const fromLink = before instanceof HTMLAnchorElement;
  const control = before instanceof HTMLInputElement || before instanceof HTMLSelectElement
    ? (before.id ? `#${CSS.escape(before.id)}` : `[name="${CSS.escape(before.name)}"][value="${CSS.escape(before.value)}"]`)
    : null;
  const rendering = render();
  const active = document.activeElement;
  if (!active || active === document.body || (fromLink && !main.contains(active))) main.focus({ preventScroll: true });
  if (!control) return;
  await rendering;
  const again = main.querySelector(control);
  if (again && (document.activeElement === main || document.activeElement === document.body)) again.focus();
});
render().then(showRun);
