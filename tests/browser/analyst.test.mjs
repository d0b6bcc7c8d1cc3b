// The dashboard's analyst controls (issue 21) in a real browser against a real server on the
// sample: gaps drawn as gaps, coverage shown, tables sorted, the year view paged and ordered, year
// ranges, the minimum of releases, the comparison view, the key dialog, wide tables at 1280 px, the
// /docs try-it form and the page's weight. Expected figures come from the API's JSON, read here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiJson, finish, launchBrowser, openKeyedPage, openPage, prepareData, screenshotPath, startServer } from './harness.mjs';

let data, server, browser;

before(async () => {
  data = prepareData();
  server = await startServer(data.dir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  data?.cleanup();
});

const api = (path) => apiJson(server.url, data.key, path);
const keyedPage = (width = 1280) => openKeyedPage(browser, data.key, width);

// Whether any pixel of the chart's canvas in the column at year `x` (inside the plot area), or
// within `reach` px of (x, y), has one of the series' colours: what was drawn, not what was asked.
async function drawnAt(page, chartIndex, { x, y = null, reach = 0 }) {
  return page.evaluate(({ chartIndex, x, y, reach }) => {
    const u = document.querySelectorAll('.plot')[chartIndex].chart;
    const canvas = u.root.querySelector('canvas');
    const context = canvas.getContext('2d');
    const px = Math.round(u.valToPos(x, 'x', true));
    const [top, bottom] = y === null ? [u.bbox.top, u.bbox.top + u.bbox.height]
      : [Math.round(u.valToPos(y, 'y', true)) - reach, Math.round(u.valToPos(y, 'y', true)) + reach];
    const colours = u.series.slice(1).map((s) => s.stroke()).map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    const pixels = context.getImageData(px - reach, top, 2 * reach + 1, bottom - top + 1).data;
    for (let i = 0; i < pixels.length; i += 4)
      for (const c of colours)
        if (pixels[i + 3] > 200 && c.every((v, k) => Math.abs(v - pixels[i + k]) < 40)) return true;
    return false;
  }, { chartIndex, x, y, reach });
}

test('lines break at years without releases, a year alone is a point, and axes say what they count', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/companies/3');
  await page.locator('figure.chart canvas').nth(2).waitFor();
  const pixar = (await api('/v1/companies/3/years')).years;
  // Pixar in the sample: 1995 and 1998, nothing between.
  assert.deepEqual(pixar.map((y) => y.year), [1995, 1998]);
  assert.equal(await drawnAt(page, 0, { x: 1996.5 }), false, 'no line crosses 1996–1997, where Pixar released nothing');
  for (const y of pixar)
    assert.equal(await drawnAt(page, 0, { x: y.year, y: Number(y.budget.total), reach: 3 }), true, `the lone year ${y.year} is a point`);
  const axes = await page.evaluate(() => [...document.querySelectorAll('.plot')].map((p) => p.chart.axes[1].label));
  assert.deepEqual(axes, ['US dollars', 'Genre releases', 'Popularity']);
  // Toy Story's four genres count four genre releases in 1995, for one release.
  assert.match(await page.locator('figure.chart figcaption').nth(1).textContent(), /a movie counts once in each of its genres/);
  // Warner Bros.: a line joins two years in a row, and breaks where a year has no release.
  await page.goto(server.url + '/#/companies/6194');
  await page.locator('figure.chart canvas').nth(2).waitFor();
  const rows = (await api('/v1/companies/6194/years')).years;
  const warner = new Set(rows.map((y) => y.year));
  const budgeted = new Set(rows.filter((y) => y.budget.movies > 0).map((y) => y.year));
  const joined = [...budgeted].find((y) => budgeted.has(y + 1));
  const gap = [...warner].find((y) => !warner.has(y + 1) && [...warner].some((later) => later > y + 1));
  assert.ok(joined && gap, 'Warner Bros. has budgets in years in a row, and a gap, in the sample');
  assert.equal(await drawnAt(page, 0, { x: joined + 0.5 }), true, `${joined}–${joined + 1} is drawn`);
  assert.equal(await drawnAt(page, 0, { x: gap + 0.5 }), false, `nothing is drawn after ${gap}, a year before a gap`);
  await finish(opened);
});

