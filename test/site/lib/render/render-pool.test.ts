// The render workers: a figure drawn in a worker thread is the figure drawn in the main thread
// (compiled spec, size and picture alike), and a bad SITE_RENDER_WORKERS says what it wants.
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { drawPicture } from '../../../../site/lib/render/figure-picture.js';
import { DRAWN_HERE_FIRST, drawForBuild, drawInPool, drawsHere, renderWorkers } from '../../../../site/lib/render/render-pool.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

describe('the render workers', () => {
  const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });
  const figures = site.runPages.find((r) => r.run.status === 'complete')!.figures;

  it('draw each figure as the main thread does, at twice its size', async () => {
    expect(renderWorkers({})).toBeGreaterThan(0);
    for (const figure of figures) {
      const [pooled, here] = await Promise.all([drawInPool(figure.spec), drawPicture(figure.spec)]);
      // (vega tags the rows it ingests in place with a symbol, which a worker's copy does not carry)
      expect(JSON.parse(JSON.stringify(pooled.vega)), figure.id).toEqual(JSON.parse(JSON.stringify(here.vega)));
      expect({ width: pooled.width, height: pooled.height, warnings: pooled.warnings }, figure.id).toEqual({
        width: here.width,
        height: here.height,
        warnings: [],
      });
      expect(Buffer.from(pooled.png).equals(Buffer.from(here.png)), figure.id).toBe(true);
      const meta = await sharp(Buffer.from(pooled.png)).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format: 'png',
        width: Math.round(here.width * 2),
        height: Math.round(here.height * 2),
      });
    }
  }, 120_000);

  it("draw a build's figures after its first few, which its own thread draws, each as drawPicture does", async () => {
    expect([0, 1, DRAWN_HERE_FIRST - 1].map((drawn) => drawsHere(drawn, 2))).toEqual([true, true, true]);
    expect([DRAWN_HERE_FIRST, DRAWN_HERE_FIRST + 100].map((drawn) => drawsHere(drawn, 2))).toEqual([false, false]);
    expect(drawsHere(DRAWN_HERE_FIRST + 100, 0)).toBe(true);
    // The build's first DRAWN_HERE_FIRST figures and one more, drawn by a worker: each the picture drawPicture makes.
    const queue = Array.from({ length: DRAWN_HERE_FIRST + 1 }, (_, i) => figures[i % figures.length]);
    for (const figure of queue) {
      const [built, here] = await Promise.all([drawForBuild(figure.spec), drawPicture(figure.spec)]);
      expect(Buffer.from(built.png).equals(Buffer.from(here.png)), figure.id).toBe(true);
    }
  }, 180_000);

  it('free the rasters of the figures they drew (resvg keeps ~5 MB a figure outside the heap until finalized)', async () => {
    const run = site.runPages.filter((r) => r.run.status === 'complete').flatMap((r) => r.figures);
    const draw = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => run[i % run.length]).map((f) => drawInPool(f.spec)));
    await draw(16); // the workers started and their heaps warm
    const before = process.memoryUsage.rss();
    const drawn = 96;
    for (let i = 0; i < drawn; i += 8) await draw(8);
    const perFigure = (process.memoryUsage.rss() - before) / drawn;
    // Before the fix each figure left 7.6 MB behind (the run figures of the full study); after it, about 1 MB.
    expect(perFigure / 1e6).toBeLessThan(3);
  }, 180_000);

  it('takes SITE_RENDER_WORKERS as a whole number, 0 for the main thread', () => {
    expect(renderWorkers({ SITE_RENDER_WORKERS: '0' })).toBe(0);
    expect(renderWorkers({ SITE_RENDER_WORKERS: '3' })).toBe(3);
    expect(() => renderWorkers({ SITE_RENDER_WORKERS: 'two' })).toThrow(/whole number of workers/);
    expect(() => renderWorkers({ SITE_RENDER_WORKERS: '-1' })).toThrow(/SITE_RENDER_WORKERS/);
  });
});
