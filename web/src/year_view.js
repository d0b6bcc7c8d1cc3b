// #/years/{year}: the genres ranked, and the top companies, by a chosen measure.
import { ApiError, get } from './api.js';
import { choice, empty, h, link, loading, select } from './dom.js';
import { count, money, popularity } from './format.js';
import { table } from './table.js';
import { apiWords, chosen, labelOf } from './words.js';

const TOP_COMPANIES = 20;

export async function yearView(main, year, query, navigate) {
  if (!year) {
    main.replaceChildren(loading('the years'));
    const dataset = await get('/v1/dataset');
    if (!main.isConnected) return;  // the reader went elsewhere meanwhile: do not take them back
    if (dataset.last_year === null) return main.replaceChildren(h('h1', {}, 'Years'), empty('No movie has a release year yet.'));
    return navigate(`/years/${dataset.last_year}`, {}, { replace: true });
  }
  const words = await apiWords();
  const by = chosen(query, 'by', words.rankBy);
  const attribution = chosen(query, 'attribution', words.attribution);
  const go = (changes) => navigate(`/years/${changes.year ?? year}`, { by, attribution, ...changes, year: undefined });
  const yearInput = h('input', { id: 'year-input', type: 'number', min: 1, max: 9999, value: year, inputmode: 'numeric' });
  const controls = h('div', { class: 'controls' },
    h('form', { class: 'field', onsubmit: (e) => { e.preventDefault(); go({ year: Number(yearInput.value) }); } },
      link('←\u00a0Previous', `/years/${Number(year) - 1}`, { by, attribution }), ' ',
      h('label', { for: 'year-input' }, 'Year'), ' ', yearInput, ' ', h('button', { type: 'submit' }, 'Show'), ' ',
      link('Next\u00a0→', `/years/${Number(year) + 1}`, { by, attribution })),
    select('Rank by', 'rank-by', words.rankBy.choices, by, (value) => go({ by: value })),
    choice('Money attribution', 'attribution', words.attribution.choices, attribution, (value) => go({ attribution: value })));
  main.replaceChildren(h('h1', {}, `${year}`), controls, loading(`the ranking of ${year}`));
  const params = `by=${by}&attribution=${attribution}`;
  const sources = {
    genres: `/v1/years/${year}/genres?${params}`,
    companies: `/v1/years/${year}/companies?${params}&limit=${TOP_COMPANIES}`,
  };
  let genres, companies;
  try {
    [genres, companies] = await Promise.all([get(sources.genres), get(sources.companies)]);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    main.replaceChildren(h('h1', {}, `${year}`), controls, empty(`No released movies in ${year}.`));
    return;
  }
  const label = labelOf(by).toLowerCase();
  main.replaceChildren(h('h1', {}, `${year}`), controls,
    h('h2', {}, `Genres by ${label}`),
    ranking('genres', genres.genres, by, attribution,
      `Genres of ${year} ranked by ${label} (${attribution} attribution)`, sources.genres),
    h('h2', {}, `Top ${Math.min(TOP_COMPANIES, companies.total)} of ${count(companies.total)} companies by ${label}`),
    ranking('companies', companies.companies, by, attribution,
      `Companies of ${year} ranked by ${label} (${attribution} attribution)`, sources.companies));
}

// The measure as a number, for the bar beside each row.
function measureOf(row, by) {
  if (by === 'releases') return row.releases;
  if (by === 'avg_popularity') return row.popularity.average === null ? null : Number(row.popularity.average);
  if (by === 'total_popularity') return row.popularity.movies > 0 ? Number(row.popularity.total) : null;
  return row[by].movies > 0 ? Number(row[by].total) : null;
}

// kind: 'genres' or 'companies', which also names the table.
function ranking(kind, rows, by, attribution, caption, source) {
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
    columns: [{ label: 'Rank' }, { label: one === 'company' ? 'Company' : 'Genre' }, { label: '' },
      { label: 'Releases', numeric: true }, { label: 'Budget', numeric: true }, { label: 'Revenue', numeric: true },
      { label: 'Profit', numeric: true }, { label: 'Avg. popularity', numeric: true }],
    rows: rows.map((r) => [
      String(r.rank),
      r[one] ? link(r[one].name, `/${kind}/${r[one].id}`, { attribution }) : '—',
      bar(r),
      count(r.releases),
      money(r.budget, attribution),
      money(r.revenue, attribution),
      money(r.profit, attribution),
      popularity(r.popularity),
    ]),
  });
  // Widths from data attributes: the page's CSP allows no inline style attributes in markup.
  for (const fill of block.querySelectorAll('.fill')) fill.style.width = fill.dataset.width + '%';
  return rows.length ? block : empty('Nothing to rank.');
}
