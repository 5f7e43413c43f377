// A run page: every field of the run's configuration and its provenance, escaped, the snapshot a
// run continued from, and its figures on a phone without JavaScript (wide pictures at their drawn
// size in boxes that scroll sideways, with a note and the picture's link).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { durationExact, number } from '../../../site/lib/text/format.js';
import { BASE, useSyntheticSite } from '../../helpers/synthetic-site.js';

const s = useSyntheticSite();

describe('a run page', () => {
  it("shows every field of a run's configuration and its provenance, escaped", async () => {
    // Every leaf of the configuration as a dotted path, with its value as text.
    const leaves = (v: unknown, path: string): Array<[string, string]> => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
      return [[path, Array.isArray(v) ? `[${v.join(', ')}]` : String(v)]];
    };
    const { page, problems } = await s.watchedPage();
    const complete = s.datasets.runs.rows.find((r) => r.status === 'complete' && r.studies.includes('emergence') && r.resumedFrom.length === 0)!;
    const failed = s.datasets.runs.rows.find((r) => r.status === 'failed')!;
    for (const run of [complete, failed]) {
      const url = `${s.origin}${BASE}runs/${run.run}.html`;
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
      const html = readFileSync(join(s.site.out, 'runs', `${run.run}.html`), 'utf8');
      expect(html).not.toContain('<simd>');
      expect(html).toContain('&lt;simd&gt;');
      // The footer names the data folder without the build machine's absolute path.
      const footer = await page.locator('footer [data-provenance]').innerText();
      expect(footer).toContain('Built from the datasets in data/quick/datasets, outside the repository');
      expect(footer).not.toContain(s.site.root);
      expect(provenance['continued after a kill'], url).toBeUndefined();
    }
    // A run continued from its snapshot says so, and from which iteration.
    const resumed = s.datasets.runs.rows.find((r) => r.resumedFrom.length > 0)!;
    await page.goto(`${s.origin}${BASE}runs/${resumed.run}.html`);
    const row = page.locator('table[data-provenance-table] tr', { hasText: 'continued after a kill' });
    expect(await row.locator('td').innerText()).toContain(`from the snapshot at iteration ${resumed.resumedFrom[0]}`);
    expect(problems.console).toEqual([]);
    expect(problems.dialogs).toEqual([]);
  }, 60_000);

  it('shows its figures on a phone without JavaScript at their drawn size, in boxes that scroll sideways, with a note', async () => {
    const run = s.datasets.runs.rows.find((r) => r.status === 'complete' && r.studies.includes('emergence'))!;
    const url = s.url(`runs/${run.run}.html`);
    const { page, problems } = await s.watchedPage({ width: 390, height: 844 }, { javaScriptEnabled: false });
    await page.goto(url);
    const figures = await page.locator('figure[data-figure]').evaluateAll((fs) =>
      fs.map((f) => {
        const canvas = f.querySelector<HTMLElement>('.fig-canvas')!;
        const img = canvas.querySelector('img')!;
        const note = f.querySelector<HTMLElement>('.fig-noscript');
        return {
          id: f.id,
          widePicture: canvas.hasAttribute('data-wide-picture'),
          natural: Number(img.getAttribute('width')),
          shown: img.getBoundingClientRect().width,
          box: canvas.clientWidth,
          scrolls: canvas.scrollWidth > canvas.clientWidth,
          note: note ? { visible: note.getBoundingClientRect().height > 0, link: note.querySelector('a')?.getAttribute('href') ?? null } : null,
          src: img.getAttribute('src'),
        };
      }),
    );
    const wide = figures.filter((f) => f.widePicture);
    expect(wide.length).toBeGreaterThan(0);
    for (const f of wide) {
      // At its drawn size (not scaled down to the phone's width), inside a box that scrolls, not the page.
      expect(f.shown, f.id).toBeCloseTo(f.natural, 0);
      expect(f.natural, f.id).toBeGreaterThan(f.box);
      expect(f.scrolls, f.id).toBe(true);
      expect(f.note, f.id).toEqual({ visible: true, link: f.src });
    }
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);
    // On a wide screen the picture fits and the note stays out of the way.
    const desk = await s.watchedPage(undefined, { javaScriptEnabled: false });
    await desk.page.goto(url);
    expect(await desk.page.locator('.fig-noscript').evaluateAll((ns) => ns.filter((n) => n.getBoundingClientRect().height > 0).length)).toBe(0);
    expect(problems.failed).toEqual([]);
  }, 60_000);
});
