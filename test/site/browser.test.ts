// The built site in a real browser (Debian's Chromium through playwright-core): built on
// synthetic datasets under a base path, served on 127.0.0.1, crawled page by page, and
// opened from disk. Every page loads without console errors or failed requests, nothing is
// requested outside the site, every figure draws marks, every internal link resolves, and
// the run table sorts and filters.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { duration, durationExact, number } from '../../site/lib/format.js';
import { writeSyntheticDatasets, type SyntheticDatasets } from '../fixtures/synthetic-datasets.js';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const BASE = '/sparsity/';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.json': 'application/json',
};

let work: string;
let out: string;
let server: Server;
let origin: string;
let browser: Browser;
let buildSeconds = 0;
let datasets: SyntheticDatasets;

function build(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'node_modules', 'astro', 'astro.js'), 'build'], {
      cwd: process.cwd(),
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => (code === 0 ? resolve(log) : reject(new Error(`astro build exited ${code}:\n${log.slice(-4000)}`))));
  });
}

/** A tiny static server for the built site under BASE, on the loopback address only. */
function serve(root: string): Promise<Server> {
  const s = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    if (!path.startsWith(BASE)) {
      res.writeHead(404).end('outside the base path');
      return;
    }
    const file = normalize(join(root, path.slice(BASE.length) || 'index.html'));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

interface Problems {
  console: string[];
  failed: string[];
  external: string[];
  dialogs: string[];
}

/** Browser contexts a test opened; closed after each test, also when it fails. */
const openContexts: BrowserContext[] = [];

/** A fresh page that records every console error, failed or external request and dialog in `problems`. */
async function watchedPage(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: Problems }> {
  const problems: Problems = { console: [], failed: [], external: [], dialogs: [] };
  const context = await browser.newContext({ viewport });
  openContexts.push(context);
  // Nothing may leave the site: any request to another origin is refused and recorded.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    problems.external.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.console.push(`${page.url()}: ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.console.push(`${page.url()}: ${e.message}`));
  page.on('requestfailed', (r) => problems.failed.push(`${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.failed.push(`${r.url()} (${r.status()})`);
  });
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, problems };
}

/** Waits until every figure of the page has been made interactive (or given up on). */
async function figuresSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => Array.from(document.querySelectorAll('figure[data-figure]')).every((f) => (f as HTMLElement).dataset.live), undefined, { timeout: 20_000 });
}

/** Figures of the page with no drawn marks, and figures that failed to become interactive. */
async function figureProblems(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('figure[data-figure]')).flatMap((f) => {
      const marks = f.querySelectorAll('.fig-canvas svg .role-mark path, .fig-canvas svg .role-mark line').length;
      const out: string[] = [];
      if (marks === 0) out.push(`${f.id}: no marks drawn`);
      if (f.dataset.live !== 'true') out.push(`${f.id}: not interactive (${f.dataset.live})`);
      return out;
    }),
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the browser tests use Debian's Chromium (apt-get install -y chromium)`);
  work = mkdtempSync(join(tmpdir(), 'site-browser-'));
  out = join(work, 'dist');
  // H7 comes out contradicted: the site must show that as plainly as a support.
  datasets = writeSyntheticDatasets(join(work, 'data'), { scale: 'quick', contradict: [7] });
  const started = Date.now();
  await build({ SITE_DATA_DIR: join(work, 'data'), SITE_OUT_DIR: out, SITE_BASE: BASE, SITE_CACHE_DIR: join(work, 'cache') });
  buildSeconds = (Date.now() - started) / 1000;
  server = await serve(out);
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}, 300_000);

afterEach(async () => {
  await Promise.all(openContexts.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(() => r(null)) : r(null)));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the built site', () => {
  it('builds on synthetic data', () => {
    // About 45 s alone on two cores; not asserted, since other test files may share the CPU.
    console.log(`site build: ${buildSeconds.toFixed(1)} s`);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(existsSync(join(out, 'assets', 'site.js'))).toBe(true);
  });

  it('loads every page cleanly, draws every figure and resolves every internal link', async () => {
    const { page, problems } = await watchedPage();
    const start = `${origin}${BASE}index.html`;
    const queue = [start];
    const seen = new Set(queue);
    const files = new Set<string>();
    const anchors: Array<{ from: string; page: string; id: string }> = [];
    const ids = new Map<string, Set<string>>();
    const figureIssues: string[] = [];
    let figures = 0;
    while (queue.length > 0) {
      const url = queue.shift()!;
      const response = await page.goto(url);
      expect(response?.status(), url).toBe(200);
      await figuresSettled(page);
      figureIssues.push(...(await figureProblems(page)).map((p) => `${url}: ${p}`));
      figures += await page.locator('figure[data-figure]').count();
      ids.set(url, new Set(await page.evaluate(() => Array.from(document.querySelectorAll('[id]')).map((e) => e.id))));
      const links = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href]')).map((a) => a.href));
      for (const link of links) {
        const target = new URL(link);
        if (target.origin !== origin) continue;
        const bare = `${target.origin}${target.pathname}`;
        if (target.hash) anchors.push({ from: url, page: bare, id: decodeURIComponent(target.hash.slice(1)) });
        if (bare.endsWith('.html')) {
          if (!seen.has(bare)) {
            seen.add(bare);
            queue.push(bare);
          }
        } else files.add(bare);
      }
    }
    for (const file of files) {
      const res = await fetch(file);
      expect(res.status, file).toBe(200);
      expect((await res.arrayBuffer()).byteLength, file).toBeGreaterThan(0);
    }
    const brokenAnchors = anchors.filter((a) => !(ids.get(a.page)?.has(a.id) ?? false)).map((a) => `${a.from} -> ${a.page}#${a.id}`);
    console.log(`crawled ${seen.size} pages, ${figures} figures, ${files.size} files, ${anchors.length} anchors`);
    expect(seen.size).toBeGreaterThan(60);
    expect(figures).toBeGreaterThan(200);
    expect(problems.console).toEqual([]);
    expect(problems.failed).toEqual([]);
    expect(problems.external).toEqual([]);
    expect(problems.dialogs).toEqual([]);
    expect(figureIssues).toEqual([]);
    expect([...new Set(brokenAnchors)]).toEqual([]);
  }, 180_000);

  it('shows the verdicts, the contradicted one plainly, and escapes text from run records', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}index.html`);
    const rows = page.locator('table.verdicts tbody tr');
    expect(await rows.count()).toBe(9);
    expect(await rows.nth(6).locator('.badge').innerText()).toMatch(/contradicted/);
    expect(await rows.nth(1).locator('.badge').innerText()).toMatch(/supported/);
    // The synthetic task study has a configuration without a record: every page says the study is unfinished.
    const pending = new Set(datasets.studies.rows.flatMap((s) => s.pending));
    const recorded = new Set(datasets.studies.rows.flatMap((s) => s.members.map((m) => m.run)).filter((id) => !pending.has(id)));
    expect(pending.size).toBeGreaterThan(0);
    // Verdicts whose studies have pending configurations say they are provisional, and how many.
    for (let h = 1; h <= 9; h++) {
      const n = new Set(datasets.studies.rows.filter((s) => s.hypotheses.includes(h)).flatMap((s) => s.pending)).size;
      const marker = rows.nth(h - 1).locator('[data-provisional]');
      if (n === 0) expect(await marker.count(), `H${h}`).toBe(0);
      else expect(await marker.innerText(), `H${h}`).toBe(`provisional: ${n} pending`);
    }
    expect(new Set(datasets.studies.rows.filter((s) => s.hypotheses.includes(5)).flatMap((s) => s.pending)).size).toBeGreaterThan(0);
    for (const path of ['index.html', 'methods.html', 'studies/task.html']) {
      await page.goto(`${origin}${BASE}${path}`);
      expect(await page.locator('[data-progress]').innerText(), path).toContain(`${recorded.size} of ${recorded.size + pending.size} configurations have a record, ${pending.size}`);
    }
    await page.goto(`${origin}${BASE}runs.html`);
    await page.selectOption('#runs-status', 'failed');
    await page.locator('table[data-runs-table] tbody tr:not([hidden]) a').first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('.failure').innerText()).toContain('<script>alert("not escaped")</script>');
    expect(problems.dialogs).toEqual([]);
  }, 60_000);

  it('shows every field of a run\'s configuration and its provenance, escaped', async () => {
    // Every leaf of the configuration as a dotted path, with its value as text.
    const leaves = (v: unknown, path: string): Array<[string, string]> => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
      return [[path, Array.isArray(v) ? `[${v.join(', ')}]` : String(v)]];
    };
    const { page, problems } = await watchedPage();
    const complete = datasets.runs.rows.find((r) => r.status === 'complete' && r.studies.includes('emergence') && r.resumedFrom.length === 0)!;
    const failed = datasets.runs.rows.find((r) => r.status === 'failed')!;
    for (const run of [complete, failed]) {
      const url = `${origin}${BASE}runs/${run.run}.html`;
      await page.goto(url);
      const fields = await page.locator('table[data-config] tr[data-config-field]').evaluateAll((rows) =>
        rows.map((r) => [(r as HTMLElement).dataset.configField, r.querySelector('td')?.textContent ?? ''] as [string, string]),
      );
      const expected = leaves(run.config, '');
      expect(expected.length, url).toBeGreaterThan(30);
      expect(Object.fromEntries(fields), url).toEqual(Object.fromEntries(expected));
      expect(fields, url).toHaveLength(expected.length);
      expect(JSON.parse(await page.locator('.config-json pre').textContent() ?? ''), url).toEqual(run.config);

      const provenance = Object.fromEntries(
        await page.locator('table[data-provenance-table] tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('th')?.textContent ?? '', r.querySelector('td')?.textContent ?? ''] as [string, string])),
      );
      expect(provenance, url).toMatchObject({
        status: run.status,
        'code version': run.codeVersion,
        'TensorFlow.js': run.tfjsVersion,
        backend: run.backend,
        'backend detail': run.backendDetail,
        'Node.js': run.node,
        platform: run.platform,
        started: run.startedAt,
        ended: run.endedAt,
        'wall time': durationExact(run.wallSeconds),
        'training time': durationExact(run.trainSeconds),
        'measurement time': durationExact(run.measureSeconds),
        'training speed': `${number(run.imagesPerSecond)} images/s`,
      });
      // The markup in the backend detail is text on the page, escaped in its source.
      expect(run.backendDetail).toContain('<simd>');
      const html = readFileSync(join(out, 'runs', `${run.run}.html`), 'utf8');
      expect(html).not.toContain('<simd>');
      expect(html).toContain('&lt;simd&gt;');
      // The footer names the data folder without the build machine's absolute path.
      const footer = await page.locator('footer [data-provenance]').innerText();
      expect(footer).toContain('Built from the datasets in data/quick/datasets, outside the repository');
      expect(footer).not.toContain(work);
      expect(provenance['continued after a kill'], url).toBeUndefined();
    }
    // A run continued from its snapshot says so, and from which iteration.
    const resumed = datasets.runs.rows.find((r) => r.resumedFrom.length > 0)!;
    await page.goto(`${origin}${BASE}runs/${resumed.run}.html`);
    const row = page.locator('table[data-provenance-table] tr', { hasText: 'continued after a kill' });
    expect(await row.locator('td').innerText()).toContain(`from the snapshot at iteration ${resumed.resumedFrom[0]}`);
    expect(problems.console).toEqual([]);
    expect(problems.dialogs).toEqual([]);
  }, 60_000);

  it('lists every pruned run of the pruning study before and after, as the dataset has it', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}studies/pruning.html`);
    const study = datasets.studies.rows.find((s) => s.study === 'pruning')!;
    const members = new Set(study.members.map((m) => m.run));
    const byRun = new Map(datasets.pruning.rows.map((p) => [p.run, p]));
    const tables = page.locator('table[data-pruning-table]');
    const rows = await tables.first().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(rows.map((r) => r[0]).sort()).toEqual([...members].filter((m) => byRun.has(m)).sort());
    for (const r of rows) {
      const p = byRun.get(r[0])!;
      expect(r[3], r[0]).toBe(`${p.removedFilters.toLocaleString('en-US')} of ${p.filtersBefore.toLocaleString('en-US')}`);
      expect(r[4], r[0]).toBe(`${p.paramsBefore.toLocaleString('en-US')} → ${p.paramsAfter.toLocaleString('en-US')}`);
      expect(r[7], r[0]).toBe(`${(p.imagesPerSecondAfter / p.imagesPerSecondBefore).toFixed(2)}×`);
    }
    // The other runs with dead filters: exactly those outside the study that removed any.
    const others = datasets.pruning.rows.filter((p) => !members.has(p.run) && p.removedFilters > 0).map((p) => p.run).sort();
    expect(others.length).toBeGreaterThan(0);
    expect((await tables.nth(1).locator('tbody tr td:first-child').allTextContents()).sort()).toEqual(others);
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('says on the reproduce page what the shown runs cost', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}reproduce.html`);
    const runs = datasets.runs.rows;
    const text = await page.locator('[data-compute]').innerText();
    expect(text).toContain(`The ${runs.length} runs shown here took ${duration(runs.reduce((s, r) => s + r.wallSeconds, 0))} of worker time`);
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('sorts and filters the run table', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}runs.html`);
    const table = page.locator('table[data-runs-table]');
    const column = async (index: number) =>
      table.evaluate((t, i) => Array.from((t as HTMLTableElement).tBodies[0].rows).filter((r) => !r.hidden).map((r) => r.cells[i].dataset.value ?? r.cells[i].textContent ?? ''), index);
    const headers = await table.locator('thead th').allInnerTexts();
    const sparsity = headers.findIndex((h) => h.startsWith('sparsity (act.)'));
    const header = table.locator('thead th').nth(sparsity);
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const up = (await column(sparsity)).filter((v) => v !== '').map(Number);
    expect(up.length).toBeGreaterThan(10);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const down = (await column(sparsity)).filter((v) => v !== '').map(Number);
    expect(down).toEqual([...up].sort((a, b) => b - a));

    const total = await table.locator('tbody tr').count();
    await page.fill('#runs-filter', 'rmsprop');
    const optimizer = headers.indexOf('optimizer');
    const shown = await column(optimizer);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(total);
    expect(new Set(shown)).toEqual(new Set(['rmsprop']));
    expect(await page.locator('#runs-count').innerText()).toBe(`Showing ${shown.length} of ${total} runs`);
    await page.fill('#runs-filter', '');
    await page.selectOption('#runs-study', 'emergence');
    expect(await column(optimizer)).toHaveLength(3);
    await page.selectOption('#runs-study', '');
    await page.selectOption('#runs-status', 'diverged');
    const status = headers.indexOf('status');
    expect(new Set(await column(status))).toEqual(new Set(['diverged']));
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('works opened from disk, on a phone, by keyboard, and in both themes', async () => {
    const { page, problems } = await watchedPage({ width: 390, height: 844 });
    for (const path of ['index.html', 'studies/optimizer.html', 'runs.html']) {
      await page.goto(pathToFileURL(join(out, path)).href);
      await figuresSettled(page);
      expect(await figureProblems(page), path).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
    }
    const runLink = await page.locator('table[data-runs-table] tbody a').first().getAttribute('href');
    const from = page.url();
    // Wait for the run page itself: checking right after the click would look at the page being left.
    await Promise.all([page.waitForURL((u) => u.href !== from), page.click(`a[href="${runLink}"]`)]);
    await figuresSettled(page);
    expect(await figureProblems(page)).toEqual([]);

    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await bg();
    await page.click('[data-theme-toggle]');
    expect(await page.getAttribute('html', 'data-theme')).toBe('dark');
    expect(await bg()).not.toBe(light);
    expect(problems.console).toEqual([]);
    expect(problems.failed).toEqual([]);
    expect(problems.external).toEqual([]);
  }, 60_000);
});
