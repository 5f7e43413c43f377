// The figures' phone variant (site/lib/figures/figure-narrow.ts, render.ts renderNarrow): facets and
// side-by-side views wrapped to one column, long titles in lines, legends narrowed; every figure
// of a synthetic study drawn as its phone variant fits NARROW.maxWidth (or is drawn no wider than
// its plots allow) and draws without warnings.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { breakTitle, NARROW, narrowSpec } from '../../../../site/lib/figures/figure-narrow.js';
import { compile } from '../../../../site/lib/render/figure-picture.js';
import { renderFigure, renderNarrow } from '../../../../site/lib/render/render.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

const cache = mkdtempSync(join(tmpdir(), 'narrow-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('the phone variant of a spec', () => {
  const rows = [
    { criterion: 'a', level: 'first level', y: 1 },
    { criterion: 'b', level: 'second level', y: 2 },
  ];
  const facetted: TopLevelSpec = {
    data: { values: rows },
    facet: { column: { field: 'criterion', type: 'nominal', title: null } },
    spec: {
      width: 420,
      height: 200,
      mark: 'point',
      encoding: {
        x: { field: 'level', type: 'ordinal', axis: { labelAngle: 0 } },
        y: { field: 'y', type: 'quantitative', title: 'a rather long axis title that runs past a phone' },
      },
    },
  };

  it('wraps a column facet to one column with its label on top, narrows the plot and breaks long titles', () => {
    const narrowed: Record<string, unknown> = { ...narrowSpec(facetted) };
    const n = narrowed as { facet: Record<string, unknown>; columns: number; spec: { width: number; encoding: { y: { title: unknown } } } };
    expect(n.columns).toBe(1);
    expect(n.facet.field).toBe('criterion');
    expect((n.facet.header as { labelOrient: string }).labelOrient).toBe('top');
    expect(n.spec.width).toBe(NARROW.plotWidth);
    expect(Array.isArray(n.spec.encoding.y.title)).toBe(true);
    expect(compile(n).warnings).toEqual([]);
  });

  it('stacks side-by-side views and keeps a figure that is already narrow as it is', () => {
    const n = narrowSpec({
      hconcat: [
        { width: 300, mark: 'point' },
        { width: 100, mark: 'point' },
      ],
    }) as { vconcat: Array<{ width: number }>; hconcat?: unknown };
    expect(n.hconcat).toBeUndefined();
    expect(n.vconcat.map((v) => v.width)).toEqual([NARROW.plotWidth, 100]);
  });

  it('breaks a title at spaces into lines of at most the limit', () => {
    const lines = breakTitle('active share (1 = fires on every image, least selective)', 20) as string[];
    expect(lines.join(' ')).toBe('active share (1 = fires on every image, least selective)');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(20);
    expect(breakTitle('short')).toBe('short');
  });
});

describe('the phone variants of a synthetic study', () => {
  const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });
  const studyFigures = site.figures.filter((f) => f.route.startsWith('studies/') || f.route === 'index');

  it('are drawn for every figure wider than a phone, at most NARROW.maxWidth wide (or as narrow as their plots allow), without warnings', async () => {
    let drawn = 0;
    for (const figure of studyFigures) {
      const wide = await renderFigure(figure, cache);
      const narrow = await renderNarrow(figure, cache);
      if (wide.width <= NARROW.maxWidth) {
        expect(narrow, figure.id).toBeNull();
        continue;
      }
      drawn++;
      expect(narrow, figure.id).not.toBeNull();
      expect(narrow!.rendered.warnings, figure.id).toEqual([]);
      expect(narrow!.rendered.width, figure.id).toBeLessThan(wide.width);
      // A drawing still wider than a phone is one whose labels, not its plots, set its width: allow 10 %.
      expect(narrow!.rendered.width, figure.id).toBeLessThanOrEqual(NARROW.maxWidth * 1.1);
    }
    expect(drawn).toBeGreaterThan(0);
  }, 600_000);
});
