// The dashboard's weight and its time to the first chart, in Debian's chromium on loopback, with
// the charting library it ships (uPlot) against the baseline it was chosen over (Chart.js).
//   node bench/dashboard/first_chart.mjs [loads]     (after scripts/build.sh, npm ci here and in tests/browser)
// Prints JSON: medians of `loads` cold loads (a new browser context each: empty cache).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage, prepareData, root, startServer } from '../../tests/browser/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const loads = Number(process.argv[2] || 9);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x) => Math.round(x * 10) / 10;

// The dashboard: bytes on the wire (encoded, so gzip where the server compressed) and time from
// navigation to performance.mark('reelstat:first-chart'), on the Pixar page.
async function dashboard(browser, url, key) {
  const times = [];
  let weight = null;
  for (let i = 0; i < loads; ++i) {
    const { context, page } = await openPage(browser);
    await context.addInitScript((k) => sessionStorage.setItem('reelstat.apiKey', k), key);
    const responses = [];
    page.on('response', (r) => responses.push(r));
    await page.goto(url + '/#/companies/3');
    await page.waitForFunction(() => performance.getEntriesByName('reelstat:first-chart').length > 0);
    times.push(await page.evaluate(() => performance.getEntriesByName('reelstat:first-chart')[0].startTime));
    await page.locator('table[data-table="years"]').waitFor();
    if (!weight) {
      weight = { page_files: 0, page_bytes: 0, api_requests: 0, api_bytes: 0 };
      for (const r of responses) {
        const bytes = (await r.request().sizes()).responseBodySize;
        if (new URL(r.url()).pathname.startsWith('/v1/')) {
          weight.api_requests++;
          weight.api_bytes += bytes;
        } else {
          weight.page_files++;
          weight.page_bytes += bytes;
        }
      }
    }
    await context.close();
  }
  return { first_chart_ms: round(median(times)), runs_ms: times.map(round), ...weight };
}

// One library alone: a page that draws the same three lines (50 years) and marks the time.
const years = Array.from({ length: 50 }, (_, i) => 1960 + i);
const series = [1, 2, 3].map((k) => years.map((y, i) => Math.round(1e6 * k * (10 + Math.sin(i / 3) * 5))));
const pages = {
  uplot: {
    files: [path.join(root, 'web/node_modules/uplot/dist/uPlot.iife.min.js'), path.join(root, 'web/node_modules/uplot/dist/uPlot.min.css')],
    draw: `new uPlot({ width: 800, height: 260, scales: { x: { time: false } },
      series: [{}, { stroke: '#0072B2' }, { stroke: '#E69F00' }, { stroke: '#009E73' }] },
      [${JSON.stringify(years)}, ...${JSON.stringify(series)}], document.getElementById('c'));`,
  },
  chartjs: {
    files: [path.join(here, 'node_modules/chart.js/dist/chart.umd.min.js')],
    draw: `const canvas = document.createElement('canvas'); document.getElementById('c').append(canvas);
      new Chart(canvas, { type: 'line', options: { animation: false, responsive: false },
        data: { labels: ${JSON.stringify(years)}, datasets: ${JSON.stringify(series)}.map((data) => ({ data })) } });`,
  },
};

function libraryServer() {
  const server = createServer((req, res) => {
    const [, lib, file] = req.url.split('/');
    const entry = pages[lib];
    if (!entry) return res.writeHead(404).end();
    if (file === 'page.html') {
      const tags = entry.files.map((f, i) => (f.endsWith('.css') ? `<link rel="stylesheet" href="/${lib}/${i}">` : `<script src="/${lib}/${i}"></script>`));
      return res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html>${tags.join('')}<div id="c"></div>
        <script>${entry.draw} performance.mark('first-chart');</script>`);
    }
    const body = gzipSync(readFileSync(entry.files[Number(file)]));
    res.writeHead(200, { 'Content-Type': entry.files[Number(file)].endsWith('.css') ? 'text/css' : 'text/javascript', 'Content-Encoding': 'gzip' }).end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function library(browser, base, lib) {
  const times = [];
  for (let i = 0; i < loads; ++i) {
    const { context, page } = await openPage(browser);
    await page.goto(`${base}/${lib}/page.html`);
    times.push(await page.evaluate(() => performance.getEntriesByName('first-chart')[0].startTime));
    await context.close();
  }
  const gzip_bytes = pages[lib].files.reduce((s, f) => s + gzipSync(readFileSync(f), { level: 6 }).length, 0);
  return { first_chart_ms: round(median(times)), gzip_bytes };
}

const data = prepareData();
const server = await startServer(data.dir);
const libs = await libraryServer();
const browser = await launchBrowser();
try {
  const base = `http://127.0.0.1:${libs.address().port}`;
  const result = {
    loads,
    dashboard: await dashboard(browser, server.url, data.key),
    library_alone: { uplot: await library(browser, base, 'uplot'), chartjs: await library(browser, base, 'chartjs') },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await server.stop();
  libs.close();
  data.cleanup();
}
