// #/compare?companies=3,6194 (or genres=16,35): up to five companies or genres on one chart and one
// table, for one measure, from the several-owners route (/v1/companies/years?ids=…), which answers
// each owner's years exactly as its own page has them. Owners are added by a search (companies) or
// from the list (genres) and removed by their button; every choice is in the link.
import { get } from './api.js';
import { lineChart, yearsFrom } from './charts.js';
import { choice, empty, h, link, loading, select } from './dom.js';
import { compactMoney, count, coverage, measureOf, money, popularity, totalPopularity } from './format.js';
import { showError } from './notice.js';
import { rangeForm, yearRange } from './range.js';
import { table } from './table.js';
import { apiWords, chosen, labelOf } from './words.js';

export const MAX_COMPARED = 5;
const KINDS = { companies: 'company', genres: 'genre' };
const MONEY = new Set(['budget', 'revenue', 'profit']);

// The ids the link names, in its order, without repeats, at most MAX_COMPARED.
export function comparedIds(text) {
  const ids = [];
  for (const part of (text || '').split(','))
    if (/^\d+$/.test(part.trim()) && !ids.includes(Number(part))) ids.push(Number(part));
  return ids.slice(0, MAX_COMPARED);
}

export async function compareView(main, query, navigate) {
  const kind = query.has('genres') && !query.has('companies') ? 'genres' : 'companies';
  const one = KINDS[kind];
  const ids = comparedIds(query.get(kind));
  const words = await apiWords();
  const by = chosen(query, 'by', words.rankBy);
  const attribution = chosen(query, 'attribution', words.attribution);
  const range = yearRange(query);
  const state = { [kind]: ids.join(','), by, attribution, ...range };
  const go = (changes) => navigate('/compare', { ...state, ...changes });
  const heading = [
    h('h1', {}, `Compare ${kind}`),
    h('p', { class: 'lead' }, `Up to ${MAX_COMPARED} ${kind} on one chart, `,
      kind === 'companies' ? link('or compare genres', '/compare', { genres: '' }) : link('or compare companies', '/compare', { companies: '' }), '.'),
    h('div', { class: 'controls' },
      select('Measure', 'compare-by', words.rankBy.choices, by, (value) => go({ by: value })),
      choice('Money attribution', 'attribution', words.attribution.choices, attribution, (value) => go({ attribution: value })),
      rangeForm(range, (chosenRange) => go({ from: undefined, to: undefined, ...chosenRange }))),
  ];
  const adder = ids.length < MAX_COMPARED ? await ownerAdder(kind, ids, (id) => go({ [kind]: [...ids, id].join(',') })) : null;
  if (!ids.length) return main.replaceChildren(...heading, adder, empty(`Add a ${one} to begin.`));
  main.replaceChildren(...heading, adder, loading('the figures'));
  const source = `/v1/${kind}/years?` + new URLSearchParams({ ids: ids.join(','), attribution, ...range });
  const entries = (await get(source))[kind];
  const remove = (id) => go({ [kind]: ids.filter((x) => x !== id).join(',') });
  const chips = h('ul', { class: 'compared', 'aria-label': `The ${kind} compared` }, entries.map((e) => h('li', {},
    link(e[one].name, `/${kind}/${e[one].id}`, { attribution }), ' ',
    h('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${e[one].name}`, onclick: () => remove(e[one].id) }, '×'))));
  const rows = yearRows(entries);
  if (!rows.length) return main.replaceChildren(...heading, chips, adder, empty('None of them has released movies in these years.'));
  const charts = h('div', { class: 'charts wide' });
  main.replaceChildren(...heading, chips, adder, charts, compareTable(kind, entries, rows, by, attribution, source));
  compareChart(charts, kind, entries, rows, by, attribution);
}

// Every year from the earliest to the latest of any owner, each with each owner's row or null.
function yearRows(entries) {
  const years = entries.flatMap((e) => e.years.map((r) => r.year));
  if (!years.length) return [];
  const byOwner = entries.map((e) => new Map(e.years.map((r) => [r.year, r])));
  return yearsFrom(Math.min(...years), Math.max(...years))
    .map((year) => ({ year, rows: byOwner.map((m) => m.get(year) ?? null) }));
}

function compareChart(charts, kind, entries, rows, by, attribution) {
  const one = KINDS[kind];
  const label = labelOf(by);
  const isMoney = MONEY.has(by);
  lineChart(charts, {
    caption: `${label} per year` + (isMoney ? ` (US dollars, ${attribution} attribution)` : '') + '; a gap is a year without releases',
    summary: `Line chart of ${label.toLowerCase()} per year for ${entries.map((e) => e[one].name).join(', ')}`,
    years: rows.map((r) => r.year),
    yLabel: isMoney ? 'US dollars' : label,
    format: isMoney ? compactMoney : by === 'releases' ? (v) => count(v) : (v) => v.toFixed(1),
    series: entries.map((e, i) => ({
      label: e[one].name,
      values: rows.map((r) => (r.rows[i] ? measureOf(r.rows[i], by) : null)),
      notes: rows.map((r) => (r.rows[i] && isMoney ? coverage(r.rows[i][by], r.rows[i].releases) : '')),
    })),
  });
}

// One row per year with data, one column per owner: the measure, as on the owner's own page.
function compareTable(kind, entries, rows, by, attribution, source) {
  const one = KINDS[kind];
  const cell = (r) => {
    if (!r) return '—';
    if (MONEY.has(by)) return money(r[by], attribution, r.releases);
    if (by === 'releases') return count(r.releases);
    if (by === 'avg_popularity') return popularity(r.popularity);
    return totalPopularity(r.popularity);
  };
  return table({
    name: 'compare',
    caption: `${labelOf(by)} per year` + (MONEY.has(by) ? ` (${attribution} attribution)` : ''),
    source,
    columns: [{ label: 'Year', numeric: true }, ...entries.map((e) => ({ label: e[one].name, numeric: true }))],
    rows: rows.filter((r) => r.rows.some(Boolean)).map((r) => [String(r.year), ...r.rows.map(cell)]),
  });
}

// Companies: a search box whose results each have an Add button. Genres: the list, in a select.
async function ownerAdder(kind, ids, add) {
  if (kind === 'genres') {
    const { genres } = await get('/v1/genres');
    const left = genres.filter((g) => !ids.includes(g.id));
    const picker = h('select', { id: 'add-genre' }, left.map((g) => h('option', { value: g.id }, g.name)));
    return h('form', { class: 'field adder', onsubmit: (e) => { e.preventDefault(); if (picker.value) add(Number(picker.value)); } },
      h('label', { for: 'add-genre' }, 'Add a genre'), ' ', picker, ' ', h('button', { type: 'submit' }, 'Add'));
  }
  const input = h('input', { id: 'add-company', type: 'search', autocomplete: 'off', placeholder: 'e.g. Universal' });
  const found = h('ul', { class: 'found', 'aria-live': 'polite' });
  const search = async () => {
    const q = input.value.trim();
    if (!q) return found.replaceChildren();
    const { companies } = await get('/v1/companies?' + new URLSearchParams({ q, limit: 8 }));
    found.replaceChildren(...(companies.length ? companies.map((c) => h('li', {}, `${c.name} `,
      h('span', { class: 'muted' }, `${count(c.releases)} releases `),
      ids.includes(c.id) ? h('span', { class: 'muted' }, '(compared)')
        : h('button', { type: 'button', 'aria-label': `Add ${c.name}`, onclick: () => add(c.id) }, 'Add'))) : [h('li', { class: 'muted' }, 'No company found.')]));
  };
  return h('div', { class: 'adder' },
    h('form', { role: 'search', class: 'search', onsubmit: (e) => { e.preventDefault(); search().catch(showError); } },
      h('label', { for: 'add-company' }, 'Add a company'), ' ', input, ' ', h('button', { type: 'submit' }, 'Find')),
    found);
}
