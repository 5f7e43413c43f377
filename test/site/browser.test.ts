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
import { writeSyntheticDatasets, type SyntheticDatasets } from '../../pipeline/synthetic-study.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { verdictSnapshot } from '../../site/lib/changes.js';
import { locateData } from '../../site/lib/data.js';
import { buildSite } from '../../site/lib/site.js';
import { dataVersion } from '../../site/lib/versions.js';
import { LAYOUT } from '../../site/lib/parallel-coordinates.js';
import type { VerdictSnapshot } from '../../data/schemas/verdict-snapshot.js';

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
  '.gz': 'application/gzip',
};

let work: string;
let out: string;
let server: Server;
let origin: string;
let browser: Browser;
let buildSeconds = 0;
let datasets: SyntheticDatasets;
/** The published version the changes page compares with: the current verdicts, with H2 and one run altered. */
let snapshot: VerdictSnapshot;

/** Keeps a "v1" in the synthetic data that differs from the build in known ways: one run fewer, H2's outcome and effect moved, a rule commit after it. */
function writeVersion(root: string): VerdictSnapshot {
  const source = locateData({ SITE_DATA_DIR: root });
  if (source.kind !== 'loaded') throw new Error(source.missing.reason);
  const d = source.data;
  const site = buildSite(d.datasets, { scale: d.scale, folder: d.folder, root: d.root, missingReason: null });
  const v1 = verdictSnapshot(
    site.verdicts,
    site.runs.slice(1).map((r) => r.run),
    {
      version: 'v1',
      scale: d.scale,
      commit: 'a8bb79b00000',
      committedAt: '2026-01-01T00:00:00Z',
      dataVersion: dataVersion(d.folder),
    },
  );
  const h2 = v1.verdicts.find((v) => v.hypothesis === 2)!;
  h2.outcome = h2.outcome === 'supported' ? 'contradicted' : 'supported';
  h2.effect.value = (h2.effect.value ?? 0) - 0.05;
  const folder = join(d.folder, '..', 'verdicts');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'v1.json'), JSON.stringify(v1));
  writeFileSync(
    join(folder, 'rule-commits.json'),
    JSON.stringify({
      changes: [
        { commit: 'fb7391a00000', committedAt: '2025-12-01T00:00:00Z', hypotheses: [1], subject: 'Rule H1 before v1' },
        { commit: 'd006936abcde', committedAt: '2026-02-01T00:00:00Z', hypotheses: [7], subject: 'Study v2 rule H7 after v1' },
      ],
    }),
  );
  return v1;
}

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
async function watchedPage(
  viewport = { width: 1280, height: 900 },
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ page: Page; problems: Problems }> {
  const problems: Problems = { console: [], failed: [], external: [], dialogs: [] };
  const context = await browser.newContext({ viewport, acceptDownloads: true, ...options });
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

/** Brings each figure of the page into view, as a reader scrolling down would, and waits until it is live (or given up on). */
async function figuresSettled(page: Page): Promise<void> {
  const figures = page.locator('figure[data-figure]');
  const n = await figures.count();
  // Past each figure once (the page queues every figure that comes near), then until all are drawn.
  for (let i = 0; i < n; i++) await figures.nth(i).scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll('figure[data-figure]')).every((f) => ['true', 'failed'].includes((f as HTMLElement).dataset.live ?? '')),
    undefined,
    { timeout: 60_000 },
  );
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
  snapshot = writeVersion(join(work, 'data'));
  const started = Date.now();
  await build({ SITE_DATA_DIR: join(work, 'data'), SITE_OUT_DIR: out, SITE_BASE: BASE, SITE_CACHE_DIR: join(work, 'cache') });
  buildSeconds = (Date.now() - started) / 1000;
  server = await serve(out);
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}, 600_000);

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
        if (target.hash && !target.hash.includes('=')) anchors.push({ from: url, page: bare, id: decodeURIComponent(target.hash.slice(1)) });
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
  }, 420_000);

  it('draws every figure without JavaScript, from its picture file, from http and from disk', async () => {
    const run = datasets.runs.rows.find((r) => r.status === 'complete' && r.studies.includes('emergence'))!.run;
    for (const base of [`${origin}${BASE}`, `${pathToFileURL(out).href}/`]) {
      const { page, problems } = await watchedPage({ width: 390, height: 844 }, { javaScriptEnabled: false });
      for (const path of ['studies/emergence.html', `runs/${run}.html`, 'index.html']) {
        await page.goto(`${base}${path}`);
        const figures = page.locator('figure[data-figure]');
        const n = await figures.count();
        expect(n, path).toBeGreaterThan(0);
        for (let i = 0; i < n; i++) {
          await figures.nth(i).scrollIntoViewIfNeeded();
          const img = figures.nth(i).locator('.fig-canvas img');
          await expect
            .poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), { timeout: 10_000 })
            .toBe(true);
        }
        const pictures = await figures.evaluateAll((fs) =>
          fs.map((f) => {
            const img = f.querySelector<HTMLImageElement>('.fig-canvas img');
            return {
              id: f.id,
              lazy: img?.loading,
              alt: img?.alt === (f as HTMLElement).dataset.alt,
              live: (f as HTMLElement).dataset.live ?? null,
              ratio: img ? img.naturalWidth / Number(img.getAttribute('width')) : 0,
            };
          }),
        );
        for (const p of pictures) {
          expect(p, `${path}#${p.id}`).toMatchObject({ lazy: 'lazy', alt: true, live: null });
          // Drawn at twice its size, so that it is sharp on a high-density screen.
          expect(p.ratio, `${path}#${p.id}`).toBeCloseTo(2, 1);
        }
        // Nothing made in the browser is offered when there is no script to make it.
        expect(await page.locator('button[data-figure-download]:visible').count(), path).toBe(0);
      }
      expect(problems.failed, base).toEqual([]);
      expect(problems.external, base).toEqual([]);
    }
  }, 90_000);

  it('makes a figure live only when the reader comes near it, and then offers its SVG and JSON', async () => {
    const { page, problems } = await watchedPage({ width: 390, height: 844 });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${origin}${BASE}studies/emergence.html`);
    await page.waitForLoadState('networkidle');
    const figures = page.locator('figure[data-figure]');
    const last = figures.last();
    const id = await last.getAttribute('id');
    const top = await last.evaluate((f) => f.getBoundingClientRect().top);
    expect(top, 'the last figure starts well below the first screen').toBeGreaterThan(844 + 600);
    expect(await last.getAttribute('data-live')).toBeNull();
    expect(requested.filter((u) => u.endsWith(`/studies/emergence/${id}.js`))).toEqual([]);
    await figures.first().and(page.locator('[data-live="true"]')).waitFor({ timeout: 20_000 });
    expect(await last.getAttribute('data-live')).toBeNull();

    await last.scrollIntoViewIfNeeded();
    await last.and(page.locator('[data-live="true"]')).waitFor({ timeout: 20_000 });
    expect(requested.filter((u) => u.endsWith(`/studies/emergence/${id}.js`))).toHaveLength(1);
    expect(await last.locator('.fig-canvas img').count()).toBe(0);
    expect(await last.locator('.fig-canvas svg .role-mark').count()).toBeGreaterThan(0);

    const site = buildSite(datasets, { scale: 'quick', folder: join(work, 'data'), missingReason: null });
    const figure = site.figures.find((f) => f.route === 'studies/emergence' && f.id === id)!;
    const save = async (kind: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), last.locator(`button[data-figure-download="${kind}"]`).click()]);
      expect(download.suggestedFilename()).toBe(`${id}.${kind}`);
      return readFileSync((await download.path())!, 'utf8');
    };
    expect(JSON.parse(await save('json'))).toEqual(figure.rows);
    const svg = await save('svg');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/role-mark/);
    expect(problems.console).toEqual([]);
    expect(problems.failed).toEqual([]);
  }, 60_000);

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
      expect(await page.locator('[data-progress]').innerText(), path).toContain(
        `${recorded.size} of ${recorded.size + pending.size} configurations have a record, ${pending.size}`,
      );
    }
    await page.goto(`${origin}${BASE}runs.html`);
    await page.selectOption('#runs-status', 'failed');
    await page.locator('table[data-runs-table] tbody tr:not([hidden]) a').first().click();
    await page.waitForLoadState('load');
    expect(await page.locator('.failure').innerText()).toContain('<script>alert("not escaped")</script>');
    expect(problems.dialogs).toEqual([]);
  }, 60_000);

  it("shows every field of a run's configuration and its provenance, escaped", async () => {
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
      const fields = await page
        .locator('table[data-config] tr[data-config-field]')
        .evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.configField, r.querySelector('td')?.textContent ?? ''] as [string, string]));
      const expected = leaves(run.config, '');
      expect(expected.length, url).toBeGreaterThan(30);
      expect(Object.fromEntries(fields), url).toEqual(Object.fromEntries(expected));
      expect(fields, url).toHaveLength(expected.length);
      expect(JSON.parse((await page.locator('.config-json pre').textContent()) ?? ''), url).toEqual(run.config);

      const provenance = Object.fromEntries(
        await page
          .locator('table[data-provenance-table] tr')
          .evaluateAll((rows) => rows.map((r) => [r.querySelector('th')?.textContent ?? '', r.querySelector('td')?.textContent ?? ''] as [string, string])),
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
    const rows = await tables
      .first()
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    expect(rows.map((r) => r[0]).sort()).toEqual([...members].filter((m) => byRun.has(m)).sort());
    for (const r of rows) {
      const p = byRun.get(r[0])!;
      expect(r[3], r[0]).toBe(`${p.removedFilters.toLocaleString('en-US')} of ${p.filtersBefore.toLocaleString('en-US')}`);
      expect(r[4], r[0]).toBe(`${p.paramsBefore.toLocaleString('en-US')} → ${p.paramsAfter.toLocaleString('en-US')}`);
      expect(r[7], r[0]).toBe(`${(p.imagesPerSecondAfter / p.imagesPerSecondBefore).toFixed(2)}×`);
    }
    // The other runs with dead filters: exactly those outside the study that removed any.
    const others = datasets.pruning.rows
      .filter((p) => !members.has(p.run) && p.removedFilters > 0)
      .map((p) => p.run)
      .sort();
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
      table.evaluate(
        (t, i) =>
          Array.from((t as HTMLTableElement).tBodies[0].rows)
            .filter((r) => !r.hidden)
            .map((r) => r.cells[i].dataset.value ?? r.cells[i].textContent ?? ''),
        index,
      );
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

describe('the reviewer tools', () => {
  const complete = () => datasets.runs.rows.filter((r) => r.status === 'complete');
  /** Three complete runs of different configurations, in the order the link names them. */
  const chosen = () => {
    const runs = complete();
    return [runs[0], runs.find((r) => r.optimizer !== runs[0].optimizer)!, runs[runs.length - 1]].map((r) => r.run);
  };
  const legend = (page: Page, chart: string) => page.locator(`[data-compare-chart="${chart}"] svg .role-legend-label text`).allTextContents();

  async function openComparison(page: Page, url: string, runs: string[]): Promise<void> {
    await page.goto(url);
    await page.waitForFunction(
      () => ['ready', 'failed'].includes((document.querySelector('[data-compare]') as HTMLElement | null)?.dataset.state ?? ''),
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.getAttribute('[data-compare]', 'data-state'), url).toBe('ready');
    // The diff's columns are exactly the named runs, in order.
    const heads = await page.locator('[data-compare-config] thead th[data-run]').evaluateAll((ths) => ths.map((th) => (th as HTMLElement).dataset.run));
    expect(heads, url).toEqual(runs);
    // Only differing fields show at first; every one of them differs, and they include the optimizer.
    const shown = await page
      .locator('[data-compare-config] tbody tr:not([hidden])')
      .evaluateAll((trs) => trs.map((tr) => [(tr as HTMLElement).dataset.field, (tr as HTMLElement).dataset.differs]));
    expect(shown.length, url).toBeGreaterThan(0);
    expect(
      shown.every(([, d]) => d === 'true'),
      url,
    ).toBe(true);
    expect(
      shown.map(([f]) => f),
      url,
    ).toContain('optimizer.name');
    const configs = runs.map((id) => datasets.runs.rows.find((r) => r.run === id)!.config as Record<string, Record<string, unknown>>);
    // A field one run lacks (an update rule's own hyperparameter) differs too.
    const keys = [...new Set(configs.flatMap((c) => Object.keys(c.optimizer)))];
    const expectedDiffering = keys.filter((k) => new Set(configs.map((c) => JSON.stringify(c.optimizer[k] ?? null))).size > 1).map((k) => `optimizer.${k}`);
    expect(
      shown
        .map(([f]) => f)
        .filter((f) => f?.startsWith('optimizer.'))
        .sort(),
      url,
    ).toEqual(expectedDiffering.sort());
    // Overlaid curves, layers and emergence: one legend entry per named run, no other.
    for (const chart of ['curves', 'layers', 'emergence'])
      expect((await legend(page, chart)).sort(), `${url} ${chart}`).toEqual(runs.map((r) => r.slice(0, 8)).sort());
    const marks = await page.locator('[data-compare-chart="curves"] svg .role-mark path').count();
    expect(marks, url).toBeGreaterThanOrEqual(runs.length);
  }

  it('opens a comparison link cold, from http and from disk, on a phone and in both themes', async () => {
    const runs = chosen();
    const cases = [
      { url: `${origin}${BASE}compare.html#runs=${runs.join(',')}`, viewport: { width: 1280, height: 900 }, scheme: 'light' as const },
      { url: `${pathToFileURL(join(out, 'compare.html')).href}#runs=${runs.join(',')}`, viewport: { width: 390, height: 844 }, scheme: 'dark' as const },
    ];
    for (const c of cases) {
      const { page, problems } = await watchedPage(c.viewport);
      await page.emulateMedia({ colorScheme: c.scheme });
      await openComparison(page, c.url, runs);
      // Every field on demand: the full configuration, differing or not.
      await page.check('[data-compare-all-fields]');
      const all = await page.locator('[data-compare-config] tbody tr:not([hidden])').count();
      // Every field of any of the runs (one rule's hyperparameter is absent from another's configuration).
      const paths = (v: unknown, at: string): string[] =>
        v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
          ? Object.entries(v).flatMap(([k, x]) => paths(x, at ? `${at}.${k}` : k))
          : [at];
      expect(all).toBe(new Set(runs.flatMap((id) => paths(datasets.runs.rows.find((r) => r.run === id)!.config, ''))).size);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${c.url} scrolls sideways`).toBeLessThanOrEqual(0);
      // Unticking a run in the picker updates the address and the comparison.
      await page.locator('details[data-compare-picker] > summary').click();
      await page.uncheck(`input[data-compare-pick][value="${runs[2]}"]`);
      await page.waitForFunction(
        (n) =>
          (document.querySelector('[data-compare]') as HTMLElement).dataset.runs?.split(',').length === n &&
          (document.querySelector('[data-compare]') as HTMLElement).dataset.state === 'ready',
        2,
      );
      expect(new URL(page.url()).hash).toBe(`#runs=${runs.slice(0, 2).join(',')}`);
      expect((await legend(page, 'curves')).sort()).toEqual(
        runs
          .slice(0, 2)
          .map((r) => r.slice(0, 8))
          .sort(),
      );
      expect(problems.console, c.url).toEqual([]);
      expect(problems.failed, c.url).toEqual([]);
      expect(problems.external, c.url).toEqual([]);
    }
  }, 90_000);

  it('says which runs of a link it does not know, and compares the rest', async () => {
    const runs = chosen().slice(0, 2);
    const { page, problems } = await watchedPage();
    await openComparison(page, `${origin}${BASE}compare.html#runs=${runs[0]},0000000000000000,${runs[1]}`, runs);
    expect(await page.locator('[data-compare-message]').innerText()).toContain('No run 0000000000000000 in this site');
    expect(problems.console).toEqual([]);
  }, 60_000);

  it("gives each of a dozen compared runs a colour of its own (vega's default palette repeats from the 11th)", async () => {
    const runs = complete()
      .slice(0, 12)
      .map((r) => r.run);
    expect(runs).toHaveLength(12);
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}compare.html#runs=${runs.join(',')}`);
    await page.waitForFunction(() => (document.querySelector('[data-compare]') as HTMLElement | null)?.dataset.state === 'ready', undefined, {
      timeout: 20_000,
    });
    for (const chart of ['curves', 'layers', 'emergence']) {
      expect((await legend(page, chart)).sort(), chart).toEqual(runs.map((r) => r.slice(0, 8)).sort());
      // A legend symbol is drawn in its run's colour (stroke for lines, fill for bars).
      const colours = await page
        .locator(`[data-compare-chart="${chart}"] svg .role-legend-symbol path`)
        .evaluateAll((paths) =>
          paths.map((p) => [p.getAttribute('stroke'), p.getAttribute('fill')].find((c) => c && c !== 'transparent' && c !== 'none') ?? ''),
        );
      expect(colours, chart).toHaveLength(12);
      expect(new Set(colours).size, `${chart}: ${colours.join(' ')}`).toBe(12);
    }
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('reopens the run browser from its address: filters, sort and ticked runs; and keeps changes in it', async () => {
    const rmsprop = datasets.runs.rows.filter((r) => r.optimizer === 'rmsprop' && r.status === 'complete');
    expect(rmsprop.length).toBeGreaterThan(1);
    const ticked = rmsprop.slice(0, 2).map((r) => r.run);
    for (const base of [`${origin}${BASE}runs.html`, pathToFileURL(join(out, 'runs.html')).href]) {
      const { page, problems } = await watchedPage({ width: 390, height: 844 });
      await page.goto(`${base}#q=rmsprop&status=complete&sort=test-acc&dir=descending&runs=${ticked.join(',')}`);
      const table = page.locator('table[data-runs-table]');
      const headers = await table.locator('thead th').allInnerTexts();
      const visible = (i: number) =>
        table.evaluate(
          (t, i) =>
            Array.from((t as HTMLTableElement).tBodies[0].rows)
              .filter((r) => !r.hidden)
              .map((r) => r.cells[i].dataset.value ?? r.cells[i].textContent ?? ''),
          i,
        );
      expect(await page.inputValue('#runs-filter')).toBe('rmsprop');
      expect(await page.inputValue('#runs-status')).toBe('complete');
      expect(new Set(await visible(headers.indexOf('optimizer')))).toEqual(new Set(['rmsprop']));
      expect(new Set(await visible(headers.indexOf('status')))).toEqual(new Set(['complete']));
      const acc = (await visible(headers.findIndex((h) => h.startsWith('test acc.')))).map(Number);
      expect(acc).toHaveLength(rmsprop.length);
      expect(acc).toEqual([...acc].sort((a, b) => b - a));
      expect(await table.locator('thead th[data-key="test-acc"]').getAttribute('aria-sort')).toBe('descending');
      const checked = await table.locator('input[data-select]:checked').evaluateAll((xs) => xs.map((x) => (x as HTMLInputElement).value));
      expect(checked.sort()).toEqual([...ticked].sort());
      const compareHref = await page.getAttribute('a[data-compare-link]', 'href');
      expect(compareHref).toMatch(new RegExp(`compare\\.html#runs=${ticked.join(',')}$`));
      // Changing the view rewrites the address, so the link to share is always the current one.
      await page.selectOption('#runs-status', '');
      await table.locator('thead th[data-key="lr"] button').click();
      const hash = new URLSearchParams(new URL(page.url()).hash.slice(1));
      expect(Object.fromEntries(hash)).toEqual({ sort: 'lr', q: 'rmsprop', runs: ticked.join(',') });
      expect(problems.console, base).toEqual([]);
      expect(problems.failed, base).toEqual([]);
    }
  }, 60_000);

  it('filters the explore table by brushing an axis, and reopens the brush from the address', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}explore.html`);
    const rows = page.locator('table[data-explore-table] tbody tr');
    const total = await rows.count();
    expect(total).toBe(datasets.runs.rows.length);
    // A threshold in a gap between the runs' sparsities, so half a pixel of rounding cannot move a run across it.
    const values = [...new Set(complete().map((r) => r.sparsityActivation!))].sort((a, b) => a - b);
    let gap = 0;
    for (let i = 1; i < values.length; i++) if (values[i] - values[i - 1] > values[gap] - values[gap - 1 < 0 ? 0 : gap - 1] && values[i] > 0.02) gap = i;
    const threshold = (values[gap] + values[gap - 1]) / 2;
    const expected = complete()
      .filter((r) => r.sparsityActivation! >= threshold)
      .map((r) => r.run)
      .sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(total);
    const svg = await page.locator('svg.pc').boundingBox();
    const hit = await page.locator('g[data-axis="sparsityActivation"] rect.pc-hit').boundingBox();
    const scale = svg!.height / LAYOUT.height;
    const yOf = (v: number) => svg!.y + (LAYOUT.height - LAYOUT.bottom - (LAYOUT.height - LAYOUT.top - LAYOUT.bottom) * v) * scale;
    const x = hit!.x + hit!.width / 2;
    await page.mouse.move(x, yOf(1) - 2);
    await page.mouse.down();
    await page.mouse.move(x, yOf(0.5 * (threshold + values[gap - 1])), { steps: 2 });
    await page.mouse.move(x, yOf(threshold), { steps: 4 });
    await page.mouse.up();
    const kept = async () =>
      (await rows.evaluateAll((trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => (tr as HTMLElement).dataset.run ?? ''))).sort();
    expect(await kept()).toEqual(expected);
    expect(await page.locator('[data-explore-count]').innerText()).toBe(`${expected.length} of ${total} runs inside every range`);
    expect(await page.locator('path.pc-line.pc-out').count()).toBe(total - expected.length);
    const link = page.url();
    expect(new URL(link).hash).toMatch(/^#brush=sparsityActivation:/);
    // The same address opened cold keeps the same runs.
    const again = await watchedPage({ width: 390, height: 844 });
    await again.page.goto(link);
    expect(
      (
        await again.page
          .locator('table[data-explore-table] tbody tr')
          .evaluateAll((trs) => trs.filter((tr) => !(tr as HTMLElement).hidden).map((tr) => (tr as HTMLElement).dataset.run ?? ''))
      ).sort(),
    ).toEqual(expected);
    // A click on the axis clears its range.
    await page.mouse.click(x, yOf(0.5));
    expect(await kept()).toHaveLength(total);
    expect(problems.console).toEqual([]);
    expect(again.problems.console).toEqual([]);
  }, 60_000);

  it('shows the plan of every study: each configuration with its state and seeds, and the pending ones', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}explore.html`);
    for (const study of datasets.studies.rows) {
      const grid = page.locator(`[data-study-grid="${study.study}"] tbody tr`);
      const counts = await grid.evaluateAll((trs) =>
        trs.map((tr) =>
          Object.fromEntries(Array.from(tr.querySelectorAll<HTMLElement>('td[data-count]')).map((td) => [td.dataset.count, Number(td.textContent || 0)])),
        ),
      );
      const sum = (k: string) => counts.reduce((s, c) => s + (c[k] ?? 0), 0);
      const members = study.members.map((m) => datasets.runs.rows.find((r) => r.run === m.run)).filter((r) => r !== undefined);
      expect(sum('complete'), study.study).toBe(members.filter((r) => r.status === 'complete').length);
      expect(sum('diverged'), study.study).toBe(members.filter((r) => r.status === 'diverged').length);
      expect(sum('failed'), study.study).toBe(members.filter((r) => r.status === 'failed').length);
      expect(sum('pending'), study.study).toBe(new Set(study.pending).size);
    }
    expect(await page.locator('[data-study-grid] tr[data-state="pending"]').count()).toBeGreaterThan(0);
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('gives the citations with the code and data versions of the build', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}cite.html`);
    const paper = await page.locator('[data-bibtex="cite-paper"]').innerText();
    expect(paper).toContain('author = {Mehta, Dushyant and Kim, Kwang In and Theobalt, Christian}');
    expect(paper).toContain('eprint = {1811.12495}');
    const own = await page.locator('[data-bibtex="cite-reproduction"]').innerText();
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
    const code = await page.locator('[data-version="code"]').innerText();
    expect(code.startsWith(commit)).toBe(true);
    expect(own).toContain(`Code version ${code}; data version ${snapshot.dataVersion} (quick scale, ${datasets.runs.rows.length} runs)`);
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('lists what changed since the kept version: runs added, verdicts and effects moved, rules changed since', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${origin}${BASE}changes.html`);
    const runs = page.locator('[data-runs-added]');
    expect(await runs.getAttribute('data-runs-added')).toBe('1');
    expect(await runs.getAttribute('data-runs-gone')).toBe('0');
    const changed = await page
      .locator('[data-verdict-changes] tr[data-outcome-changed="true"]')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.hypothesis));
    expect(changed).toEqual(['2']);
    const delta = Number(await page.locator('[data-verdict-changes] tr[data-hypothesis="2"] td[data-effect-delta]').getAttribute('data-effect-delta'));
    expect(delta).toBeCloseTo(0.05, 9);
    for (const h of [1, 3, 4, 5, 6, 7, 8, 9]) {
      const cell = await page.locator(`[data-verdict-changes] tr[data-hypothesis="${h}"] td[data-effect-delta]`).getAttribute('data-effect-delta');
      if (cell !== '') expect(Number(cell), `H${h}`).toBe(0);
    }
    expect(await page.locator('[data-rules-since]').getAttribute('data-rules-since')).toBe('1');
    expect(await page.locator('[data-rules-since]').innerText()).toContain('d006936abcde');
    expect(problems.console).toEqual([]);
  }, 60_000);

  it('keeps the new pages clean from disk, on a phone, in both themes; every verdict and figure has an anchor', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page, problems } = await watchedPage({ width: 390, height: 844 });
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of ['explore.html', 'cite.html', 'changes.html', 'compare.html', 'studies/optimizer.html']) {
        await page.goto(pathToFileURL(join(out, path)).href);
        // Let the favicon and figures finish before leaving, so no request is cut off by the next page.
        await page.waitForLoadState('networkidle');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} scrolls sideways on a phone (${scheme})`).toBeLessThanOrEqual(0);
        const unanchored = await page.evaluate(() => [
          ...Array.from(document.querySelectorAll('figure[data-figure]'))
            .filter((f) => !f.id || !f.querySelector(`a[href="#${f.id}"]`))
            .map((f) => `figure ${f.id}`),
          ...Array.from(document.querySelectorAll('article.verdict'))
            .filter((v) => !v.id || !v.querySelector(`a[href="#${v.id}"]`))
            .map((v) => `verdict ${v.id}`),
        ]);
        expect(unanchored, path).toEqual([]);
      }
      expect(problems.console, scheme).toEqual([]);
      expect(problems.failed, scheme).toEqual([]);
      expect(problems.external, scheme).toEqual([]);
    }
  }, 90_000);
});
