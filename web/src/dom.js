// Building the page: elements from plain data, never from HTML strings (names come from the data).

export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// A link inside the dashboard: #/path?query.
export function link(text, path, query = {}) {
  return h('a', { href: hashOf(path, query) }, text);
}

export function hashOf(path, query = {}) {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''));
  const q = params.toString().replaceAll('%2C', ',');  // a list of ids reads as one: 3,6194
  return '#' + path + (q ? '?' + q : '');
}

export function loading(what) {
  return h('p', { class: 'loading', 'aria-busy': 'true' }, `Loading ${what}…`);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

// A labelled group of radio buttons; `onchange` gets the chosen value.
export function choice(label, name, options, current, onchange) {
  return h('fieldset', { class: 'choice' },
    h('legend', {}, label),
    options.map(([value, text]) => h('label', {},
      h('input', { type: 'radio', name, value, checked: value === current, onchange: () => onchange(value) }),
      ' ' + text)));
}

// A labelled <select>.
export function select(label, id, options, current, onchange) {
  const el = h('select', { id, onchange: () => onchange(el.value) },
    options.map(([value, text]) => h('option', { value, selected: value === current }, text)));
  return h('span', { class: 'field' }, h('label', { for: id }, label), ' ', el);
}
