// A company or a genre: finding one, its figures year by year, and the movies behind a year.
import { get } from './api.js';
import { MAX_COMPARED } from './compare_view.js';
import { everyYear, lineChart, stackedBars } from './charts.js';
import { choice, empty, h, link, loading } from './dom.js';
import { compactMoney, count, coverage, dollars, money, moneyValue, popularity } from './format.js';
import { showError } from './notice.js';
import { rangeForm, yearRange } from './range.js';
import { table } from './table.js';
import { apiWords, chosen } from './words.js';

const KINDS = {
  companies: { one: 'company', title: 'Company' },
  genres: { one: 'genre', title: 'Genre' },
};
const SEARCH_PAUSE_MS = 200;  // typing searches once the reader stops for this long
const GENRE_STACKS = 7;  // the most frequent genres get a colour each, the rest are "Other"

// #/companies: a search box over /v1/companies?q=. #/genres: every genre.
export async function ownerIndex(main, kind, query, navigate) {
  if (kind === 'genres') {
    main.replaceChildren(h('h1', {}, 'Genres'), loading('the genres'));
    const { genres } = await get('/v1/genres');
    main.replaceChildren(h('h1', {}, 'Genres'),
      genres.length ? ownerList(kind, genres) : empty('This snapshot names no genres.'));
    return;
  }
  const input = h('input', { id: 'company-search', type: 'search', value: query.get('q') || '', autocomplete: 'off',
    placeholder: 'e.g. Pixar' });
  const results = h('div', { 'aria-live': 'polite' });
  // Typing searches after a pause and Enter searches at once. A query already shown (or on its way)
  // is not asked again: redrawing the same results would take the focus from a result the reader
  // has reached. A search that answers after the reader left the view changes nothing.
  let timer = 0, asked = 0, lastQuery = null;
  const search = async () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q === lastQuery) return;
    lastQuery = q;
    const mine = ++asked;
    results.replaceChildren(loading('companies'));
    let answer;
    try {
      answer = await get('/v1/companies?' + new URLSearchParams({ q, limit: 20 }));
    } catch (e) {
      if (mine === asked) lastQuery = null;  // the same query may be tried again
      throw e;
    }
    if (mine !== asked || !input.isConnected) return;
    const { total, companies } = answer;
    navigate('/companies', q ? { q } : {}, { replace: true, quiet: true });
    const compared = companies.slice(0, MAX_COMPARED).map((c) => c.id).join(',');
    results.replaceChildren(
      companies.length
        ? h('p', { class: 'muted' }, `${count(total)} ${total === 1 ? 'company' : 'companies'}` +
            (total > companies.length ? `, the ${companies.length} with most releases shown` : ''),
          companies.length > 1 ? [' · ', link(`Compare the first ${Math.min(MAX_COMPARED, companies.length)}`, '/compare', { companies: compared })] : null)
        : empty(`No company's name holds every word of "${q}".`),
      companies.length ? ownerList(kind, companies) : null);
  };
  // The view's first search fails into the router's error view; a later one into the notice.
  const searchAgain = () => search().catch((e) => {
    results.replaceChildren();
    showError(e);
  });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(searchAgain, SEARCH_PAUSE_MS);
  });
  main.replaceChildren(h('h1', {}, 'Companies'),
    h('form', { role: 'search', class: 'search', onsubmit: (e) => { e.preventDefault(); searchAgain(); } },
      h('label', { for: 'company-search' }, 'Find a production company'), ' ', input,
      h('button', { type: 'submit' }, 'Search')),
    results);
  input.focus();
  await search();
}

function ownerList(kind, owners) {
  return h('ul', { class: 'owners' }, owners.map((o) =>
    h('li', {}, link(o.name, `/${kind}/${o.id}`), h('span', { class: 'muted' }, ` ${count(o.releases)} releases`))));
}

// #/companies/{id}, #/genres/{id}: charts and a table, in full or split attribution, over all
// years or a range (from, to); each choice is in the link.
export async function ownerView(main, kind, id, query, navigate) {
  const { one, title } = KINDS[kind];
  const words = await apiWords();
  const attribution = chosen(query, 'attribution', words.attribution);
  const range = yearRange(query);
  main.replaceChildren(loading(`the ${one}'s figures`));
  const source = `/v1/${kind}/${encodeURIComponent(id)}/years?` + new URLSearchParams({ attribution, ...range });
  const data = await get(source);
  const owner = data[one];
  const rows = data.years;
  const years = rows.map((r) => r.year);
  const go = (changes) => navigate(`/${kind}/${owner.id}`, { attribution, ...range, ...changes });
  const header = [
    h('p', { class: 'crumbs' }, link(kind === 'companies' ? 'Companies' : 'Genres', `/${kind}`), ' · ',
      link(`Compare ${owner.name} with others`, '/compare', { [kind]: owner.id, attribution })),
    h('h1', {}, owner.name),
    h('p', { class: 'lead' }, `${title} ${owner.id}: ${rows.length} ${rows.length === 1 ? 'year' : 'years'} with released movies` +
      (rows.length ? `, ${years[0]}–${years[years.length - 1]}` : '') + (range.from || range.to ? ' in the range chosen.' : '.')),
    h('div', { class: 'controls' },
      choice('Money attribution', 'attribution', words.attribution.choices, attribution, (value) => go({ attribution: value })),
      rangeForm(range, (chosenRange) => go({ from: undefined, to: undefined, ...chosenRange }))),
    h('p', { class: 'muted small' }, attribution === 'full'
      ? `Full: each movie's whole budget, revenue and profit count for every ${one} it has.`
      : `Split: a movie's money is shared equally among its ${one === 'company' ? 'companies' : 'genres'}, to the cent.`),
  ];
  if (!rows.length) {
    main.replaceChildren(...header, empty(`No released movies for this ${one}${range.from || range.to ? ' in these years' : ''}.`));
    return;
  }
  const charts = h('div', { class: 'charts' });
  main.replaceChildren(...header, charts, ownerTable(kind, owner, rows, attribution, source));
  ownerCharts(charts, kind, owner, rows, attribution);
}

