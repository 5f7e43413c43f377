// A run page: every field of the run's configuration and its provenance, escaped, and the
// snapshot a run continued from.
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
});
