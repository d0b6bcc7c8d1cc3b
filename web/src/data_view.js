// #/data: the snapshot being served, the counts of the ingest that built it, and the runs.
import { get } from './api.js';
import { h, loading } from './dom.js';
import { count as grouped } from './format.js';
import { runsBlocks } from './runs_view.js';
import { table } from './table.js';

// A count shown with separators, kept unformatted for the table's CSV.
const count = (n) => h('span', { 'data-value': n }, grouped(n));

export async function dataView(main) {
  main.replaceChildren(h('h1', {}, 'Data'), loading('the snapshot'));
  const d = await get('/v1/dataset');
  const pairs = (caption, name, rows) => table({ name, caption, columns: [{ label: 'What' }, { label: 'Value' }], rows });
  const blocks = [
    pairs('The snapshot served', 'snapshot', [
      ['Run', String(d.run_id)],
      ['Mode', d.mode],
      ['Source file', d.source.file],
      ['SHA-256', h('code', { class: 'hash' }, d.source.sha256)],
      ['Ingested at (UTC)', d.ingested_at],
      ['Movies', count(d.movies)],
      ['Companies', count(d.companies)],
      ['Genres', count(d.genres)],
      ['Release years', d.first_year === null ? '—' : `${d.first_year}–${d.last_year}`],
      ...(d.excluded ? [['Movies in no yearly figure', count(d.excluded.total)]] : []),
    ]),
  ];
  const i = d.ingest;
  if (i) {
    const reasons = (what, object) => Object.entries(object).map(([reason, n]) => [`${what}: ${reason.replaceAll('_', ' ')}`, count(n)]);
    const reconciles = i.records.read === i.records.loaded + i.records.rejected;
    blocks.push(
      pairs('Counts of the ingest run that built it', 'ingest', [
        ['Records read', count(i.records.read)],
        ['Loaded', count(i.records.loaded)],
        ['Rejected', count(i.records.rejected)],
        ...reasons('Rejected', i.rejected_by_reason),
        ['Excluded from the figures', count(i.excluded.total)],
        ...reasons('Excluded', i.excluded.by_reason),
        ...(i.delta ? [['Delta on top of run', String(i.delta.base_run)], ['Movies replaced', count(i.delta.replaced)],
          ['Movies added', count(i.delta.added)]] : []),
        ...(i.implausible.budget === null ? [] : [
          ['Budgets above $0 and under $1,000', count(i.implausible.budget)],
          ['Revenues above $0 and under $1,000', count(i.implausible.revenue)],
          ['Money floor (amounts under it are unknown)', `$${grouped(i.implausible.money_floor)}`],
        ]),
      ]),
      h('p', { class: reconciles ? 'ok' : 'error' }, reconciles
        ? `Read = loaded + rejected: ${grouped(i.records.read)} = ${grouped(i.records.loaded)} + ${grouped(i.records.rejected)}.`
        : 'The counts do not reconcile: read ≠ loaded + rejected.'),
      h('p', { class: 'muted small' }, 'Excluded movies are loaded but have no release date or are not released, so they are in no yearly figure.'));
  }
  blocks.push(...await runsBlocks());
  main.replaceChildren(h('h1', {}, 'Data'), ...blocks);
}