test('money figures say how many movies they cover, in the table and the chart', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/companies/6194');
  const table = page.locator('table[data-table="years"]');
  await table.waitFor();
  const years = (await api('/v1/companies/6194/years')).years;
  const partial = years.filter((y) => y.budget.movies < y.releases);
  assert.ok(partial.length > 0, 'Warner Bros. has years where some budgets are unknown');
  for (const y of years) {
    const cell = table.locator('tr', { has: page.getByRole('rowheader', { name: String(y.year), exact: true }) }).locator('td').nth(1);
    const cover = y.budget.movies < y.releases ? `${y.budget.movies} of ${y.releases} movie${y.releases === 1 ? '' : 's'}` : '';
    assert.equal(await cell.locator('.cover').count() ? await cell.locator('.cover').textContent() : '', cover, `${y.year}`);
  }
  // The chart's legend says the same for the year under the cursor.
  const y = partial.find((r) => r.budget.movies > 0);
  await page.evaluate((year) => {
    const u = document.querySelector('.plot').chart;
    u.setCursor({ left: u.valToPos(year, 'x'), top: 10 });
  }, y.year);
  assert.match(await page.locator('.u-legend').first().textContent(), new RegExp(`\\(${y.budget.movies} of ${y.releases} movies\\)`));
  // The README's picture (docs/dashboard.png is a copy of it).
  await page.setViewportSize({ width: 1200, height: 860 });
  await page.screenshot({ path: screenshotPath('readme-dashboard') });
  await finish(opened);
});

// The cells of column `i` as numbers (null for a dash) or texts.
async function column(page, name, i, numeric) {
  return page.locator(`table[data-table="${name}"] tbody tr`).evaluateAll((rows, [i, numeric]) => rows.map((r) => {
    const cell = r.cells[i];
    const text = cell.querySelector('[data-value]')?.dataset.value ?? cell.textContent;
    if (!numeric) return text;
    return text === '' || text === '—' ? null : Number(text.replace(/[$,]/g, ''));
  }), [i, numeric]);
}

function inOrder(values, numeric, descending) {
  const known = values.filter((v) => v !== null);
  assert.deepEqual(values.slice(known.length), Array(values.length - known.length).fill(null), 'unknown figures last');
  for (let i = 1; i < known.length; ++i) {
    const c = numeric ? known[i - 1] - known[i] : known[i - 1].localeCompare(known[i], undefined, { numeric: true, sensitivity: 'base' });
    assert.ok(descending ? c >= 0 : c <= 0, `${known[i - 1]} before ${known[i]}`);
  }
}

test('every table of figures sorts by each column, from the keyboard too', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/years/1995');
  await page.locator('table[data-table="companies"]').waitFor();
  const before = (await column(page, 'companies', 1, false)).sort();
  const heads = page.locator('table[data-table="companies"] thead th');
  const n = await heads.count();
  let sorted = 0;
  for (let i = 0; i < n; ++i) {
    const button = heads.nth(i).locator('button.sort');
    if (!(await button.count())) continue;
    const numeric = (await heads.nth(i).getAttribute('class')).includes('num');
    await button.focus();
    await page.keyboard.press('Enter');
    assert.equal(await heads.nth(i).getAttribute('aria-sort'), numeric ? 'descending' : 'ascending');
    inOrder(await column(page, 'companies', i, numeric), numeric, numeric);
    await page.keyboard.press(' ');
    assert.equal(await heads.nth(i).getAttribute('aria-sort'), numeric ? 'ascending' : 'descending');
    inOrder(await column(page, 'companies', i, numeric), numeric, !numeric);
    ++sorted;
  }
  assert.equal(sorted, 7, 'rank, company, releases, budget, revenue, profit, popularity');
  assert.deepEqual((await column(page, 'companies', 1, false)).sort(), before, 'the same rows');
  await finish(opened);
});

