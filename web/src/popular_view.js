// #/most-popular: the most popular genre of each year, as a timeline, among the genres with at
// least a minimum of releases that year (a one-film genre is not a year's most popular).
import { get } from './api.js';
import { PALETTE } from './charts.js';
import { empty, h, hashOf, link, loading, select } from './dom.js';
import { count, popularity, totalPopularity } from './format.js';
import { yearRange } from './range.js';
import { table } from './table.js';
import { apiWords, chosen } from './words.js';

// The page's minimum when the link names none; the API's own default (1) ranks every genre.
export const DEFAULT_MIN_RELEASES = 5;

export async function popularView(main, query, navigate) {
  const { popularBy } = await apiWords();
  const by = chosen(query, 'by', popularBy);
  const asked = Number(query.get('min_releases'));
  const minReleases = Number.isInteger(asked) && asked >= 1 ? asked : DEFAULT_MIN_RELEASES;
  const range = yearRange(query);
  const go = (changes) => navigate('/most-popular', { by, min_releases: minReleases, ...range, ...changes });
  const minimum = h('input', { id: 'min-releases', name: 'min_releases', type: 'number', min: 1, max: 1000, value: minReleases, inputmode: 'numeric' });
  const heading = [h('h1', {}, 'The most popular genre of each year'),
    h('div', { class: 'controls' },
      select('Most popular by', 'popular-by', popularBy.choices, by, (value) => go({ by: value })),
      h('form', { class: 'field', onsubmit: (e) => { e.preventDefault(); go({ min_releases: Math.max(1, Math.floor(Number(minimum.value)) || 1) }); } },
        h('label', { for: 'min-releases' }, 'Genres with at least'), ' ', minimum, ' releases that year ',
        h('button', { type: 'submit' }, 'Apply')))];
  main.replaceChildren(...heading, loading('the timeline'));
  const source = '/v1/genres/most-popular?' + new URLSearchParams({ by, min_releases: minReleases, ...range });
  const { years } = await get(source);
  if (!years.length) return main.replaceChildren(...heading, empty('No released movies yet.'));
  // Each genre keeps one colour; its name is written in every cell, so colour is only a help.
  const colours = new Map();
  for (const y of years)
    if (y.genre && !colours.has(y.genre.id)) colours.set(y.genre.id, colours.size % PALETTE.length);
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'Most popular genre per year' },
    years.map((y) => h('li', { class: `cell c${y.genre ? colours.get(y.genre.id) : 7}` },
      h('a', { href: hashOf(`/years/${y.year}`, { by }) },
        h('span', { class: 'year' }, String(y.year)), h('span', { class: 'genre' }, y.genre ? y.genre.name : '—')))));
  main.replaceChildren(...heading,
    h('p', { class: 'muted small' }, `Among the genres with at least ${count(minReleases)} ${minReleases === 1 ? 'release' : 'releases'} that year` +
      ' (a year with none has a dash). Ties go to the genre with more releases, then the lower id. A year links to its ranking.'),
    timeline,
    table({
      name: 'most-popular',
      caption: `Most popular genre per year (at least ${count(minReleases)} releases)`,
      source,
      columns: [{ label: 'Year', numeric: true }, { label: 'Genre' }, { label: 'Releases', numeric: true },
        { label: 'Avg. popularity', numeric: true }, { label: 'Total popularity', numeric: true }],
      rows: years.map((y) => [
        String(y.year),
        y.genre ? link(y.genre.name, `/genres/${y.genre.id}`) : '—',
        count(y.releases),
        popularity(y.popularity),
        totalPopularity(y.popularity),
      ]),
    }));
}
