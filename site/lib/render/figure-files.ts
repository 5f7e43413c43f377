// The files beside the pages that every figure has (render.ts FIGURE_FILES: picture, data, spec,
// live script), written by the build straight into its output folder once the pages are built,
// instead of one Astro endpoint each: Astro spends ~1.3 ms of CPU on an endpoint's request,
// response and log line, and the full study has four files a figure (3,456 for 864 figures, 5 s
// of CPU of a rebuild's 21 s). The [...file] route hands the build its figures (registerFigureFiles);
// astro.config.mjs's `figure-files` integration writes them when the pages are done. `astro dev`
// has no such end, so there the route serves them as before. Build time, Node only.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../../data/atomic-write.js';
import type { Figure } from '../figures/figure-model.js';
import { FIGURE_FILES, figureFile, narrowSpecFile, renderNarrow, templateKey } from './render.js';

/** The figures' files, written into `outDir` (the build's output folder); how many files were written. */
export async function writeFigureFiles(outDir: string, figures: readonly Figure[], shared: ReadonlyMap<string, Figure>, inFlight = 16): Promise<number> {
  const files = figures.flatMap((figure) => FIGURE_FILES.map((ext) => ({ figure, ext, path: join(outDir, figure.route, `${figure.id}.${ext}`) })));
  await Promise.all([...new Set(files.map((f) => dirname(f.path)))].map((folder) => mkdir(folder, { recursive: true })));
  const queue = files.values();
  // `inFlight` writers take the next file as each finishes (one iterator shared by all).
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (const { figure, ext, path } of queue) {
        const { body } = await figureFile(figure, ext, shared.get(templateKey(figure)));
        // Every byte or an error naming the file; no fsync of each file, as the output folder is
        // swapped in whole once complete (astro.config.mjs, atomicOutput).
        writeFileAtomic(path, body, { fsync: false });
      }
    }),
  );
  return files.length + (await writeNarrowFiles(outDir, figures, shared, inFlight));
}

/**
 * Each figure's phone variant (render.ts renderNarrow): its spec without rows once per distinct
 * spec, and, for a figure not drawn from a shared template, its picture beside the wide one. The
 * run pages' figures (shared templates) have no phone picture: 1,040 of them took 16 MB, past the
 * site's budget; a phone draws them live from the shared spec, and shows the wide picture until then.
 */
async function writeNarrowFiles(outDir: string, figures: readonly Figure[], shared: ReadonlyMap<string, Figure>, inFlight: number): Promise<number> {
  const queue = figures.values();
  const specs = new Set<string>();
  let written = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (const figure of queue) {
        const narrow = await renderNarrow(figure);
        if (!narrow) continue;
        if (!shared.has(templateKey(figure))) {
          writeFileAtomic(join(outDir, figure.route, `${figure.id}.narrow.png`), narrow.rendered.png, { fsync: false });
          written++;
        }
        if (narrow.specPath && !specs.has(narrow.specPath)) {
          specs.add(narrow.specPath);
          const path = join(outDir, narrow.specPath);
          await mkdir(dirname(path), { recursive: true });
          writeFileAtomic(path, narrowSpecFile(narrow), { fsync: false });
          written++;
        }
      }
    }),
  );
  return written;
}

/** What the build's `figure-files` integration calls once the pages are built: writes the files into the output folder, returns how many. */
export type FigureFilesJob = (outDir: string) => Promise<number>;

/**
 * Where the route and the integration meet (one slot for every copy of this module in the process,
 * as renderStats): the integration puts `{ job: null }` there when a build starts, the route
 * leaves its job in it.
 */
export const FIGURE_FILES_SLOT = Symbol.for('implicit-filter-sparsity.figure-files');

/**
 * Hands the figures' files to the build, to write once its pages are built (astro.config.mjs);
 * false when nothing will (`astro dev`, or a build without the integration), and the route must
 * serve them itself.
 */
export function deferFigureFiles(figures: readonly Figure[], shared: ReadonlyMap<string, Figure>): boolean {
  const slot = (globalThis as unknown as Record<symbol, { job: FigureFilesJob | null } | undefined>)[FIGURE_FILES_SLOT];
  if (!slot) return false;
  slot.job = (outDir) => writeFigureFiles(outDir, figures, shared);
  return true;
}
