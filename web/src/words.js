// The API's word lists (what a year's rankings take in `by`, what "most popular" means, the money
// attributions) as the server states them in the OpenAPI document it serves, so the page keeps no
// copy of its own (a server test checks that document against the server's answers). Only how a
// word is shown to people is the page's.
const LABELS = {
  profit: 'Profit',
  revenue: 'Revenue',
  budget: 'Budget',
  releases: 'Releases',
  avg_popularity: 'Average popularity',
  total_popularity: 'Total popularity',
  full: 'Full',
  split: 'Split',
  desc: 'Largest first',
  asc: 'Smallest first',
};

let loading = null;

// A parameter's words as [word, label] pairs, and its default.
function words(doc, path, name) {
  for (let parameter of doc.paths[path].get.parameters) {
    if (parameter.$ref) parameter = doc.components.parameters[parameter.$ref.split('/').pop()];
    if (parameter.name === name)
      return { choices: parameter.schema.enum.map((w) => [w, LABELS[w] ?? w]), fallback: parameter.schema.default };
  }
  throw new Error(`the API document has no parameter ${name} on ${path}`);
}

// Resolves to { rankBy, popularBy, attribution, order }, each { choices, fallback }: the document is
// asked for once per page (it needs no key).
export function apiWords() {
  loading ??= fetch('/openapi.json')
    .then((response) => {
      if (!response.ok) throw new Error(`the API document answered ${response.status}`);
      return response.json();
    })
    .then((doc) => ({
      rankBy: words(doc, '/v1/years/{year}/companies', 'by'),
      popularBy: words(doc, '/v1/genres/most-popular', 'by'),
      attribution: words(doc, '/v1/companies/{id}/years', 'attribution'),
      order: words(doc, '/v1/years/{year}/companies', 'order'),
    }))
    .catch((e) => {
      loading = null;  // asked again at the next view
      throw e;
    });
  return loading;
}

// The word `query` names for a parameter, when it is one of the choices; else the default.
export function chosen(query, name, { choices, fallback }) {
  const asked = query.get(name);
  return choices.some(([w]) => w === asked) ? asked : fallback;
}

export function labelOf(word) {
  return LABELS[word] ?? word;
}
