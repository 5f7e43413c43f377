// The build's render workers: the figures are compiled and their static pictures drawn (figure-picture.ts) in
// worker threads (piscina), one per core by default, while the main thread builds the pages; a
// build's first few figures are drawn in its own thread (drawForBuild), which costs less than
// starting the workers. SITE_RENDER_WORKERS sets how many (0: draw in the main thread). Build time, Node only.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { drawPicture, type Picture } from './figure-picture.js';

/** How many workers draw pictures: SITE_RENDER_WORKERS, else one per core. */
export function renderWorkers(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SITE_RENDER_WORKERS;
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`SITE_RENDER_WORKERS must be a whole number of workers (0 draws in the main thread), not '${raw}'`);
  return n;
}

/** The worker's entry: it loads figure-picture.ts through tsx. */
const WORKER_ENTRY = 'figure-picture-worker.mjs';

/**
 * The worker's source file. Inside Astro's build this module is bundled away from its folder, so
 * astro.config.mjs names the site's sources in SITE_SOURCE_DIR; run from source (tests, scripts)
 * it sits beside this file.
 */
function workerSource(): string | null {
  const beside = join(dirname(fileURLToPath(import.meta.url)), WORKER_ENTRY);
  if (existsSync(beside)) return beside;
  const sources = process.env.SITE_SOURCE_DIR;
  const named = sources ? join(sources, 'lib', WORKER_ENTRY) : null;
  return named && existsSync(named) ? named : null;
}

let pool: Piscina<{ spec: object; template?: string }, Picture> | null | undefined;

function renderPool(): Piscina<{ spec: object; template?: string }, Picture> | null {
  if (pool !== undefined) return pool;
  const workers = renderWorkers();
  const source = workerSource();
  pool =
    workers > 0 && source
      ? new Piscina({
          filename: source,
          minThreads: 0,
          maxThreads: workers,
          // Workers end soon after the last figure, so the build's process can exit.
          idleTimeout: 1000,
          // A worker goes back to its event loop between figures: with piscina's default
          // ('sync') it waits for the next task in Atomics.wait, the finalizers that free resvg's
          // rasters (figure-picture.ts COLLECT_EVERY) never run, and each figure left ~7 MB
          // behind (a cold build of 1,000 runs reached 22 GB and was killed); now ~0.5 MB, bounded.
          atomics: 'disabled',
        })
      : null;
  return pool;
}

/** The compiled spec and static picture of a Vega-Lite spec, made by a render worker (or here, with none); `template` as for drawPicture. */
export function drawInPool(vegaLiteSpec: object, template?: string): Promise<Picture> {
  const workers = renderPool();
  return workers ? workers.run({ spec: vegaLiteSpec, template }) : drawPicture(vegaLiteSpec, template);
}

/**
 * Figures a build draws in its own thread before it starts the workers. A worker's start (tsx,
 * vega, vega-lite and resvg loaded again) costs ~2 s of CPU, the drawing of ~20 figures, and a
 * rebuild after one new run draws 5 to 15: drawn here, that rebuild of the full study took 19.0 s
 * (18.0 s of CPU) against 23.2 s (23.2 s) with the workers started for them (bench:site, medians
 * of 3 alternated, 5 December). Past this count (a cold build) the workers draw the rest.
 */
export const DRAWN_HERE_FIRST = 24;

/** Whether the build's next figure is drawn in its own thread, after `drawn` figures, with `workers` workers to be had. */
export function drawsHere(drawn: number, workers: number): boolean {
  return workers === 0 || drawn < DRAWN_HERE_FIRST;
}

let drawnByBuild = 0;

/** A figure the build draws (render.ts): its first DRAWN_HERE_FIRST in this thread, the rest by the render workers. */
export function drawForBuild(vegaLiteSpec: object, template?: string): Promise<Picture> {
  return drawsHere(drawnByBuild++, renderWorkers()) ? drawPicture(vegaLiteSpec, template) : drawInPool(vegaLiteSpec, template);
}
