// The runs part of #/data: the ledger (newest first), any run the quality gate held with its failed
// checks, and what the current run changed against the one before it.
import { ApiError, get } from './api.js';
import { h } from './dom.js';
import { count as grouped } from './format.js';
import { countCell, facts, table } from './table.js';


function gateText(g) {
  if (g === null) return '—';
  if (g.skipped) return 'skipped (--no-gate)';
  if (!g.compared) return 'nothing to compare with';
  if (g.passed) return 'passed';
  const more = g.failed.length > 3 ? `, and ${g.failed.length - 3} more` : '';
  return `failed: ${g.failed.slice(0, 3).join(', ')}${more}`;
}

function ledgerTable(runs) {
  const columns = ['Run', 'Started (UTC)', 'Mode', 'Outcome', 'Snapshot', 'Read', 'Loaded', 'Rejected', 'Gate']
    .map((label, i) => ({ label, numeric: i >= 5 && i <= 7 }));
  const rows = runs.map((r) => [String(r.id), r.started_at, r.mode, r.current ? `${r.outcome} (current)` : r.outcome,
    r.kept ? 'kept' : 'pruned', countCell(r.records.read), countCell(r.records.loaded), countCell(r.records.rejected), gateText(r.gate)]);
  return table({ name: 'runs', caption: 'Runs, newest first', columns, rows });
}

async function heldBlock(run) {
  const { report } = await get(`/v1/runs/${run.id}`);
  const failed = (report?.gate?.checks ?? []).filter((c) => !c.passed);
  return [
    table({
      name: `held-${run.id}`,
      caption: `Run ${run.id} is held by the quality gate: nothing of it is served`,
      columns: [{ label: 'Check' }, { label: 'Current run' }, { label: 'This run' }, { label: 'Limit' }],
      rows: failed.map((c) => [c.name, c.current, c.new, c.threshold]),
    }),
    h('p', { class: 'muted small' }, `To publish it all the same: reelstat publish ${run.id} --accept --reason TEXT`),
  ];
}

function changeBlocks(c) {
  const fields = Object.entries(c.movies.changed_by_field).filter(([, n]) => n > 0)
    .map(([field, n]) => [`Changed: ${field.replaceAll('_', ' ')}`, countCell(n)]);
  const summary = facts(`What run ${c.run} changed against run ${c.against}`, 'changes', [
    ['Movies added', countCell(c.movies.added)], ['Movies removed', countCell(c.movies.removed)],
    ['Movies changed', countCell(c.movies.changed)], ...fields,
    ['Companies added', countCell(c.companies.added)], ['Companies removed', countCell(c.companies.removed)],
    ['Genres added', countCell(c.genres.added)], ['Genres removed', countCell(c.genres.removed)],
  ]);
  const shown = (v) => (v === null ? 'unknown' : Array.isArray(v) ? v.map((o) => o.name).join('; ') || 'none' : String(v));
  const movies = table({
    name: 'changed-movies',
    caption: `Changed movies (the first ${c.movies_changed.length} of ${grouped(c.total)}, by id)`,
    columns: [{ label: 'Movie' }, { label: 'Changes' }],
    rows: c.movies_changed.map((m) => [`${m.title} (${m.id})`,
      m.fields.map((f) => `${f.field.replaceAll('_', ' ')}: ${shown(f.before)} → ${shown(f.after)}`).join('; ')]),
  });
  return [summary, movies];
}

async function currentChanges(current) {
  try {
    return changeBlocks(await get(`/v1/runs/${current.id}/changes?limit=20`));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    return [h('p', { class: 'muted small' }, `Run ${current.id} was compared with no earlier run: it has no change report.`)];
  }
}

export async function runsBlocks() {
  const { runs } = await get('/v1/runs?limit=20');
  const blocks = [h('h2', {}, 'Runs'), ledgerTable(runs)];
  for (const run of runs.filter((r) => r.outcome === 'held').slice(0, 3)) blocks.push(...await heldBlock(run));
  const current = runs.find((r) => r.current);
  if (current) blocks.push(...await currentChanges(current));
  return blocks;
}
