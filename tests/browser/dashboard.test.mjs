// The dashboard in a real browser (Debian's chromium, driven by playwright-core) against a real
// `reelstat serve` on the bundled sample. Figures are checked against the API's JSON, read here
// with the key; the dashboard's own formatting code is not used to work out what to expect.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { apiJson, binary, finish, launchBrowser, openKeyedPage, openPage, prepareData, screenshotPath, startServer } from './harness.mjs';

let data, server, openServer, browser;

before(async () => {
  data = prepareData();
  server = await startServer(data.dir);
  openServer = await startServer(data.dir, ['--no-auth']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await openServer?.stop();
  data?.cleanup();
});

const api = (path) => apiJson(server.url, data.key, path);
const keyedPage = (width = 1280, key = data.key) => openKeyedPage(browser, key, width);

// The pause after typing before the search box searches (SEARCH_PAUSE_MS in web/src/owner_view.js).
const SEARCH_PAUSE_MS = 200;
const is401 = (e) => /status of 401/.test(e);

// "$1,234,567.50" -> 1234567.5, after checking it is written as dollars with separators.
function shownDollars(text) {
  assert.match(text, /^-?\$\d{1,3}(,\d{3})*(\.\d{2})?$/, `dollars with thousands separators: ${text}`);
  return Number(text.replace(/[$,]/g, ''));
}

function expectMoney(cell, figure, where) {
  if (figure.movies === 0) assert.equal(cell, '—', where);
  else assert.equal(shownDollars(cell), Number(figure.total), where);
}

// The year table's rows as { year: [cells...] }.
async function yearTable(page) {
  const table = page.locator('table[data-table="years"]');
  await table.waitFor();
  // A money cell's amount (its coverage, "10 of 18 movies", is checked on its own).
  return Object.fromEntries(await table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('th').textContent,
      [...r.querySelectorAll('td')].map((td) => (td.querySelector('.amount') ?? td).textContent)])));
}

function checkYearTable(rows, body, attribution) {
  assert.equal(Object.keys(rows).length, body.years.length, 'one row per year');
  for (const y of body.years) {
    const cells = rows[String(y.year)];
    assert.ok(cells, `a row for ${y.year}`);
    const where = `${y.year} (${attribution})`;
    assert.equal(Number(cells[0].replace(/,/g, '')), y.releases, where);
    expectMoney(cells[1], y.budget, 'budget ' + where);
    expectMoney(cells[2], y.revenue, 'revenue ' + where);
    expectMoney(cells[3], y.profit, 'profit ' + where);
    if (y.popularity.average === null) assert.equal(cells[4], '—');
    else assert.equal(Number(cells[4]), Number(y.popularity.average), 'popularity ' + where);
  }
}

test('the key prompt appears, a wrong key is reported, the right key opens the figures', async () => {
  const opened = await openPage(browser);
  const { page } = opened;
  await page.goto(server.url + '/#/data');
  const dialog = page.locator('#key-dialog');
  await dialog.waitFor({ state: 'visible' });
  await page.screenshot({ path: screenshotPath('key-prompt') });
  await page.locator('#key-input').fill('not-a-key');
  await page.keyboard.press('Enter');
  await page.locator('#key-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#key-error').textContent(), /refused that key: the API key is not valid/);
  await page.locator('#key-input').fill(data.key);
  await page.locator('#key-form button[type=submit]').click();
  await page.locator('table[data-table="snapshot"]').waitFor();
  assert.equal(await dialog.isVisible(), false);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('reelstat.apiKey')), data.key, 'kept for the tab');
  assert.equal(await page.evaluate(() => localStorage.length), 0, 'and nowhere else');
  await finish(opened, is401);
});

