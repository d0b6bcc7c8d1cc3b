// #/data: the snapshot being served, the counts of the ingest that built it, and the runs.
import { get } from './api.js';
import { h, loading } from './dom.js';
import { count as grouped } from './format.js';
import { runsBlocks } from './runs_view.js';
import { countCell, facts } from './table.js';


export async function dataView(main) {
  main.replaceChildren(h('h1', {}, 'Data'), loading('the snapshot'));
  const d = await get('/v1/dataset');
    const blocks = [
    facts('The snapshot served', 'snapshot', [
      ['Run', String(d.run_id)],
      ['Mode', d.mode],
      ['Source file', d.source.file],
      ['SHA-256', h('code', { class: 'hash' }, d.source.sha256)],
      ['Ingested at (UTC)', d.ingested_at],
      ['Movies', countCell(d.movies)],
      ['Companies', countCell(d.companies)],
      ['Genres', countCell(d.genres)],
      ['Release years', d.first_year === null ? '—' : `${d.first_year}–${d.last_year}`],
      ...(d.excluded ? [['Movies in no yearly figure', countCell(d.excluded.total)]] : []),
    ]),
  ];
  const i = d.ingest;
  if (i) {
    const reasons = (what, object) => Object.entries(object).map(([reason, n]) => [`${what}: ${reason.replaceAll('_', ' ')}`, countCell(n)]);
    const reconciles = i.records.read === i.records.loaded + i.records.rejected;
    blocks.push(
      facts('Counts of the ingest run that built it', 'ingest', [
        ['Records read', countCell(i.records.read)],
        ['Loaded', countCell(i.records.loaded)],
        ['Rejected', countCell(i.records.rejected)],
        ...reasons('Rejected', i.rejected_by_reason),
        ['Excluded from the figures', countCell(i.excluded.total)],
        ...reasons('Excluded', i.excluded.by_reason),
        ...(i.delta ? [['Delta on top of run', String(i.delta.base_run)], ['Movies replaced', countCell(i.delta.replaced)],
          ['Movies added', countCell(i.delta.added)]] : []),
        ...(i.implausible.budget === null ? [] : [
          ['Budgets above $0 and under $1,000', countCell(i.implausible.budget)],
          ['Revenues above $0 and under $1,000', countCell(i.implausible.revenue)],
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
