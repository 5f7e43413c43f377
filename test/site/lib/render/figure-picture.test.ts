// The static pictures: a figure drawn from its template's kept drawer (compiled and parsed once
// for every run page's figure of that kind) is the figure drawn on its own, to the byte, on
// synthetic data and on the committed full study; the accessibility attributes left out of the
// static drawing draw nothing; the fonts fall back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, drawPicture, pictureFonts, RASTER_OPTIONS, renderSvg, staticSpec } from '../../../../site/lib/render/figure-picture.js';
import { templateKey } from '../../../../site/lib/render/render.js';
import { locateData } from '../../../../site/lib/model/data.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { STABLE } from '../../../../site/lib/render/svg-raster.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

describe('the static pictures', () => {
  const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });
  // Three run pages: every kind of run figure three times (the first drawn alone, the others from the kept template).
  const runFigures = site.runPages
    .filter((r) => r.run.status === 'complete')
    .slice(0, 3)
    .flatMap((r) => r.figures);

  it('draw a figure from its template as on its own: compiled spec, size, warnings and picture', async () => {
    const kinds = new Map<string, number>();
    for (const figure of runFigures) {
      const key = templateKey(figure);
      kinds.set(key, (kinds.get(key) ?? 0) + 1);
      const [kept, alone] = [await drawPicture(figure.spec, key), await drawPicture(figure.spec)];
      expect(JSON.stringify(kept.vega), figure.id).toBe(JSON.stringify(alone.vega));
      expect({ width: kept.width, height: kept.height, warnings: kept.warnings }, figure.id).toEqual({
        width: alone.width,
        height: alone.height,
        warnings: alone.warnings,
      });
      expect(Buffer.from(kept.png).equals(Buffer.from(alone.png)), `${figure.route}/${figure.id}`).toBe(true);
    }
    // Every kind of run figure was drawn from a kept template more than once (the first of each is drawn alone).
    expect([...kinds.values()].every((n) => n >= 3)).toBe(true);
    expect(kinds.size).toBeGreaterThanOrEqual(4);
  }, 300_000);

  it("draw the committed full study's run figures from their kept templates as each on its own, to the byte", async () => {
    const source = locateData({ SITE_SCALE: 'full' });
    if (source.kind !== 'loaded') throw new Error(source.missing.reason);
    const full = buildSite(source.data.datasets, { scale: 'full', folder: source.data.folder, root: source.data.root, missingReason: null });
    // Every 12th complete run (~16 of the 200): each kind of run figure drawn from its kept template ~15 times.
    const figures = full.runPages
      .filter((r) => r.run.status === 'complete')
      .filter((_, i) => i % 12 === 0)
      .flatMap((r) => r.figures);
    const kept = new Map<string, number>();
    for (const figure of figures) {
      const key = templateKey(figure);
      kept.set(key, (kept.get(key) ?? 0) + 1);
      const [fromTemplate, alone] = [await drawPicture(figure.spec, key), await drawPicture(figure.spec)];
      expect({ width: fromTemplate.width, height: fromTemplate.height, warnings: fromTemplate.warnings }, figure.id).toEqual({
        width: alone.width,
        height: alone.height,
        warnings: alone.warnings,
      });
      expect(Buffer.from(fromTemplate.png).equals(Buffer.from(alone.png)), `${figure.route}/${figure.id}`).toBe(true);
    }
    expect([...kept.values()].filter((n) => n >= 10).length).toBeGreaterThanOrEqual(5);
  }, 600_000);

  it('hold the same rows as the figure in the compiled spec a kept template returns', async () => {
    const [a, b, c] = runFigures.filter((f) => f.id === runFigures[0].id);
    const key = templateKey(a);
    for (const f of [a, b]) await drawPicture(f.spec, key);
    const drawn = await drawPicture(c.spec, key);
    expect(JSON.stringify(drawn.vega)).toBe(JSON.stringify(compile(c.spec).vega));
    expect(JSON.stringify(drawn.vega)).not.toBe(JSON.stringify(compile(a.spec).vega));
  }, 60_000);

  it('leave the accessibility attributes out of the static drawing, which changes no pixel', async () => {
    for (const figure of runFigures.slice(0, 5)) {
      const compiled = compile(figure.spec).vega;
      const [full, quiet] = [await renderSvg(compiled), await renderSvg(staticSpec(compiled))];
      expect(full, figure.id).toMatch(/aria-label="/);
      // Only facet header titles keep a label (vega labels title text whatever its aria flag).
      expect(quiet, figure.id).not.toMatch(/aria-label="(?!Title text)/);
      expect(quiet.length).toBeLessThan(full.length);
      const pixels = (svg: string) => Buffer.from(STABLE.rasterise(svg, RASTER_OPTIONS).pixels);
      expect(pixels(quiet).equals(pixels(full)), figure.id).toBe(true);
    }
  }, 60_000);

  it('draw text in the named font files when they are there, else in the system fonts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fonts-'));
    const font = join(dir, 'Some.ttf');
    writeFileSync(font, 'not read here');
    expect(pictureFonts([font])).toMatchObject({ loadSystemFonts: false, fontFiles: [font] });
    expect(pictureFonts([font, join(dir, 'missing.ttf')])).toEqual({ loadSystemFonts: true });
  });
});
