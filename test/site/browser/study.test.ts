// A study page: its figures become live only when the reader comes near them and then offer their
// SVG and JSON; the pruning study lists every pruned run before and after, as the dataset has it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSite } from '../../../site/lib/model/site.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('a study page', () => {
  it('makes a figure live only when the reader comes near it, and then offers its SVG and JSON', async () => {
    const { page, problems } = await s.watchedPage({ width: 390, height: 844 });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(`${s.origin}${BASE}studies/emergence.html`);
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

    const site = buildSite(s.datasets, { scale: 'quick', folder: join(s.site.root, 'data'), missingReason: null });
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

  it('lists every pruned run of the pruning study before and after, as the dataset has it', async () => {
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}studies/pruning.html`);
    const study = s.datasets.studies.rows.find((s) => s.study === 'pruning')!;
    const members = new Set(study.members.map((m) => m.run));
    const byRun = new Map(s.datasets.pruning.rows.map((p) => [p.run, p]));
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
    const others = s.datasets.pruning.rows
      .filter((p) => !members.has(p.run) && p.removedFilters > 0)
      .map((p) => p.run)
      .sort();
    expect(others.length).toBeGreaterThan(0);
    expect((await tables.nth(1).locator('tbody tr td:first-child').allTextContents()).sort()).toEqual(others);
    expect(problems.console).toEqual([]);
  }, 60_000);
});
