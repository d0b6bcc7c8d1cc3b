// Tables of figures, each with a button that downloads the same rows as CSV from the API.
import { get } from './api.js';
import { h } from './dom.js';
import { showError } from './notice.js';

let tables = 0;

// columns: [{ label, numeric }]; rows: arrays of cells (text or elements).
export function table({ caption, columns, rows, csvPath, name }) {
  const head = h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : '' }, c.label)));
  const body = rows.map((cells) => h('tr', {}, cells.map((cell, i) =>
    i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: columns[i].numeric ? 'num' : '' }, cell))));
  // The caption sits above the scrolling box, so that a narrow screen shows all of it.
  const id = `table-${++tables}`;
  const element = h('table', { 'data-table': name, 'aria-labelledby': id }, h('thead', {}, head), h('tbody', {}, body));
  const tools = h('div', { class: 'table-tools' }, h('p', { class: 'table-caption', id }, caption),
    csvPath ? h('button', { type: 'button', onclick: () => download(csvPath) }, 'Download CSV') : null);
  return h('section', { class: 'table-block' }, tools,
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': id }, element));
}

async function download(path) {
  try {
    const { text, filename } = await get(path, { csv: true });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const a = h('a', { href: url, download: filename });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    showError(e);
  }
}
