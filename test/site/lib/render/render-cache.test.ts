// The render cache: a figure rendered once is read back from the cache by the next build (a new
// figure object with the same spec and data), a changed datum renders again, entries are whole.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Figure } from '../../../../site/lib/figures/figure-model.js';
import { renderFigure, renderStats } from '../../../../site/lib/render/render.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

const dir = mkdtempSync(join(tmpdir(), 'figure-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A figure as the next build makes it: a new object from the same data. */
const rebuilt = (f: Figure): Figure => structuredClone(f);

describe('the render cache', () => {
  const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });
  const figure = site.runPages.find((r) => r.run.status === 'complete')!.figures.find((f) => f.id === 'layers')!;

  it('renders a figure once, reads it back on the next build, and renders again when a datum changes', async () => {
    const before = { ...renderStats() };
    const first = await renderFigure(figure, dir);
    expect(renderStats()).toEqual({ rendered: before.rendered + 1, cached: before.cached });
    expect(readdirSync(dir).sort()).toHaveLength(2);

    const again = await renderFigure(rebuilt(figure), dir);
    expect(renderStats()).toEqual({ rendered: before.rendered + 1, cached: before.cached + 1 });
    expect(again.png).toEqual(first.png);
    expect(JSON.stringify(again.vega)).toBe(JSON.stringify(first.vega));
    expect([again.width, again.height]).toEqual([first.width, first.height]);

    const rows = figure.rows.map((r, i) => (i === 0 ? { ...r, sparsity: 0.5 } : r));
    const changed: Figure = { ...rebuilt(figure), rows, spec: { ...figure.spec, data: { values: rows } } };
    const third = await renderFigure(changed, dir);
    expect(renderStats()).toEqual({ rendered: before.rendered + 2, cached: before.cached + 1 });
    expect(third.png).not.toEqual(first.png);
    // Two entries of two files each, and no temporary file left behind.
    const files = readdirSync(dir);
    expect(files).toHaveLength(4);
    expect(files.every((f) => /^[0-9a-f]{32}\.(png|json)$/.test(f))).toBe(true);
  }, 60_000);

  it('renders again over an entry it cannot read', async () => {
    const other = mkdtempSync(join(tmpdir(), 'figure-cache-bad-'));
    try {
      await renderFigure(rebuilt(figure), other);
      const meta = readdirSync(other).find((f) => f.endsWith('.json'))!;
      writeFileSync(join(other, meta), '{"vega": ');
      const before = { ...renderStats() };
      const out = await renderFigure(rebuilt(figure), other);
      expect(renderStats().rendered).toBe(before.rendered + 1);
      expect(out.width).toBeGreaterThan(0);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 60_000);
});
