// Tables of figures, each with a button that downloads its rows as CSV: from the API when the rows
// came from a route that offers CSV (the same path asked with Accept: text/csv, so the same numbers
// as its JSON), else (the data view's facts) as shown. A table of figures sorts by any column: its
// headers are buttons (so the keyboard reaches them), and aria-sort says the order.
import { get } from './api.js';
import { h } from './dom.js';
import { count } from './format.js';
import { showError } from './notice.js';

let tables = 0;

// columns: [{ label, numeric, wrap }] (wrap: a column of names, which may break across lines so a
// wide table fits); rows: arrays of cells (text or elements); source: the API path
// the rows were read from, when it offers CSV; sortable: false for a list of facts (What, Value).
export function table({ caption, columns, rows, source, name, sortable = true }) {
  const body = h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, i) =>
    i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: cellClass(columns[i]) }, cell)))));
  const heads = columns.map((c) => h('th', { scope: 'col', class: cellClass(c) },
    sortable && c.label && rows.length > 1 ? h('button', { type: 'button', class: 'sort' }, c.label) : c.label));
  heads.forEach((th, i) => th.querySelector('button.sort')?.addEventListener('click', () => sortBy(body, heads, i, columns[i])));
  // The caption sits above the scrolling box, so that a narrow screen shows all of it.
  const id = `table-${++tables}`;
  const element = h('table', { 'data-table': name, 'aria-labelledby': id }, h('thead', {}, h('tr', {}, heads)), body);
  const tools = h('div', { class: 'table-tools' }, h('p', { class: 'table-caption', id }, caption),
    h('button', { type: 'button', onclick: () => (source ? download(source) : save(asCsv(element), `${name}.csv`)) },
      'Download CSV'));
  return h('section', { class: 'table-block' }, tools,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': id }, element));
}

// A count shown with separators, kept unformatted for sorting and the table's CSV.
export const countCell = (n) => h('span', { 'data-value': n }, count(n));

const cellClass = (column) => [column.numeric ? 'num' : '', column.wrap ? 'wrap' : ''].join(' ').trim();

// A list of facts: What and Value, in the order given.
export function facts(caption, name, rows) {
  return table({ name, caption, columns: [{ label: 'What' }, { label: 'Value' }], rows, sortable: false });
}

// What a cell sorts by: its unformatted number where the view gave one (data-value), else its text;
// in a numeric column a number, or null for an unknown figure ("—"), which stays last either way.
function sortKey(cell, numeric) {
  const text = cell.querySelector('[data-value]')?.dataset.value ?? cell.textContent;
  if (!numeric) return text;
  const n = text.trim() === '' ? NaN : Number(text.replace(/[$,\s]/g, ''));
  return Number.isNaN(n) ? null : n;
}

// A first click sorts numbers largest first and words from A; a second click reverses. Ties keep
// the order they had (Array.prototype.sort is stable), so sorting by one column then another nests.
function sortBy(body, heads, index, column) {
  const current = heads[index].getAttribute('aria-sort');
  const first = column.numeric ? 'descending' : 'ascending';
  const order = current ? (current === 'ascending' ? 'descending' : 'ascending') : first;
  const sign = order === 'ascending' ? 1 : -1;
  const rows = [...body.rows].map((row) => ({ row, key: sortKey(row.cells[index], column.numeric) }));
  rows.sort((a, b) => {
    if (a.key === null || b.key === null) return (a.key === null) - (b.key === null);
    if (column.numeric) return sign * (a.key - b.key);
    return sign * a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: 'base' });
  });
  body.append(...rows.map((r) => r.row));
  heads.forEach((th, i) => (i === index ? th.setAttribute('aria-sort', order) : th.removeAttribute('aria-sort')));
}

// RFC 4180, as the API writes it: CRLF, cells quoted when they hold a comma, quote or line break.
// A cell's number is taken unformatted where the view gave one (data-value), so 2,996 is 2996.
function asCsv(element) {
  const text = (c) => c.querySelector('[data-value]')?.dataset.value ?? c.textContent;
  const cell = (t) => (/[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t);
  return [...element.rows].map((row) => [...row.cells].map((c) => cell(text(c))).join(',') + '\r\n').join('');
}

function save(text, filename) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function download(path) {
  try {
    const { text, filename } = await get(path, { csv: true });
    save(text, filename);
  } catch (e) {
    showError(e);
  }
}
