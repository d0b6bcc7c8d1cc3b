// Charts (uPlot, loaded as a global by index.html): year on x, labelled axes with units, colours
// from Okabe and Ito's palette, which stays distinguishable for colour-blind readers, and line
// dashes so that colour is never the only cue. The x axis holds every year of the range, so a year
// without data is a gap in a line (uPlot breaks a line at null and never spans it), and a year alone
// between gaps is drawn as its point.
import { h } from './dom.js';

export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];
const HEIGHT = 260;

let firstChartMarked = false;

// Whole numbers only, without separators (1995, not 1,995); a fractional tick is left blank.
const wholeTicks = (u, values) => values.map((v) => (Number.isInteger(v) ? String(v) : ''));
const yearAxis = { label: 'Year', values: wholeTicks };

// Every year from `first` to `last`, both included.
export function yearsFrom(first, last) {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

// Every year from the first row's to the last's (rows sorted by year), each with its row or null.
export function everyYear(rows) {
  if (!rows.length) return [];
  const byYear = new Map(rows.map((r) => [r.year, r]));
  return yearsFrom(rows[0].year, rows[rows.length - 1].year).map((year) => ({ year, row: byYear.get(year) ?? null }));
}

// A chart in a <figure> with a visible caption, redrawn to its container's width.
function mount(container, caption, summary, makeOptions, data) {
  const plot = h('div', { class: 'plot', role: 'img', 'aria-label': summary });
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, caption), plot);
  container.append(figure);
  const width = () => Math.max(240, plot.clientWidth || container.clientWidth || 320);
  const chart = new uPlot(makeOptions(width()), data, plot);
  plot.chart = chart;  // for the browser tests, which read what was drawn
  const resize = new ResizeObserver(() => {
    if (!plot.isConnected) return resize.disconnect();
    if (Math.abs(chart.width - width()) > 1) chart.setSize({ width: width(), height: HEIGHT });
  });
  resize.observe(plot);
  if (!firstChartMarked) {
    firstChartMarked = true;
    performance.mark('reelstat:first-chart');
  }
  return chart;
}

// Lines over the years: series = [{ label, values, notes }] with null where there is no figure;
// notes (optional) say per year what a value covers ("10 of 18 movies"), shown beside it.
export function lineChart(container, { caption, summary, years, series, yLabel, format }) {
  const show = (notes) => (u, v, si, i) => {
    if (v === null || v === undefined) return '—';
    const note = notes && i !== null && i !== undefined ? notes[i] : '';
    return note ? `${format(v)} (${note})` : format(v);
  };
  return mount(container, caption, summary, (width) => ({
    width,
    height: HEIGHT,
    scales: { x: { time: false } },
    axes: [yearAxis, { label: yLabel, size: 64, values: (u, values) => values.map(format) }],
    series: [
      { label: 'Year', value: (u, v) => (v === null ? '—' : String(v)) },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        dash: DASHES[i % DASHES.length],
        spanGaps: false,
        points: { show: true, size: 5 },
        value: show(s.notes),
      })),
    ],
  }), [years, ...series.map((s) => s.values)]);
}

// Bars stacked per year: groups = [{ label, values }], bottom group first. Each group is drawn as
// the running total up to it, tallest first, so the lower groups cover the upper ones' bases; the
// legend shows each group's own count, top of the stack first.
export function stackedBars(container, { caption, summary, years, groups, yLabel }) {
  const stacks = [];
  groups.forEach((g, i) => stacks.push(g.values.map((v, j) => v + (i ? stacks[i - 1][j] : 0))));
  const order = groups.map((g, i) => i).reverse();
  const bars = uPlot.paths.bars({ size: [0.7, 48] });
  return mount(container, caption, summary, (width) => ({
    width,
    height: HEIGHT,
    scales: {
      x: { time: false, range: (u, min, max) => [min - 1, max + 1] },
      y: { range: (u, min, max) => [0, Math.max(1, max)] },
    },
    axes: [yearAxis, { label: yLabel, size: 48, values: wholeTicks }],
    series: [
      { label: 'Year', value: (u, v) => (v === null ? '—' : String(v)) },
      ...order.map((i) => ({
        label: groups[i].label,
        stroke: '#333',
        width: 0.5,
        fill: PALETTE[i % PALETTE.length],
        paths: bars,
        points: { show: false },
        value: (u, v, si, idx) => (idx === null || idx === undefined ? '—' : String(groups[i].values[idx])),
      })),
    ],
  }), [years, ...order.map((i) => stacks[i])]);
}
