// A real reelstat server on the bundled sample, and Debian's chromium driven by playwright-core,
// for the dashboard's browser tests and its benchmark (bench/dashboard.mjs).
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = process.env.REELSTAT_BIN || path.join(root, 'build/reelstat');
export const artifacts = process.env.REELSTAT_ARTIFACTS || path.join(root, 'build/artifacts/dashboard');

// A data dir with three runs and one API key; removed by cleanup(). Run 1 is the sample; run 2, the
// current one, the sample with one title revised (every figure the same; its change report names
// that movie); run 3 the first 478 records, a cut download that the gate holds.
export function prepareData() {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelstat-browser-'));
  const env = { ...process.env, REELSTAT_DATA_DIR: dir };
  const samplePath = path.join(root, 'tests/data/movies_metadata.sample.csv');
  execFileSync(binary, ['ingest', samplePath], { env, stdio: 'ignore' });
  const sample = readFileSync(samplePath, 'utf8');
  const revised = path.join(dir, 'revised.csv'), cut = path.join(dir, 'cut.csv');
  writeFileSync(revised, sample.replaceAll("'night, Mother", "'night, Mother (Restored)"));
  execFileSync(binary, ['ingest', revised], { env, stdio: 'ignore' });
  let at = 0;
  for (let record = 0; record < 479; ++record) at = sample.indexOf('\nFalse,', at + 1);
  writeFileSync(cut, sample.slice(0, at + 1));
  const held = spawnSync(binary, ['ingest', cut], { env, stdio: 'ignore' });
  if (held.status !== 4) throw new Error(`the cut file was not held by the gate (exit ${held.status})`);
  const key = execFileSync(binary, ['keys', 'create', '--name', 'browser'], { env, stdio: ['ignore', 'pipe', 'ignore'] })
    .toString().trim();
  return { dir, key, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// `reelstat serve` on a free loopback port; resolves once it says where it listens.
export function startServer(dataDir, extraArgs = [], config = null) {
  const args = ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...extraArgs];
  if (config) {
    const file = path.join(dataDir, `serve-${Date.now()}.toml`);
    writeFileSync(file, config);
    args.push('--config', file);
  }
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + log)), 15000);
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        child.stderr.resume();
        resolve({ url: m[1], stop: () => stopProcess(child) });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${log}`)));
  });
}

function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
}

// Chromium as the machine has it; no background network (this machine has none to reach).
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

// A page that records console errors and page errors, and fails every request that would leave
// loopback (recording it): the dashboard must need no other host.
export async function openPage(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = { consoleErrors: [], offHost: [] };
  page.on('console', (m) => { if (m.type() === 'error') problems.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => problems.consoleErrors.push(String(e)));
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return route.continue();
    problems.offHost.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  return { context, page, problems };
}

export function screenshotPath(name) {
  mkdirSync(artifacts, { recursive: true });
  return path.join(artifacts, `${name}.png`);
}

// An API answer's JSON, read with the key; anything but a 200 fails the test.
export async function apiJson(url, key, path) {
  const r = await fetch(url + path, { headers: { Authorization: 'Bearer ' + key } });
  assert.equal(r.status, 200, path);
  return r.json();
}

// A page whose tab already holds the key: it must never meet a 401, so any console error fails.
export async function openKeyedPage(browser, key, width = 1280) {
  const opened = await openPage(browser, { width });
  await opened.context.addInitScript((k) => sessionStorage.setItem('reelstat.apiKey', k), key);
  return opened;
}

// Closes a page's context, then fails on any request that left loopback or console error
// (but those `allowedConsole` expects).
export async function finish({ context, problems }, allowedConsole = () => false) {
  await context.close();
  assert.deepEqual(problems.offHost, [], 'no request may leave loopback');
  assert.deepEqual(problems.consoleErrors.filter((e) => !allowedConsole(e)), [], 'no console errors');
}