test('the year view pages past 20 companies and ranks either way; the links keep it', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/years/1995?by=revenue');
  await page.locator('table[data-table="companies"]').waitFor();
  const first = await api('/v1/years/1995/companies?by=revenue&limit=20');
  assert.ok(first.total > 40, 'the sample has many companies in 1995');
  await page.getByRole('link', { name: 'Next 20 →' }).click();
  await page.waitForURL(/offset=20/);
  await page.locator('h2', { hasText: `Companies 21–40 of ${first.total}` }).waitFor();
  const second = await api('/v1/years/1995/companies?by=revenue&limit=20&offset=20');
  assert.deepEqual(await column(page, 'companies', 1, false), second.companies.map((c) => c.company.name));
  await page.reload();
  await page.locator('h2', { hasText: 'Companies 21–40' }).waitFor();
  await page.getByRole('radio', { name: 'Smallest first' }).check();
  await page.waitForURL(/order=asc/);
  assert.doesNotMatch(page.url(), /offset=/, 'a new order starts at its first page');
  await page.locator('.table-caption', { hasText: 'smallest first' }).first().waitFor();
  const ascending = await api('/v1/years/1995/companies?by=revenue&order=asc&limit=20');
  assert.deepEqual(await column(page, 'companies', 1, false), ascending.companies.map((c) => c.company.name));
  await finish(opened);
});

test('a company page takes a year range, kept in its link', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/companies/6194');
  await page.locator('table[data-table="years"]').waitFor();
  await page.locator('#range-from').fill('1990');
  await page.locator('#range-to').fill('1999');
  await page.getByRole('button', { name: 'Show years' }).click();
  await page.waitForURL(/from=1990&to=1999/);
  const expected = (await api('/v1/companies/6194/years?from=1990&to=1999')).years.map((y) => String(y.year));
  await page.locator('.plot').first().waitFor();
  await page.reload();
  await page.locator('table[data-table="years"]').waitFor();
  assert.deepEqual(await column(page, 'years', 0, false), expected);
  assert.equal(await page.locator('#range-from').inputValue(), '1990');
  await finish(opened);
});

test('the most popular genre takes a minimum of releases, 5 unless the link says otherwise', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/most-popular');
  await page.locator('table[data-table="most-popular"]').waitFor();
  assert.equal(await page.locator('#min-releases').inputValue(), '5');
  const genres = async () => page.locator('table[data-table="most-popular"] tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.cells[0].textContent, r.cells[1].textContent]));
  const named = (body) => body.years.map((y) => [String(y.year), y.genre ? y.genre.name : '—']);
  assert.deepEqual(await genres(), named(await api('/v1/genres/most-popular?min_releases=5')));
  await page.locator('#min-releases').fill('1');
  await page.locator('#min-releases').press('Enter');
  await page.waitForURL(/min_releases=1(&|$)/);
  await page.locator('.table-caption', { hasText: 'at least 1 releases' }).waitFor();
  await page.reload();
  await page.locator('table[data-table="most-popular"]').waitFor();
  assert.deepEqual(await genres(), named(await api('/v1/genres/most-popular?min_releases=1')));
  await finish(opened);
});