function ownerCharts(charts, kind, owner, rows, attribution) {
  const span = everyYear(rows);
  const years = span.map((y) => y.year);
  const first = years[0], last = years[years.length - 1];
  const money = (name) => ({
    label: name[0].toUpperCase() + name.slice(1),
    values: span.map((y) => (y.row ? moneyValue(y.row[name]) : null)),
    notes: span.map((y) => (y.row ? coverage(y.row[name], y.row.releases) : '')),
  });
  lineChart(charts, {
    caption: `Budget, revenue and profit per year (US dollars, ${attribution} attribution; a gap is a year without releases)`,
    summary: `Line chart of ${owner.name}'s budget, revenue and profit from ${first} to ${last}`,
    years,
    yLabel: 'US dollars',
    format: compactMoney,
    series: [money('budget'), money('revenue'), money('profit')],
  });
  const zeroFilled = span.map((y) => y.row ?? { releases: 0, releases_by_genre: [] });
  stackedBars(charts, {
    caption: kind === 'companies'
      ? 'Genre releases per year: a movie counts once in each of its genres, so a bar can be taller than the year\'s releases'
      : 'Releases per year',
    summary: `Bar chart of ${owner.name}'s ${kind === 'companies' ? 'genre releases' : 'releases'} per year`,
    years,
    yLabel: kind === 'companies' ? 'Genre releases' : 'Releases',
    groups: kind === 'companies' ? genreGroups(zeroFilled) : [{ label: 'Releases', values: zeroFilled.map((r) => r.releases) }],
  });
  lineChart(charts, {
    caption: 'Average popularity per year (TMDB popularity score)',
    summary: `Line chart of the average popularity of ${owner.name}'s movies per year`,
    years,
    yLabel: 'Popularity',
    format: (v) => v.toFixed(1),
    series: [{
      label: 'Average popularity',
      values: span.map((y) => (y.row && y.row.popularity.average !== null ? Number(y.row.popularity.average) : null)),
      notes: span.map((y) => (y.row ? coverage(y.row.popularity, y.row.releases) : '')),
    }],
  });
}

// The GENRE_STACKS genres with most releases over all years, bottom first, then "Other".
function genreGroups(rows) {
  const totals = new Map();
  for (const r of rows)
    for (const g of r.releases_by_genre) {
      const t = totals.get(g.genre.id) || { name: g.genre.name, releases: 0 };
      t.releases += g.releases;
      totals.set(g.genre.id, t);
    }
  const ranked = [...totals.entries()].sort((a, b) => b[1].releases - a[1].releases || a[0] - b[0]);
  const shown = ranked.slice(0, GENRE_STACKS);
  const groups = shown.map(([gid, t]) => ({
    label: t.name,
    values: rows.map((r) => (r.releases_by_genre.find((g) => g.genre.id === gid) || { releases: 0 }).releases),
  }));
  if (ranked.length > GENRE_STACKS) {
    const named = new Set(shown.map(([gid]) => gid));
    groups.push({
      label: 'Other genres',
      values: rows.map((r) => r.releases_by_genre.filter((g) => !named.has(g.genre.id)).reduce((s, g) => s + g.releases, 0)),
    });
  }
  return groups;
}

function ownerTable(kind, owner, rows, attribution, source) {
  return table({
    name: 'years',
    caption: `${owner.name}, year by year (${attribution} attribution); a year links to its movies`,
    source,
    columns: [{ label: 'Year' }, { label: 'Releases', numeric: true }, { label: 'Budget', numeric: true },
      { label: 'Revenue', numeric: true }, { label: 'Profit', numeric: true }, { label: 'Avg. popularity', numeric: true }],
    rows: rows.map((r) => [
      link(String(r.year), `/${kind}/${owner.id}/years/${r.year}`),
      count(r.releases),
      money(r.budget, attribution, r.releases),
      money(r.revenue, attribution, r.releases),
      money(r.profit, attribution, r.releases),
      popularity(r.popularity),
    ]),
  });
}

// #/companies/{id}/years/{year}: the movies behind that year's figures.
export async function ownerMovies(main, kind, id, year) {
  const { one } = KINDS[kind];
  main.replaceChildren(loading('the movies'));
  const source = `/v1/${kind}/${encodeURIComponent(id)}/years/${encodeURIComponent(year)}/movies`;
  const data = await get(source);
  const owner = data[one];
  main.replaceChildren(
    h('p', { class: 'crumbs' }, link(owner.name, `/${kind}/${owner.id}`)),
    h('h1', {}, `${owner.name} in ${data.year}`),
    h('p', { class: 'lead' }, `The ${data.movies.length} released ${data.movies.length === 1 ? 'movie' : 'movies'} behind the ${data.year} figures.`),
    table({
      name: 'movies',
      caption: `Movies of ${owner.name} released in ${data.year}`,
      source,
      columns: [{ label: 'Title' }, { label: 'Released' }, { label: 'Budget', numeric: true },
        { label: 'Revenue', numeric: true }, { label: 'Popularity', numeric: true }, { label: 'Genres' }],
      rows: data.movies.map((m) => [
        m.title,
        m.release_date || '—',
        dollars(m.budget === null ? null : String(m.budget)),
        dollars(m.revenue === null ? null : String(m.revenue)),
        m.popularity === null ? '—' : Number(m.popularity).toFixed(6),
        m.genres.map((g) => g.name).join(', '),
      ]),
    }));
}
