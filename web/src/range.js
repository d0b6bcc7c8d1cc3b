// A year range for a view (from, to), kept in its link: read from the link, and chosen in a form.
import { h } from './dom.js';

// The year range asked for in the link: { from, to }, each only when it is a year.
export function yearRange(query) {
  const range = {};
  for (const name of ['from', 'to']) {
    const v = Number(query.get(name));
    if (Number.isInteger(v) && v >= 1 && v <= 9999) range[name] = String(v);
  }
  return range;
}

// Two year boxes and a button; empty boxes mean every year.
export function rangeForm(range, onchange) {
  const box = (name, label) => [h('label', { for: `range-${name}` }, label), ' ',
    h('input', { id: `range-${name}`, name, type: 'number', min: 1, max: 9999, inputmode: 'numeric', value: range[name] ?? '', placeholder: 'any' })];
  const form = h('form', { class: 'field range', 'aria-label': 'Years' },
    ...box('from', 'From'), ' ', ...box('to', 'to'), ' ', h('button', { type: 'submit' }, 'Show years'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onchange(yearRange(new URLSearchParams(new FormData(form))));
  });
  return form;
}
