// Numbers for people. Tables show the API's figures exactly; chart axes round (1.2M, 3.4B).
// Figures arrive as JS numbers (fetch's JSON): exact below 2^53, i.e. split money to the cent up
// to about $90 trillion, far above any sum in the dataset. Past that the API's text is exact and
// this page is not.
import { h } from './dom.js';

// "1234567.5" -> "1,234,567.5"
function groupDigits(text) {
  const [, sign, whole, fraction = ''] = /^(-?)(\d+)(\.\d+)?$/.exec(text) || [null, '', text, ''];
  return sign + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + fraction;
}

// An amount as dollars with separators: "-1234.5" -> "-$1,234.5"; a dash when unknown (null).
export function dollars(text) {
  if (text === null) return '—';
  return text.startsWith('-') ? '-$' + groupDigits(text.slice(1)) : '$' + groupDigits(text);
}

// A figure's total as dollars: whole dollars (full attribution) or cents (split), or a dash when
// no movie had the amount.
export function moneyText(figure, attribution) {
  if (!figure || figure.movies === 0) return '—';
  return dollars(attribution === 'split' ? Number(figure.total).toFixed(2) : String(figure.total));
}

// How many of the `releases` movies a money figure covers, when not all of them: "10 of 18 movies"
// (the others have no known amount, so the total is theirs alone); '' when it covers every one.
export function coverage(figure, releases) {
  if (!figure || releases === undefined || figure.movies >= releases) return '';
  return `${count(figure.movies)} of ${count(releases)} ${releases === 1 ? 'movie' : 'movies'}`;
}

// A table cell for a money figure: the amount, and under it its coverage when it is partial; the
// unformatted total is its data-value (empty when unknown), for sorting.
export function money(figure, attribution, releases) {
  const known = figure && figure.movies > 0;
  const cover = coverage(figure, releases);
  return h('span', { class: 'money', 'data-value': known ? String(figure.total) : '' },
    h('span', { class: 'amount' }, moneyText(figure, attribution)),
    cover ? h('span', { class: 'cover' }, cover) : null);
}

export function moneyValue(figure) {
  return figure && figure.movies > 0 ? Number(figure.total) : null;
}

// Axis labels: $950K, $12.5M, $1.2B.
export function compactMoney(value) {
  if (value === null || value === undefined) return '';
  const abs = Math.abs(value), sign = value < 0 ? '-' : '';
  for (const [size, suffix] of [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']])
    if (abs >= size) return `${sign}$${trim(abs / size)}${suffix}`;
  return `${sign}$${trim(abs)}`;
}

function trim(n) {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1).replace(/\.0$/, '') : n.toFixed(2).replace(/\.?0+$/, '');
}

export function popularity(p) {
  return p && p.average !== null ? Number(p.average).toFixed(6) : '—';
}

// A popularity figure's total (null over no known popularity: a dash).
export function totalPopularity(p) {
  return p && p.total !== null ? Number(p.total).toFixed(6) : '—';
}

export function count(n) {
  return groupDigits(String(n));
}


// A row's figure for a ranking measure (the API's `by` words) as a number, or null when unknown.
export function measureOf(row, by) {
  if (by === 'releases') return row.releases;
  if (by === 'avg_popularity') return row.popularity.average === null ? null : Number(row.popularity.average);
  if (by === 'total_popularity') return row.popularity.movies > 0 ? Number(row.popularity.total) : null;
  return row[by].movies > 0 ? Number(row[by].total) : null;
}
