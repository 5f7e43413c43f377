// The figures' files a build writes once its pages are done (site/lib/render/figure-files.ts): every
// figure's picture, data, spec and live script, byte for byte what the route would serve.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferFigureFiles, FIGURE_FILES_SLOT, writeFigureFiles, type FigureFilesJob } from '../../../../site/lib/render/figure-files.js';
import { FIGURE_FILES, figureFile, renderNarrow, sharedTemplates, templateKey } from '../../../../site/lib/render/render.js';
import { buildSite } from '../../../../site/lib/model/site.js';
import { syntheticDatasets } from '../../../../pipeline/synthetic-study.js';

const site = buildSite(syntheticDatasets(), { scale: 'quick', folder: '/tmp/x', missingReason: null });
// Two run pages (figures that share templates) and a study's figures (their own templates).
const figures = [...site.runPages.slice(0, 2).flatMap((p) => p.figures), ...site.studies[0].figures];
const shared = sharedTemplates(figures);
const work = mkdtempSync(join(tmpdir(), 'figure-files-'));
const saved = { cache: process.env.SITE_FIGURE_CACHE, workers: process.env.SITE_RENDER_WORKERS };
const slots = globalThis as unknown as Record<symbol, { job: FigureFilesJob | null } | undefined>;

beforeAll(() => {
  process.env.SITE_FIGURE_CACHE = join(work, 'cache');
  process.env.SITE_RENDER_WORKERS = '0';
});
afterAll(() => {
  for (const [name, value] of [
    ['SITE_FIGURE_CACHE', saved.cache],
    ['SITE_RENDER_WORKERS', saved.workers],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  slots[FIGURE_FILES_SLOT] = undefined;
  rmSync(work, { recursive: true, force: true });
});

/** How many phone-variant files the build writes (figure-files.ts): a picture for each figure not drawn from a shared template, a spec per distinct narrow spec. */
async function narrowFiles(out?: string): Promise<number> {
  let pictures = 0;
  const specs = new Set<string>();
  for (const figure of figures) {
    const narrow = await renderNarrow(figure);
    if (!narrow) continue;
    if (!shared.has(templateKey(figure))) {
      pictures++;
      if (out) expect(readFileSync(join(out, figure.route, `${figure.id}.narrow.png`)).equals(Buffer.from(narrow.rendered.png)), figure.id).toBe(true);
    }
    if (narrow.specPath) specs.add(narrow.specPath);
  }
  return pictures + specs.size;
}

async function expectFiles(out: string): Promise<void> {
  for (const figure of figures) {
    const folder = join(out, figure.route);
    for (const ext of FIGURE_FILES) {
      const { body } = await figureFile(figure, ext, shared.get(templateKey(figure)));
      const written = readFileSync(join(folder, `${figure.id}.${ext}`));
      expect(written.equals(Buffer.from(body)), `${figure.route}/${figure.id}.${ext}`).toBe(true);
    }
  }
}

describe('figure files written by the build', () => {
  it('writes four files a figure, each what the route serves, and the phone variants, and nothing else', async () => {
    expect(figures.length).toBeGreaterThan(5);
    expect(shared.size).toBeGreaterThan(0);
    const out = join(work, 'out');
    const narrow = await narrowFiles();
    expect(narrow).toBeGreaterThan(0);
    expect(await writeFigureFiles(out, figures, shared, 3)).toBe(figures.length * FIGURE_FILES.length + narrow);
    await expectFiles(out);
    expect(await narrowFiles(out)).toBe(narrow);
    const all = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(dir, e.name)) : [e.name]));
    expect(all(out).length).toBe(figures.length * FIGURE_FILES.length + narrow);
  }, 300_000);

  it('leaves them to the route when no build waits for them (astro dev), and to the build when one does', async () => {
    slots[FIGURE_FILES_SLOT] = undefined;
    expect(deferFigureFiles(figures, shared)).toBe(false);
    slots[FIGURE_FILES_SLOT] = { job: null };
    expect(deferFigureFiles(figures, shared)).toBe(true);
    const job = slots[FIGURE_FILES_SLOT]?.job;
    expect(job).toBeTypeOf('function');
    const out = join(work, 'deferred');
    expect(await job!(out)).toBe(figures.length * FIGURE_FILES.length + (await narrowFiles()));
    await expectFiles(out);
  }, 300_000);
});
