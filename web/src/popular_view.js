// #/most-popular: the most popular genre of each year, as a timeline.
import { get } from './api.js';
import { PALETTE } from './charts.js';
import { empty, h, hashOf, link, loading, select } from './dom.js';
import { count, popularity } from './format.js';
import { table } from './table.js';
import { apiWords, chosen } from './words.js';

export async function popularView(main, query, navigate) {
  const { popularBy } = await apiWords();
  const by = chosen(query, 'by', popularBy);
  const heading = [h('h1', {}, 'The most popular genre of each year'),
    select('Most popular by', 'popular-by', popularBy.choices, by, (value) => navigate('/most-popular', { by: value }))];
  main.replaceChildren(...heading, loading('the timeline'));
  const source = `/v1/genres/most-popular?by=${by}`;
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
    h('p', { class: 'muted small' }, 'Ties go to the genre with more releases, then the lower id. A year links to its ranking.'),
    timeline,
    table({
      name: 'most-popular',
      caption: 'Most popular genre per year',
      source,
      columns: [{ label: 'Year' }, { label: 'Genre' }, { label: 'Releases', numeric: true },
        { label: 'Avg. popularity', numeric: true }, { label: 'Total popularity', numeric: true }],
      rows: years.map((y) => [
        String(y.year),
        y.genre ? link(y.genre.name, `/genres/${y.genre.id}`) : '—',
        count(y.releases),
        popularity(y.popularity),
        y.popularity.total === null ? '—' : Number(y.popularity.total).toFixed(6),
      ]),
    }));
}
