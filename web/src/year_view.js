// #/years/{year}: the genres ranked, and the companies page by page, by a chosen measure, largest
// or smallest first.
import { ApiError, get } from './api.js';
import { choice, empty, h, link, loading, select } from './dom.js';
import { count, measureOf, money, popularity } from './format.js';
import { table } from './table.js';
import { apiWords, chosen, labelOf } from './words.js';

const PAGE = 20;  // companies per page

export async function yearView(main, year, query, navigate) {
  if (!year) {
    main.replaceChildren(loading('the years'));
    const dataset = await get('/v1/dataset');
    if (!main.isConnected) return;  // the reader went elsewhere meanwhile: do not take them back
    if (dataset.last_year === null) return main.replaceChildren(h('h1', {}, 'Years'), empty('No movie has a release year yet.'));
    return navigate(`/years/${dataset.last_year}`, {}, { replace: true });
  }
  const words = await apiWords();
  const state = {
    by: chosen(query, 'by', words.rankBy),
    attribution: chosen(query, 'attribution', words.attribution),
    order: chosen(query, 'order', words.order),
    offset: Math.max(0, Math.floor(Number(query.get('offset')) || 0)),
  };
  const linkState = (changes = {}) => ({ ...state, offset: state.offset || undefined, ...changes });
  const go = (changes) => navigate(`/years/${changes.year ?? year}`, linkState({ offset: undefined, ...changes, year: undefined }));
  const controls = yearControls(year, state, words, go, linkState);
  main.replaceChildren(h('h1', {}, `${year}`), controls, loading(`the ranking of ${year}`));
  const params = `by=${state.by}&attribution=${state.attribution}&order=${state.order}`;
  const sources = {
    genres: `/v1/years/${year}/genres?${params}`,
    companies: `/v1/years/${year}/companies?${params}&limit=${PAGE}&offset=${state.offset}`,
  };
  let genres, companies;
  try {
    [genres, companies] = await Promise.all([get(sources.genres), get(sources.companies)]);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    main.replaceChildren(h('h1', {}, `${year}`), controls, empty(`No released movies in ${year}.`));
    return;
  }
  const label = labelOf(state.by).toLowerCase();
  const first = companies.total ? state.offset + 1 : 0, last = state.offset + companies.companies.length;
  main.replaceChildren(h('h1', {}, `${year}`), controls,
    h('h2', {}, `Genres by ${label}`),
    ranking('genres', genres.genres, state,
      `Genres of ${year} ranked by ${label}, ${labelOf(state.order).toLowerCase()} (${state.attribution} attribution)`, sources.genres),
    h('h2', {}, companies.total ? `Companies ${count(first)}–${count(last)} of ${count(companies.total)} by ${label}` : `Companies by ${label}`),
    companies.total ? ranking('companies', companies.companies, state,
      `Companies of ${year} ranked by ${label}, ${labelOf(state.order).toLowerCase()} (${state.attribution} attribution)`, sources.companies)
      : empty(`No movie of ${year} names a production company.`),
    pager(year, state, companies.total, linkState));
}

function yearControls(year, state, words, go, linkState) {
  const yearInput = h('input', { id: 'year-input', type: 'number', min: 1, max: 9999, value: year, inputmode: 'numeric' });
  const kept = linkState({ offset: undefined });
  return h('div', { class: 'controls' },
    h('form', { class: 'field', onsubmit: (e) => { e.preventDefault(); go({ year: Number(yearInput.value) }); } },
      link('←\u00a0Previous', `/years/${Number(year) - 1}`, kept), ' ',
      h('label', { for: 'year-input' }, 'Year'), ' ', yearInput, ' ', h('button', { type: 'submit' }, 'Show'), ' ',
      link('Next\u00a0→', `/years/${Number(year) + 1}`, kept)),
    select('Rank by', 'rank-by', words.rankBy.choices, state.by, (value) => go({ by: value })),
    choice('Order', 'order', words.order.choices, state.order, (value) => go({ order: value })),
    choice('Money attribution', 'attribution', words.attribution.choices, state.attribution, (value) => go({ attribution: value })));
}

// Links to the previous and next page of companies, when there are any.
function pager(year, state, total, linkState) {
  if (total <= PAGE) return null;
  const at = (offset) => linkState({ offset: offset || undefined });
  return h('nav', { class: 'pager', 'aria-label': 'Pages of companies' },
    state.offset > 0 ? link(`← Previous ${PAGE}`, `/years/${year}`, at(Math.max(0, state.offset - PAGE))) : null, ' ',
    state.offset + PAGE < total ? link(`Next ${Math.min(PAGE, total - state.offset - PAGE)} →`, `/years/${year}`, at(state.offset + PAGE)) : null);
}

// kind: 'genres' or 'companies', which also names the table.
function ranking(kind, rows, { by, attribution }, caption, source) {
  const one = kind === 'companies' ? 'company' : 'genre';
  const largest = Math.max(0, ...rows.map((r) => Math.abs(measureOf(r, by) ?? 0)));
  const bar = (r) => {
    const v = measureOf(r, by);
    const width = v === null || largest === 0 ? 0 : Math.round((Math.abs(v) / largest) * 100);
    return h('span', { class: 'bar' + (v < 0 ? ' negative' : ''), 'aria-hidden': 'true' },
      h('span', { class: 'fill', 'data-width': width }));
  };
  const block = table({
    name: kind,
    caption,
    source,
    columns: [{ label: 'Rank', numeric: true }, { label: one === 'company' ? 'Company' : 'Genre', wrap: true }, { label: '' },
      { label: 'Releases', numeric: true }, { label: 'Budget', numeric: true }, { label: 'Revenue', numeric: true },
      { label: 'Profit', numeric: true }, { label: 'Avg. popularity', numeric: true }],
    rows: rows.map((r) => [
      String(r.rank),
      r[one] ? link(r[one].name, `/${kind}/${r[one].id}`, { attribution }) : '—',
      bar(r),
      count(r.releases),
      money(r.budget, attribution, r.releases),
      money(r.revenue, attribution, r.releases),
      money(r.profit, attribution, r.releases),
      popularity(r.popularity),
    ]),
  });
  // Widths from data attributes: the page's CSP allows no inline style attributes in markup.
  for (const fill of block.querySelectorAll('.fill')) fill.style.width = fill.dataset.width + '%';
  return rows.length ? block : empty('Nothing to rank.');
}