test('with --no-auth the page asks for nothing', async () => {
  const opened = await openPage(browser);
  await opened.page.goto(openServer.url + '/#/data');
  await opened.page.locator('table[data-table="ingest"]').waitFor();
  assert.equal(await opened.page.locator('#key-dialog').isVisible(), false);
  // The sample: 2,996 records (its README), one of them a second copy of an id.
  const cell = (what) => opened.page.locator('table[data-table="ingest"] tr', { has: opened.page.getByRole('rowheader', { name: what, exact: true }) }).locator('td');
  assert.equal(await cell('Records read').textContent(), '2,996');
  assert.equal(await cell('Loaded').textContent(), '2,995');
  assert.equal(await cell('Rejected: duplicate id').textContent(), '1');
  assert.match(await opened.page.locator('p.ok').textContent(), /2,996 = 2,995 \+ 1/);
  // Its tables have no API route of their own: their CSV is made in the page, numbers unformatted.
  const [download] = await Promise.all([opened.page.waitForEvent('download'),
    opened.page.getByRole('button', { name: 'Download CSV' }).nth(1).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.equal(download.suggestedFilename(), 'ingest.csv');
  assert.ok(csv.startsWith('What,Value\r\nRecords read,2996\r\nLoaded,2995\r\nRejected,1\r\n'), csv);
  await finish(opened);
});

test('the data view lists the runs, the held run with its failed checks, and the current run\'s changes', async () => {
  const opened = await openPage(browser);
  const { page } = opened;
  await page.goto(openServer.url + '/#/data');
  await page.locator('table[data-table="changed-movies"]').waitFor();
  const column = async (table, n) => page.locator(`table[data-table="${table}"] tbody tr`).evaluateAll(
    (rows, i) => rows.map((r) => r.cells[i].textContent), n);
  assert.deepEqual(await column('runs', 0), ['3', '2', '1'], 'newest first');
  assert.deepEqual(await column('runs', 3), ['held', 'published (current)', 'published']);
  assert.match((await column('runs', 8))[0], /^failed: movies, /);
  // prepareData's cut file: 478 movies against the sample's 2,995 (README).
  const held = await page.locator('table[data-table="held-3"] tr', { has: page.getByRole('rowheader', { name: 'movies', exact: true }) })
    .locator('td').allTextContents();
  assert.deepEqual(held.slice(0, 2), ['2995', '478']);
  const changes = (what) => page.locator('table[data-table="changes"] tr', { has: page.getByRole('rowheader', { name: what, exact: true }) })
    .locator('td').textContent();
  assert.equal(await changes('Movies changed'), '1');
  assert.equal(await changes('Changed: title'), '1');
  assert.equal(await changes('Movies added'), '0');
  assert.deepEqual(await column('changed-movies', 1), ["title: 'night, Mother → 'night, Mother (Restored)"]);
  await finish(opened);
});

test('a rate-limited key is told so plainly', async () => {
  const env = { ...process.env, REELSTAT_DATA_DIR: data.dir };
  const slow = execFileSync(binary, ['keys', 'create', '--name', 'slow', '--rate', '0.001', '--burst', '1'],
    { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  // The server picks a new key up within its poll interval (1 s); this spends its one request.
  for (let tries = 0; ; ++tries) {
    const r = await fetch(server.url + '/v1/dataset', { headers: { Authorization: 'Bearer ' + slow } });
    if (r.status === 200) break;
    assert.ok(tries < 50, 'the server never accepted the new key');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const opened = await keyedPage(1280, slow);
  const { page } = opened;
  await page.goto(server.url + '/#/genres');
  const notice = page.locator('#notice');
  await notice.waitFor({ state: 'visible' });
  assert.match(await notice.textContent(), /^Too many requests: this key's rate limit was reached\. Try again in \d+ s\.$/);
  await finish(opened, (e) => /status of 429/.test(e));
});

test('the Pixar page shows charts, and its table equals the API in both attributions', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/companies/3');
  await page.getByRole('heading', { name: 'Pixar Animation Studios' }).waitFor();
  assert.equal(await page.locator('figure.chart canvas').count(), 3, 'money, releases by genre, popularity');
  for (const caption of ['Budget, revenue and profit', 'Genre releases per year', 'Average popularity'])
    assert.ok(await page.locator('figure.chart figcaption', { hasText: caption }).count(), caption);
  checkYearTable(await yearTable(page), await api('/v1/companies/3/years'), 'full');
  await page.screenshot({ path: screenshotPath('company-pixar'), fullPage: true });

  await page.getByRole('radio', { name: 'Split' }).check();
  await page.waitForURL(/attribution=split/);
  await page.locator('.table-caption', { hasText: 'split attribution' }).waitFor();
  const split = await api('/v1/companies/3/years?attribution=split');
  const rows = await yearTable(page);
  checkYearTable(rows, split, 'split');
  // A Bug's Life (1998) is Pixar's and Disney's: split, Pixar carries half of its $120M budget.
  assert.equal(rows['1998'][1], '$60,000,000.00');
  await finish(opened);
});

test('a company with many years: every row equals the API', async () => {
  const opened = await keyedPage();
  await opened.page.goto(server.url + '/#/companies/6194?attribution=split');
  const body = await api('/v1/companies/6194/years?attribution=split');
  assert.ok(body.years.length >= 20, 'Warner Bros. has decades of figures in the sample');
  checkYearTable(await yearTable(opened.page), body, 'split');
  await finish(opened);
});

test('deep links keep their view, attribution and measure after a reload', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  const cases = [
    ['/#/companies/3?attribution=split', async () => {
      await page.getByRole('heading', { name: 'Pixar Animation Studios' }).waitFor();
      assert.equal(await page.getByRole('radio', { name: 'Split' }).isChecked(), true);
    }],
    ['/#/genres/16?attribution=split', async () => {
      await page.getByRole('heading', { name: 'Animation' }).waitFor();
      assert.equal(await page.getByRole('radio', { name: 'Split' }).isChecked(), true);
      await page.locator('figure.chart canvas').first().waitFor();
    }],
    ['/#/years/1995?by=revenue&attribution=split', async () => {
      await page.locator('table[data-table="genres"]').waitFor();
      assert.equal(await page.locator('#rank-by').inputValue(), 'revenue');
      // The measures offered are the API's own list, in its order, from the document it serves.
      const doc = await (await fetch(server.url + '/openapi.json')).json();
      const by = doc.paths['/v1/years/{year}/companies'].get.parameters.find((p) => p.name === 'by');
      assert.deepEqual(await page.locator('#rank-by option').evaluateAll((os) => os.map((o) => o.value)), by.schema.enum);
      assert.equal(await page.getByRole('radio', { name: 'Split' }).isChecked(), true);
      const top = (await api('/v1/years/1995/genres?by=revenue&attribution=split')).genres[0].genre.name;
      assert.equal(await page.locator('table[data-table="genres"] tbody tr').first().locator('a').textContent(), top);
    }],
    ['/#/companies/3/years/1998', async () => {
      await page.locator('table[data-table="movies"]').waitFor();
      assert.equal(await page.locator('table[data-table="movies"] tbody th').first().textContent(), "A Bug's Life");
    }],
  ];
  for (const [link, check] of cases) {
    await page.goto(server.url + link);
    await check();
    await page.reload();
    await check();
    assert.equal(new URL(page.url()).hash, link.slice(1), 'the link is kept');
  }
  await finish(opened);
});

// RFC 4180 lines into rows of cells (quotes doubled, CRLF between lines).
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; ++i; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; ++i; }
    else cell += c;
  }
  return rows;
}

test('the CSV download holds the JSON figures', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  // A same-document goto can return before the new view replaced the old one, so each case waits
  // for its own table and downloads with the button of that table.
  for (const [link, path, tableName, rowsOf] of [
    ['/#/companies/6194?attribution=split', '/v1/companies/6194/years?attribution=split', 'years', (b) => b.years],
    ['/#/years/1995?by=revenue&attribution=full', '/v1/years/1995/genres?by=revenue&attribution=full', 'genres', (b) => b.genres],
  ]) {
    await page.goto(server.url + link);
    const shown = page.locator(`table[data-table="${tableName}"]`);
    await shown.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.locator('section.table-block', { has: shown }).getByRole('button', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const [header, ...lines] = parseCsv(readFileSync(await download.path(), 'utf8'));
    const rows = rowsOf(await api(path));
    assert.equal(lines.length, rows.length, link);
    const column = (name) => header.indexOf(name);
    rows.forEach((r, i) => {
      for (const name of ['releases', 'budget.total', 'budget.movies', 'revenue.total', 'profit.total', 'popularity.average']) {
        const value = name.split('.').reduce((v, k) => v[k], r);
        const cell = lines[i][column(name)];
        assert.ok(column(name) >= 0, name);
        if (value === null) assert.equal(cell, '', `${link} row ${i} ${name}`);
        else assert.equal(Number(cell), Number(value), `${link} row ${i} ${name}`);
      }
    });
  }
  await finish(opened);
});

const VIEWS = [
  ['home', '/#/', 'h1'],
  ['companies', '/#/companies?q=pictures', 'ul.owners'],
  ['company-pixar', '/#/companies/3', 'figure.chart canvas'],
  ['genres', '/#/genres', 'ul.owners'],
  ['genre-animation', '/#/genres/16', 'figure.chart canvas'],
  ['movies', '/#/companies/6194/years/1995', 'table[data-table="movies"]'],
  ['year', '/#/years/1995', 'table[data-table="companies"]'],
  ['most-popular', '/#/most-popular', 'ol.timeline'],
  ['data', '/#/data', 'table[data-table="ingest"]'],
  ['compare', '/#/compare?companies=3,6194,33', 'figure.chart canvas'],
];

test('every view fits a 390 px screen without sideways scrolling, and is photographed', async () => {
  for (const width of [390, 1280]) {
    const opened = await keyedPage(width);
    const { page } = opened;
    for (const [name, link, ready] of VIEWS) {
      await page.goto(server.url + link);
      await page.locator(ready).first().waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => {});
      const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(scroll <= client, `${name} at ${width} px: page is ${scroll} px wide in a ${client} px window`);
      await page.screenshot({ path: screenshotPath(`${name}-${width}`), fullPage: true });
    }
    await finish(opened);
  }
});

