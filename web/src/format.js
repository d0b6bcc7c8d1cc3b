// Numbers for people. Tables show the API's figures exactly; chart axes round (1.2M, 3.4B).
// Figures arrive as JS numbers (fetch's JSON): exact below 2^53, i.e. split money to the cent up
// to about $90 trillion, far above any sum in the dataset. Past that the API's text is exact and
// this page is not.

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
export function money(figure, attribution) {
  if (!figure || figure.movies === 0) return '—';
  return dollars(attribution === 'split' ? Number(figure.total).toFixed(2) : String(figure.total));
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

export function count(n) {
  return groupDigits(String(n));
}

