// Tables of figures, each with a button that downloads its rows as CSV: from the API when the rows
// came from a route that offers CSV (the same path asked with Accept: text/csv, so the same numbers
// as its JSON), else (the data view's facts) as shown.
import { get } from './api.js';
import { h } from './dom.js';
import { showError } from './notice.js';

let tables = 0;

// columns: [{ label, numeric }]; rows: arrays of cells (text or elements); source: the API path
// the rows were read from, when it offers CSV.
export function table({ caption, columns, rows, source, name }) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : '' }, c.label)));
  const body = rows.map((cells) => h('tr', {}, cells.map((cell, i) =>
    i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: columns[i].numeric ? 'num' : '' }, cell))));
  // The caption sits above the scrolling box, so that a narrow screen shows all of it.
  const id = `table-${++tables}`;
  const element = h('table', { 'data-table': name, 'aria-labelledby': id }, h('thead', {}, head), h('tbody', {}, body));
  const tools = h('div', { class: 'table-tools' }, h('p', { class: 'table-caption', id }, caption),
    h('button', { type: 'button', onclick: () => (source ? download(source) : save(asCsv(element), `${name}.csv`)) },
      'Download CSV'));
  return h('section', { class: 'table-block' }, tools,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': id }, element));
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