test('the keyboard reaches the views and their controls', async () => {
  const opened = await keyedPage();
  const { page } = opened;
  await page.goto(server.url + '/#/');
  await page.locator('h1').waitFor();
  // Tab from the top: the skip link, the brand, then the views.
  const reached = [];
  for (let i = 0; i < 8; ++i) {
    await page.keyboard.press('Tab');
    reached.push(await page.evaluate(() => document.activeElement.textContent.trim()));
  }
  assert.ok(reached.includes('Companies') && reached.includes('Years') && reached.includes('Data'), reached.join(' | '));
  // The search box takes focus on its view; typing and Enter find Pixar; Enter on the link opens it.
  // Enter searches at once, so the search that typing would start after a pause is not asked as
  // well: it would redraw the results under the focused link, and take the reader back to the list.
  const searches = [];
  page.on('request', (r) => { if (r.url().includes('/v1/companies?q=pixar')) searches.push(r.url()); });
  await page.goto(server.url + '/#/companies');
  await page.locator('#company-search:focus').waitFor();
  await page.keyboard.type('pixar');
  await page.keyboard.press('Enter');
  const result = page.getByRole('link', { name: 'Pixar Animation Studios' });
  await result.waitFor();
  await result.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Pixar Animation Studios' }).waitFor();
  await page.waitForTimeout(SEARCH_PAUSE_MS * 2);
  assert.equal(searches.length, 1, searches.join(' '));
  assert.match(page.url(), /#\/companies\/3$/);
  // The attribution is a radio group: arrow keys change it.
  await page.getByRole('radio', { name: 'Full' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForURL(/attribution=split/);
  await page.locator('.table-caption', { hasText: 'split attribution' }).waitFor();
  // The redrawn view gives focus back to the control that changed it.
  await page.waitForFunction(() => document.activeElement.matches('input[name="attribution"][value="split"]'));
  await page.keyboard.press('ArrowLeft');
  await page.waitForURL(/attribution=full/);
  await finish(opened);
});

test('the API page (/docs) renders the OpenAPI document, the CSV parameter included', async () => {
  const opened = await openPage(browser);
  await opened.page.goto(server.url + '/docs');
  await opened.page.locator('section', { hasText: '/v1/companies/{id}/years' }).first().waitFor();
  assert.ok(await opened.page.locator('td', { hasText: /^format$/ }).count() >= 9, 'format on every row route');
  await finish(opened);
});