test('the comparison view draws each company and equals the several-owners route', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  // Reached from a company page, and a company added by search.
  await page.goto(server.url + '/#/companies/3');
  await page.getByRole('link', { name: /^Compare Pixar Animation Studios/ }).click();
  await page.waitForURL(/#\/compare\?companies=3&/);
  await page.locator('#add-company').fill('warner bros');
  await page.locator('#add-company').press('Enter');
  await page.getByRole('button', { name: 'Add Warner Bros.', exact: true }).click();
  await page.waitForURL(/companies=3,6194/);
  await page.locator('table[data-table="compare"]').waitFor();
  await page.getByRole('combobox', { name: 'Measure' }).selectOption('revenue');
  await page.waitForURL(/by=revenue/);
  await page.locator('.table-caption', { hasText: 'Revenue per year' }).waitFor();
  await page.reload();
  await page.locator('table[data-table="compare"]').waitFor();
  const body = await api('/v1/companies/years?ids=3,6194');
  const series = await page.evaluate(() => document.querySelector('.plot').chart.series.slice(1).map((s) => s.label));
  assert.deepEqual(series, body.companies.map((c) => c.company.name));
  const rows = await page.locator('table[data-table="compare"] tbody tr').evaluateAll((trs) => trs.map((r) =>
    [...r.cells].map((c) => c.querySelector('[data-value]')?.dataset.value ?? c.textContent)));
  const years = [...new Set(body.companies.flatMap((c) => c.years.map((y) => y.year)))].sort((a, b) => a - b);
  assert.equal(rows.length, years.length, 'one row per year either company released a movie');
  rows.forEach((cells, i) => {
    assert.equal(cells[0], String(years[i]));
    body.companies.forEach((c, k) => {
      const y = c.years.find((r) => r.year === years[i]);
      const want = !y ? '—' : y.revenue.movies === 0 ? '' : String(y.revenue.total);
      assert.equal(cells[k + 1], want, `${c.company.name} ${years[i]}`);
    });
  });
  await page.screenshot({ path: screenshotPath('compare-1280'), fullPage: true });
  await page.getByRole('button', { name: 'Remove Pixar Animation Studios' }).click();
  await page.waitForURL(/companies=6194(&|$)/);
  // From the search: the first five found.
  await page.goto(server.url + '/#/companies?q=pictures');
  await page.getByRole('link', { name: /^Compare the first/ }).click();
  await page.waitForURL(/#\/compare\?companies=\d+(,\d+){1,4}$/);
  await page.locator('table[data-table="compare"]').waitFor();
  await finish(opened);
});

test('Cancel closes the key dialog with one click, and it stays closed', async () => {
  const opened = await openPage(browser);
  const { page } = opened;
  await page.goto(server.url + '/#/years/1995');
  const dialog = page.locator('#key-dialog');
  await dialog.waitFor({ state: 'visible' });
  await page.locator('#key-cancel').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('heading', { name: 'No figures' }).waitFor();
  await page.waitForTimeout(500);
  assert.equal(await dialog.isVisible(), false, 'no other request of the view asks again');
  await opened.context.close();
});

test('at 1280 px no table cuts a column, at 390 px none widens the page', async () => {
  for (const width of [1280, 390]) {
    const opened = await keyedPage(width);
    const { page } = opened;
    for (const link of ['/#/years/1995', '/#/years/1995?attribution=split', '/#/companies/6194?attribution=split',
      '/#/compare?companies=3,6194,33&by=budget', '/#/most-popular', '/#/companies/6194/years/1995']) {
      await page.goto(server.url + link);
      await page.locator('table').first().waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => {});
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${link} at ${width} px: page is ${scroll} px wide in a ${client} px window`);
      if (width !== 1280 || link.endsWith('/movies') || link.includes('/years/1995/')) continue;
      const cut = await page.locator('.table-scroll').evaluateAll((boxes) =>
        boxes.filter((b) => b.scrollWidth > b.clientWidth + 1).map((b) => `${b.querySelector('table').dataset.table}: ${b.scrollWidth} > ${b.clientWidth}`));
      assert.deepEqual(cut, [], `${link}: every column shows`);
    }
    await finish(opened);
  }
});

test('/docs sends a request with the key and shows the answer', async () => {
  const opened = await openPage(browser);
  const { page } = opened;
  await page.goto(server.url + '/docs');
  const section = page.locator('section[data-path="/v1/companies/{id}/years"]');
  await section.waitFor();
  await page.locator('#try-key').fill(data.key);
  await page.locator('#try-key').dispatchEvent('change');
  await section.getByRole('button', { name: 'Send' }).click();
  const answer = section.locator('pre.answer');
  await answer.filter({ hasText: 'HTTP 200' }).waitFor();
  const text = await answer.textContent();
  assert.match(text, /^HTTP 200\ncontent-type: application\/json/);
  assert.match(text, /ratelimit-policy: 100;w=2;burst=100;rate=50/);
  const body = JSON.parse(text.slice(text.indexOf('\n\n') + 2));
  assert.deepEqual(body, await api('/v1/companies/33/years'));
  await opened.context.close();
  assert.deepEqual(opened.problems.consoleErrors, [], 'the CSP allows the page its own script and requests');
});

test('the Pixar page weighs under 300 KB on the wire', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(server.url + '/#/companies/3');
  await page.locator('table[data-table="years"]').waitFor();
  await page.locator('figure.chart canvas').nth(2).waitFor();
  let bytes = 0;
  for (const r of responses) bytes += (await r.request().sizes()).responseBodySize;
  assert.ok(bytes > 50000 && bytes < 300 * 1024, `${bytes} bytes`);
  await finish(opened);
});
