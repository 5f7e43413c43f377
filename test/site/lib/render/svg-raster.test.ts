// The pictures' rasteriser: the resvg 2.7 alpha's binding (linux-x64 glibc) draws every kind of
// figure of the site with the same pixels as the stable resvg-js, so that which one a machine has
// changes the build's time, not its pictures; and SITE_RESVG chooses between them, clearly.
import { describe, expect, it } from 'vitest';
import { compile, RASTER_OPTIONS, renderSvg, staticSpec } from '../../../../site/lib/render/figure-picture.js';
import { templateKey } from '../../../../site/lib/render/render.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { chooseRasteriser, nextRasteriser, STABLE } from '../../../../site/lib/render/svg-raster.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

const next = nextRasteriser();
const onLinuxGlibcX64 =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime);

describe('the rasteriser', () => {
  it('is the 2.7 alpha wherever npm installs it (linux-x64 with glibc)', () => {
    expect(next !== null).toBe(onLinuxGlibcX64);
    expect(chooseRasteriser({}).version).toBe((next ?? STABLE).version);
  });

  it('is the stable package when SITE_RESVG=stable, and says what SITE_RESVG may be', () => {
    expect(chooseRasteriser({ SITE_RESVG: 'stable' })).toBe(STABLE);
    expect(() => chooseRasteriser({ SITE_RESVG: 'fast' })).toThrow(/SITE_RESVG must be 'stable' or 'next'.*not 'fast'/);
    if (next) expect(chooseRasteriser({ SITE_RESVG: 'next' }).version).toBe(next.version);
  });

  it.skipIf(next === null)(
    'draws each kind of figure with the same pixels as the stable resvg-js',
    async () => {
      const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });
      // One figure of each template: every kind of figure the site draws (the run page's, the studies', the headline).
      const kinds = new Map<string, (typeof site.figures)[number]>();
      for (const figure of site.figures) if (!kinds.has(templateKey(figure))) kinds.set(templateKey(figure), figure);
      expect(kinds.size).toBeGreaterThan(10);
      for (const figure of kinds.values()) {
        const svg = await renderSvg(staticSpec(compile(figure.spec).vega));
        const stable = STABLE.rasterise(svg, RASTER_OPTIONS);
        const faster = next!.rasterise(svg, RASTER_OPTIONS);
        expect({ width: faster.width, height: faster.height }, figure.id).toEqual({ width: stable.width, height: stable.height });
        expect(Buffer.from(faster.pixels).equals(Buffer.from(stable.pixels)), figure.id).toBe(true);
      }
    },
    240_000,
  );
});
