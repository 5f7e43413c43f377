// The comparison of runs (compare.html): a link opened cold shows exactly the named runs (the
// differing configuration fields, overlaid curves, layers and emergence), over http and from disk,
// on a phone and in both themes; unknown runs are named; a dozen runs get a dozen colours; the
// picker works by keyboard.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tabTo } from '../../helpers/browser.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('the comparison of runs', () => {
  const complete = () => s.datasets.runs.rows.filter((r) => r.status === 'complete');
  /** Three complete runs of different configurations, in the order the link names them. */
  const chosen = () => {
    const runs = complete();
    return [runs[0], runs.find((r) => r.optimizer !== runs[0].optimizer)!, runs[runs.length - 1]].map((r) => r.run);
  };
  const legend = (page: Page, chart: string) => page.locator(`[data-compare-chart="${chart}"] svg .role-legend-label text`).allTextContents();
  /** Legend labels against run names: one label per name, each the name or, where vega's label limit cut it, its start and "…". */
  const expectLegend = (labels: string[], names: Array<string | undefined>, what: string) => {
    expect(labels, what).toHaveLength(names.length);
    const open = [...labels];
    for (const name of names) {
      const i = open.findIndex((l) => l === name || (l.endsWith('…') && name?.startsWith(l.slice(0, -1).trimEnd())));
      expect(i, `${what}: no legend label for "${name}" in ${JSON.stringify(labels)}`).toBeGreaterThanOrEqual(0);
      open.splice(i, 1);
    }
  };
  /** The names the configuration table's column heads give the runs (by the fields that differ, site/lib/figures/run-names.ts), by run id; all distinct. */
  const shownNames = async (page: Page): Promise<Map<string, string>> => {
    const pairs = await page
      .locator('table.compare-config th[data-run]')
      .evaluateAll((ths) => ths.map((th) => [(th as HTMLElement).dataset.run ?? '', th.querySelector('a')?.textContent ?? ''] as [string, string]));
    const names = new Map(pairs);
    expect(new Set(names.values()).size).toBe(names.size);
    return names;
  };

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
    const configs = runs.map((id) => s.datasets.runs.rows.find((r) => r.run === id)!.config as Record<string, Record<string, unknown>>);
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
    // Overlaid curves, layers and emergence: one legend entry per named run, no other, named as the table's heads name it.
    const names = await shownNames(page);
    expect([...names.keys()]).toEqual(runs);
    for (const chart of ['curves', 'layers', 'emergence'])
      expectLegend(
        await legend(page, chart),
        runs.map((r) => names.get(r)),
        `${url} ${chart}`,
      );
    const marks = await page.locator('[data-compare-chart="curves"] svg .role-mark path').count();
    expect(marks, url).toBeGreaterThanOrEqual(runs.length);
  }

  it('opens a comparison link cold, from http and from disk, on a phone and in both themes', async () => {
    const runs = chosen();
    const cases = [
      { url: `${s.origin}${BASE}compare.html#runs=${runs.join(',')}`, viewport: { width: 1280, height: 900 }, scheme: 'light' as const },
      { url: `${pathToFileURL(join(s.site.out, 'compare.html')).href}#runs=${runs.join(',')}`, viewport: { width: 390, height: 844 }, scheme: 'dark' as const },
    ];
    for (const c of cases) {
      const { page, problems } = await s.watchedPage(c.viewport);
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
      expect(all).toBe(new Set(runs.flatMap((id) => paths(s.datasets.runs.rows.find((r) => r.run === id)!.config, ''))).size);
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
      const names = await shownNames(page);
      expectLegend(
        await legend(page, 'curves'),
        runs.slice(0, 2).map((r) => names.get(r)),
        'curves',
      );
      expect(problems.console, c.url).toEqual([]);
      expect(problems.failed, c.url).toEqual([]);
      expect(problems.external, c.url).toEqual([]);
    }
  }, 90_000);

  it('says which runs of a link it does not know, and compares the rest', async () => {
    const runs = chosen().slice(0, 2);
    const { page, problems } = await s.watchedPage();
    await openComparison(page, `${s.origin}${BASE}compare.html#runs=${runs[0]},0000000000000000,${runs[1]}`, runs);
    expect(await page.locator('[data-compare-message]').innerText()).toContain('No run 0000000000000000 in this site');
    expect(problems.console).toEqual([]);
  }, 60_000);

  it("gives each of a dozen compared runs a colour of its own (vega's default palette repeats from the 11th)", async () => {
    const runs = complete()
      .slice(0, 12)
      .map((r) => r.run);
    expect(runs).toHaveLength(12);
    const { page, problems } = await s.watchedPage();
    await page.goto(`${s.origin}${BASE}compare.html#runs=${runs.join(',')}`);
    await page.waitForFunction(() => (document.querySelector('[data-compare]') as HTMLElement | null)?.dataset.state === 'ready', undefined, {
      timeout: 20_000,
    });
    const names = await shownNames(page);
    for (const chart of ['curves', 'layers', 'emergence']) {
      expectLegend(
        await legend(page, chart),
        runs.map((r) => names.get(r)),
        chart,
      );
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

  it('is usable by keyboard: the picker opens, a run is unticked and every field shown without a mouse', async () => {
    const runs = chosen();
    const { page, problems } = await s.watchedPage();
    await openComparison(page, s.url(`compare.html#runs=${runs.join(',')}`), runs);
    const differing = await page.locator('[data-compare-config] tbody tr:not([hidden])').count();
    await tabTo(page, 'details[data-compare-picker] > summary');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('details[data-compare-picker]', 'open')).not.toBeNull();
    await tabTo(page, `input[data-compare-pick][value="${runs[2]}"]`, 2000);
    await page.keyboard.press('Space');
    await page.waitForFunction(
      (n) =>
        (document.querySelector('[data-compare]') as HTMLElement).dataset.runs?.split(',').length === n &&
        (document.querySelector('[data-compare]') as HTMLElement).dataset.state === 'ready',
      2,
    );
    expect(new URL(page.url()).hash).toBe(`#runs=${runs.slice(0, 2).join(',')}`);
    await tabTo(page, '[data-compare-all-fields]');
    await page.keyboard.press('Space');
    expect(await page.isChecked('[data-compare-all-fields]')).toBe(true);
    expect(await page.locator('[data-compare-config] tbody tr:not([hidden])').count()).toBeGreaterThan(differing);
    expect(problems.console).toEqual([]);
  }, 60_000);
});
